/**
 * The gateway's read model of the users service: its tables (groups, members, revoked
 * sessions, deleted users) and the in-memory copy every request is authorised with. The
 * consumer that keeps it is consumers/users.ts.
 */
export { ReadModel, type GroupEvent, type Revocation } from './read-model.ts';
export { MemoryModel, REVOCATION_KEEP_MS, type Change, type SessionRevoked } from './memory.ts';
