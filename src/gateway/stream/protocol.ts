/**
 * The stream's wire contract: paths, WebSocket close codes, limits, why a stream ends,
 * and the messages a client may send (checked with valibot). Outgoing frames are built in
 * `wire.ts`.
 */
import * as v from 'valibot';
import { chat, location, users } from '../../contracts/index.ts';
import { MAX_CURSOR_LENGTH } from './cursor.ts';

/** The WebSocket endpoint (one socket for all of a user's groups). */
export const STREAM_PATH = '/v1/stream';
/** The Server-Sent Events endpoint (same events, header auth only). */
export const EVENTS_PATH = '/v1/events';

/** Close codes the server sends (RFC 6455 §7.4; 4xxx are ours, echoing HTTP statuses). */
export const CloseCode = {
  /** The gateway is shutting down. */
  GoingAway: 1001,
  /** Repeated invalid messages. */
  PolicyViolation: 1008,
  /** Something failed on our side. */
  InternalError: 1011,
  /** The authenticator is unavailable: reconnect later. */
  TryAgainLater: 1013,
  /** No, bad, expired or revoked token, or a token of another user on re-authentication. */
  Unauthorized: 4401,
  /** The client did not read fast enough and its buffer filled. */
  SlowConsumer: 4408,
  /** The user opened more streams than `gateway.max_streams_per_user`; this, the oldest, made room. Do not reconnect at once. */
  TooManyStreams: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Fixed limits (the buffer bound itself comes from `gateway.stream_buffer`). */
export const Limits = {
  authTimeoutMs: 5000,
  heartbeatMs: 15_000,
  /** Largest client message; an auth message with a token fits many times over. */
  maxClientMessage: 16 * 1024,
  /** Invalid client messages tolerated before closing with 1008. */
  maxInvalidMessages: 5,
  /** The byte bound of a connection's buffer is bufferSize × this. */
  bytesPerEvent: 4096,
  /** How long a closing connection may take to flush before it is cut. */
  closeGraceMs: 2000,
  /** A typing indicator is dropped, not queued, once this many frames wait to be sent. */
  typingBacklog: 8,
  /** Most events of one service's log a `Last-Event-ID` replay reads; a client further behind is reset. */
  replayScan: 10_000,
} as const;

/** Why the server ends a stream (sent as SSE `event: end`; mapped to a close code on WS). */
export const EndReason = {
  TokenExpired: 'token_expired',
  Revoked: 'revoked',
  Shutdown: 'shutdown',
  /** A newer stream of the same user took this one's place (`gateway.max_streams_per_user`). */
  TooManyStreams: 'too_many_streams',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** The WebSocket close code for each way the server ends a stream. */
export const END_CLOSE_CODE: Record<EndReason, CloseCode> = {
  token_expired: CloseCode.Unauthorized,
  revoked: CloseCode.Unauthorized,
  shutdown: CloseCode.GoingAway,
  too_many_streams: CloseCode.TooManyStreams,
};

/** The `reset` reason: the stream cannot resume from the client's Last-Event-ID (refetch state). */
export const RESET_REASON = 'last_event_id_unknown';

const Token = v.pipe(v.string(), v.minLength(1), v.maxLength(8192));
const EventId = v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH));

/** Most fixes in one `location` message (the message itself is at most 16 KiB). */
export const MAX_STREAM_FIXES = 50;

/** What a WebSocket client may send. */
export const ClientMessage = v.variant('type', [
  v.object({ type: v.literal('auth'), token: Token, lastEventId: v.optional(EventId) }),
  v.object({ type: v.literal('ping') }),
  // Fixes over the stream, as `POST /v1/locations` takes them; answered by `ack` or `error` with the same id.
  v.object({
    type: v.literal('location'),
    id: v.optional(v.pipe(v.string(), v.maxLength(64))),
    fixes: v.pipe(v.array(location.Fix), v.minLength(1), v.maxLength(MAX_STREAM_FIXES)),
  }),
  // A chat message, as `POST /v1/groups/{groupId}/messages` takes it; answered by `sent` or `error` with the same id.
  v.object({
    type: v.literal('message'),
    id: v.optional(v.pipe(v.string(), v.maxLength(64))),
    groupId: users.Id,
    text: chat.Text,
    txnId: chat.TxnId,
    replyTo: v.optional(users.Id),
  }),
  v.object({ type: v.literal('pong') }),
  // "I am typing in this group": no answer, unless refused (`error`); at most one per 2 s goes out.
  v.object({ type: v.literal('typing'), groupId: users.Id }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

/** Parses one text frame: the message, or a sentence saying what is wrong with it. */
export function parseClientMessage(text: string): ClientMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'A message must be JSON';
  }
  const r = v.safeParse(ClientMessage, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = v.getDotPath(issue) ?? '';
  return `Invalid message: ${path ? path + ': ' : ''}${issue.message}`;
}
