/**
 * A broker credential per process, made fresh at every boot and never written to disk, each
 * allowed only what its process does. Two classes of request travel on the broker:
 * user-facing operations (`svc.<service>.<op>`, which carry an `actor` or a password) and
 * internal ones (`log.<service>.read`, `sys.health.<service>`, `sys.ready`, which act for
 * nobody). Only the gateway may send user-facing operations — it fills in `actor` from a
 * verified token — so no other process can make a service act for a user. Services learn
 * from each other through events and log reads only. Every process receives replies on its
 * own inbox prefix, so none can read another's replies (tokens, passwords). The owner's
 * credential from configuration gets the role it names (`broker.owner_role`), by default
 * read-only domain events.
 */
import { randomBytes } from 'node:crypto';
import type { AuthorizationOptions, Permissions, UserEntry } from '../../embedded-broker/index.ts';
import type { OwnerRole } from '../config/index.ts';

/** A user name and password for one process. */
export interface Credential {
  user: string;
  password: string;
}

/** The owner's credential from configuration and the role it is given. */
export interface OwnerCredential extends Credential {
  role: OwnerRole;
}

/** The supervisor's own user name. */
export const SUPERVISOR_USER = 'hearth-supervisor';

/** Replies to the owner's requests must start with it (`inboxPrefix` in their client). */
export const OWNER_INBOX = '_INBOX.owner';

/** Each process may answer the requests it receives, once each. */
const RESPOND_ONCE = { maxMsgs: 1, expires: 0 } as const;

function secret(): string {
  return randomBytes(24).toString('base64url');
}

/** The one service that orchestrates sagas (docs/sagas.md): it alone may send saga steps. */
export const SAGA_ORCHESTRATOR = 'users';

/** The permissions of service `name`. */
export function servicePermissions(name: string): Permissions {
  if (name === 'gateway') {
    // The gateway alone sends user-facing operations, follows every event, and asks everyone's health.
    return {
      publish: { allow: ['svc.>', 'log.*.read', 'sys.health.*', 'sys.ready', 'evt.gateway.>'] },
      subscribe: { allow: ['svc.gateway.>', 'log.gateway.read', 'sys.health.gateway', 'evt.>', '_INBOX.gateway.>', 'saga.gateway.>'] },
      allowResponses: RESPOND_ONCE,
    };
  }
  // No `svc.>`: a service (even a compromised one) cannot ask another to act for a user.
  // Every service listens for the saga steps it may take part in (`saga.<name>.>`, kit/saga);
  // only the orchestrator of the three sagas (users: account and group deletion, export) sends them.
  return {
    publish: { allow: [`evt.${name}.>`, 'log.*.read', ...(name === SAGA_ORCHESTRATOR ? ['saga.>'] : [])] },
    subscribe: { allow: [`svc.${name}.>`, `log.${name}.read`, `sys.health.${name}`, 'evt.>', `_INBOX.${name}.>`, `saga.${name}.>`] },
    allowResponses: RESPOND_ONCE,
  };
}

/**
 * The supervisor's permissions: it asks for health, answers readiness, and answers the
 * backup operations (`svc.supervisor.>`, src/contracts/backups.ts), which only the gateway
 * may send (its `svc.>`); no service can be named `supervisor`, so none else listens there.
 */
export const SUPERVISOR_PERMISSIONS: Permissions = {
  publish: { allow: ['sys.health.*'] },
  subscribe: { allow: ['_INBOX.supervisor.>', 'sys.ready', 'svc.supervisor.>'] },
  allowResponses: RESPOND_ONCE,
};

/**
 * The permissions of the owner's credential by role (docs/configuration.md says what each
 * exposes): `events` reads domain events and publishes nothing; `operator` also asks
 * health, readiness and any service's event log, with replies on its own inbox; `full`
 * has no limits at all (sees passwords and tokens in transit, can act as any user).
 */
export function ownerPermissions(role: OwnerRole): Permissions | undefined {
  switch (role) {
    case 'events':
      return { publish: { deny: ['>'] }, subscribe: { allow: ['evt.>'] } };
    case 'operator':
      return {
        publish: { allow: ['log.*.read', 'sys.health.*', 'sys.ready'] },
        subscribe: { allow: ['evt.>', `${OWNER_INBOX}.>`] },
      };
    case 'full':
      return undefined;
  }
}

/**
 * Fresh credentials for the services and the supervisor, and the broker authorization that
 * admits them and the owner's own credential from configuration, if any, with its role.
 */
export function makeCredentials(services: readonly string[], owner?: OwnerCredential): {
  services: Map<string, Credential>;
  supervisor: Credential;
  authorization: AuthorizationOptions;
} {
  const map = new Map(services.map((s) => [s, { user: `hearth-${s}`, password: secret() }]));
  const supervisor = { user: SUPERVISOR_USER, password: secret() };
  const ownerEntry = (o: OwnerCredential): UserEntry => {
    const permissions = ownerPermissions(o.role);
    return { user: o.user, password: o.password, ...(permissions ? { permissions } : {}) };
  };
  const users: UserEntry[] = [
    ...services.map((s) => ({ user: map.get(s)!.user, password: map.get(s)!.password, permissions: servicePermissions(s) })),
    { ...supervisor, permissions: SUPERVISOR_PERMISSIONS },
    ...(owner ? [ownerEntry(owner)] : []),
  ];
  return { services: map, supervisor, authorization: { users } };
}
