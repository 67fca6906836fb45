/**
 * The built-in services of this build, loaded only inside the process that runs one
 * (`hearth service <name>`). The supervisor runs whatever is listed here plus any plug-in
 * service configured with an `entry`.
 */
import type { BuiltInService } from '../src/contracts/index.ts';
import type { ServiceDefinition } from '../src/kit/index.ts';

/** Name → loader of each built-in service. */
export const SERVICES: Readonly<Record<BuiltInService, () => Promise<{ default: ServiceDefinition }>>> = {
  users: () => import('./users/index.ts'),
  location: () => import('./location/index.ts'),
  chat: () => import('./chat/index.ts'),
  notifications: () => import('./notifications/index.ts'),
  gateway: () => import('../src/gateway/index.ts'),
};
