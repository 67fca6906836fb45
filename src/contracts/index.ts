/**
 * Every message of Hearth in one place: subjects, commands, queries and events, each a
 * valibot schema with a version (declared with the kit's `command`, `query` and `event`).
 * Services and the gateway import their messages from here and nowhere else. Today it
 * holds the kit's own messages — the event envelope, `log.<service>.read` and
 * `sys.health.<service>` — and the subject scheme; each service adds its file here as it
 * lands (#4–#6). `settings` declares the configuration keys a service reads, once
 * (src/contracts/settings).
 *
 * @example
 * import { subjects, LogReadRequest } from '../../src/contracts/index.ts';
 * subjects.event('chat', 'message_sent'); // 'evt.chat.message_sent'
 */
export {
  EnvelopeSchema,
  HealthReply,
  LogReadReply,
  LogReadRequest,
  LOG_READ_MAX,
  Headers,
  kitSubjects as subjects,
  type Envelope,
} from '../kit/index.ts';
export * as users from './users.ts';
export * as location from './location.ts';
export * as chat from './chat.ts';
export * as notifications from './notifications.ts';
export * as backups from './backups.ts';
export * as sagas from './sagas/index.ts';
export * as membership from './membership/index.ts';
export * as settings from './settings/index.ts';
export { BUILT_IN_SERVICES, type BuiltInService } from './services.ts';
