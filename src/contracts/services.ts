/**
 * The services Hearth has built in, by name: the supervisor starts them (src/config's
 * `services` section), `hearth service <name>` finds them (services/index.ts), and the
 * gateway's `/readyz` asks each of them when no supervisor answers. One list, so the three
 * cannot disagree; a new built-in service is added here first.
 */

/** The built-in services, in the order the supervisor starts them. */
export const BUILT_IN_SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'] as const;

/** A built-in service's name. */
export type BuiltInService = (typeof BUILT_IN_SERVICES)[number];
