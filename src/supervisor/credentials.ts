/**
 * A broker credential per service, made fresh at every boot and never written to disk:
 * each service may only answer its own subjects, publish its own events, read other
 * services' logs and events, call other services, and receive replies on its own inbox
 * prefix (so no service can read another's replies). The supervisor gets a credential
 * for health checks only.
 */
import { randomBytes } from 'node:crypto';
import type { AuthorizationOptions, Permissions, UserEntry } from '../../embedded-broker/index.ts';

/** A user name and password for one process. */
export interface Credential {
  user: string;
  password: string;
}

/** The supervisor's own user name. */
export const SUPERVISOR_USER = 'hearth-supervisor';

function secret(): string {
  return randomBytes(24).toString('base64url');
}

/** The permissions of service `name`. */
export function servicePermissions(name: string): Permissions {
  if (name === 'gateway') {
    // The gateway calls every service, follows every event, and reports everyone's health.
    return {
      publish: { allow: ['svc.>', 'log.*.read', 'sys.health.*', 'sys.ready', 'evt.gateway.>'] },
      subscribe: { allow: ['svc.gateway.>', 'log.gateway.read', 'sys.health.gateway', 'evt.>', '_INBOX.gateway.>'] },
      allowResponses: { maxMsgs: 1, expires: 0 },
    };
  }
  return {
    publish: { allow: [`evt.${name}.>`, 'svc.>', 'log.*.read'] },
    subscribe: { allow: [`svc.${name}.>`, `log.${name}.read`, `sys.health.${name}`, 'evt.>', `_INBOX.${name}.>`] },
    allowResponses: { maxMsgs: 1, expires: 0 },
  };
}

/**
 * Fresh credentials for the services and the supervisor, and the broker authorization that
 * admits them; `owner` is the owner's own credential from configuration (full access, for
 * their scripts and integrations), if any.
 */
export function makeCredentials(services: readonly string[], owner?: Credential): {
  services: Map<string, Credential>;
  supervisor: Credential;
  authorization: AuthorizationOptions;
} {
  const map = new Map(services.map((s) => [s, { user: `hearth-${s}`, password: secret() }]));
  const supervisor = { user: SUPERVISOR_USER, password: secret() };
  const users: UserEntry[] = [
    ...services.map((s) => ({ user: map.get(s)!.user, password: map.get(s)!.password, permissions: servicePermissions(s) })),
    {
      ...supervisor,
      permissions: {
        publish: { allow: ['sys.health.*'] },
        subscribe: { allow: ['_INBOX.supervisor.>', 'sys.ready'] },
        allowResponses: { maxMsgs: 1, expires: 0 },
      },
    },
    ...(owner ? [{ user: owner.user, password: owner.password }] : []),
  ];
  return { services: map, supervisor, authorization: { users } };
}
