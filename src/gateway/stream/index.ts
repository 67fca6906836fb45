/**
 * The gateway's real-time stream: one WebSocket at `GET /v1/stream` multiplexing all of a
 * user's groups, and the same events as Server-Sent Events at `GET /v1/events`, fed by the
 * gateway's committed group events (filtered by its membership read model), the user's own
 * personal events (notifications) and other members' typing indicators.
 *
 * WebSocket: authenticate with `Authorization: Bearer` on the upgrade or a first message
 * `{"type":"auth","token","lastEventId"?}` within 5 s; send the same message again after a
 * refresh. Server messages: `ready {groups, expiresAt, lastEventId?}` (`lastEventId`: where
 * a fresh stream starts), `event {id, groupId, event: {id, type, seq, at, data}}` (`groupId` null: a personal event, e.g. `notification.created`, which
 * only its recipient gets, whatever their groups), `typing {groupId, userId, name, at}`
 * (another member is typing; never replayed), `ack {id, accepted, duplicates, expired}`
 * (for a client's `{"type":"location","id"?,"fixes":[…]}`), `sent {id, message,
 * duplicate}` (for a client's `{"type":"message","id"?,"groupId","text","txnId","replyTo"?}`),
 * `reauthenticated {expiresAt}`, `reset {reason, lastEventId?}` (refetch state; resume from
 * there), `ping`, `pong`, `error {code, message}`. A client's `{"type":"typing","groupId"}` is not answered unless
 * refused (`error`, e.g. `membership.not_a_member`); at most one per user and group goes out
 * every 2 s, the rest are dropped silently. Close codes: 4401 token missing/bad/expired/
 * revoked or another user's, 4408 slow consumer, 4429 too many streams (the user's oldest
 * made room for a newer one; reason `too_many_streams`), 1008 repeated invalid messages, 1013
 * authenticator unavailable, 1001 shutdown. SSE: `Authorization: Bearer` only; frames
 * `event: ready` (with `id:` when fresh), then `id: <cursor>` / `event: <type>` / `data: {id,
 * groupId, event}`, `event: typing` / `data: {groupId, userId, name, at}` (no `id:`),
 * `event: reset` (with `id:`),
 * `event: end {reason}` (token expired, revoked, shutdown, too_many_streams), `: ping` comments.
 * An event's `id` (both transports) is a resume cursor (cursor.ts), its own id is `event.id`;
 * `Last-Event-ID` (header on either transport, or the auth message's `lastEventId`) replays
 * what was missed from the services' logs on whichever gateway it reaches (replay.ts), group
 * and personal events alike (typing never), or answers `reset`. A connection that is behind
 * drops typing frames rather than queue them; they never count toward the slow-consumer bound.
 *
 * @example
 * const server = serve({ fetch: app.fetch, port }) as Server;
 * const stream = mountStream({ app, server, authenticate, groupsOf, onGroupEvent, onUserEvent, onTyping, sendTyping, bufferSize: 256 });
 * metrics.gauge('hearth_open_streams', stream.openStreams());
 * await stream.close(); // before server.close()
 */
import type { Server } from 'node:http';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import type { Envelope, Logger } from '../../kit/index.ts';
import type { Authenticate } from './auth.ts';
import { mountRoutes } from './http-routes.ts';
import { Hub } from './hub.ts';
import { CloseCode, EndReason, Limits } from './protocol.ts';
import type { SseSession } from './sse-session.ts';
import type { StreamLogs } from './replay.ts';
import type { SendTyping, TypingSignal } from './typing.ts';
import { upgradeListener } from './ws-upgrade.ts';
import { WsSession, type RecordFixes, type SendMessage } from './ws-session.ts';

export { CloseCode, EndReason, EVENTS_PATH, RESET_REASON, STREAM_PATH } from './protocol.ts';
export { decodeCursor, encodeCursor, epochTag, type Cursor, type Position } from './cursor.ts';
export type { Audience } from './entry.ts';
export type { LogPage, StreamLogs } from './replay.ts';
export { TYPING_INTERVAL_MS, TYPING_SUBJECTS, TypingGate, TypingSignal, typingSubject, type SendTyping } from './typing.ts';

/** What `mountStream` is given. */
export interface StreamOptions {
  /** The gateway's Hono app: `GET /v1/events` and `GET /v1/stream` (426) are added to it. */
  app: Hono<any, any, any>;
  /** The server `serve()` returned: its `upgrade` events for `/v1/stream` are handled. */
  server: Server;
  /** Verifies a token; throws an AppError (kind `unauthorized`) for a bad, expired or revoked one. May say when it expires (epoch ms); else a JWT's `exp` is used. */
  authenticate: Authenticate;
  /** The user's current groups (the gateway's read model). */
  groupsOf(userId: string): string[];
  /** Registers the listener called after commit for every group event. */
  onGroupEvent(listener: (e: { groupId: string; event: Envelope }) => void): void;
  /** Registers the listener for personal events (`data.userId` is the one recipient); absent, there are none. */
  onUserEvent?(listener: (e: { userId: string; event: Envelope }) => void): void;
  /** Registers the listener for typing signals (from every gateway instance, checked already); absent, there are none. */
  onTyping?(listener: (t: TypingSignal) => void): void;
  /** Records fixes a WebSocket client sends (`{"type":"location","id"?,"fixes":[…]}`); absent, such messages are refused. */
  recordFixes?: RecordFixes;
  /** Sends a chat message a WebSocket client sends (`{"type":"message","id"?,"groupId","text","txnId"}`); absent, refused. */
  sendMessage?: SendMessage;
  /** Sends a typing indicator a WebSocket client sends (`{"type":"typing","groupId"}`); throws an AppError for a non-member; absent, refused. */
  sendTyping?: SendTyping;
  /** Per-connection bound in events (`gateway.stream_buffer`); also the most events one `Last-Event-ID` replay sends. */
  bufferSize: number;
  /** The source services' logs that `Last-Event-ID` is replayed from (replay.ts); absent, every resume is a `reset`. */
  logs?: StreamLogs;
  /** Most events of one log a replay reads before it gives up with a `reset` (default `Limits.replayScan`). */
  replayScan?: number;
  /** Streams one user may hold at once (`gateway.max_streams_per_user`); a new one ends the oldest. Default: no limit. */
  maxStreamsPerUser?: number;
  /** Heartbeat period (default 15 000). */
  heartbeatMs?: number;
  /** How long a WebSocket may stay unauthenticated (default 5 000). */
  authTimeoutMs?: number;
  log?: Logger;
}

/** The mounted stream. */
export interface StreamHandle {
  /** Authenticated streams open now (WebSocket and SSE), for the metrics. */
  openStreams(): number;
  /** Ends the streams of a user or a session (revocation, deleted account) with 4401 / `event: end`; returns how many. */
  disconnect(match: { userId?: string; sessionId?: string }): number;
  /** Where a source's log stood when the gateway started (its events then move it): cursors name a source only once it is seeded or moved. */
  seed(source: string, seq: number, epochId: string | undefined): void;
  /** Ends every stream (WS 1001, SSE `event: end`), stops taking new ones and waits until all are gone. */
  close(): Promise<void>;
}

/** Mounts the WebSocket and SSE streams on the gateway's app and server. */
export function mountStream(o: StreamOptions): StreamHandle {
  if (!Number.isInteger(o.bufferSize) || o.bufferSize < 1) throw new RangeError(`bufferSize must be a positive integer, not ${o.bufferSize}`);
  const heartbeatMs = o.heartbeatMs ?? Limits.heartbeatMs;
  const hub = new Hub(o.groupsOf, { log: o.log, maxPerUser: o.maxStreamsPerUser, logs: o.logs, limits: { maxEvents: o.bufferSize, maxScan: o.replayScan ?? Limits.replayScan } });
  const sessions = new Map<WsSession | SseSession, () => void>();
  const gone = new Set<Promise<void>>();
  let closed = false;
  const track = (s: WsSession | SseSession): void => {
    let done!: () => void;
    const p = new Promise<void>((resolve) => (done = resolve));
    gone.add(p);
    void p.then(() => gone.delete(p));
    sessions.set(s, done);
  };
  const untrack = (s: WsSession | SseSession): void => {
    sessions.get(s)?.();
    sessions.delete(s);
  };

  o.onGroupEvent(({ groupId, event }) => {
    if (!closed) hub.publish(groupId, event);
  });
  o.onUserEvent?.(({ userId, event }) => {
    if (!closed) hub.publishPersonal(userId, event);
  });
  o.onTyping?.((t) => {
    if (!closed) hub.typing(t);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: Limits.maxClientMessage, perMessageDeflate: false, clientTracking: false });
  const sessionDeps = { hub, authenticate: o.authenticate, recordFixes: o.recordFixes, sendMessage: o.sendMessage, sendTyping: o.sendTyping, bufferSize: o.bufferSize, heartbeatMs, authTimeoutMs: o.authTimeoutMs ?? Limits.authTimeoutMs, log: o.log, onGone: untrack };
  const onUpgrade = upgradeListener({
    server: o.server,
    wss,
    authenticate: o.authenticate,
    isClosed: () => closed,
    accept(ws, pre, lastEventId) {
      const session = new WsSession(ws, sessionDeps);
      track(session);
      session.start(pre, lastEventId);
    },
  });
  o.server.on('upgrade', onUpgrade);
  mountRoutes(o.app, { hub, authenticate: o.authenticate, bufferSize: o.bufferSize, heartbeatMs, log: o.log, isClosed: () => closed, track, untrack });

  return {
    openStreams: () => hub.size,
    seed: (source, seq, epochId) => hub.positions.seed(source, seq, epochId),
    disconnect(match) {
      if (match.userId === undefined && match.sessionId === undefined) throw new TypeError('disconnect needs a userId or a sessionId');
      const hits = hub.subscribers().filter((s) => (match.userId ?? s.userId) === s.userId && (match.sessionId ?? s.sessionId) === s.sessionId);
      for (const s of hits) s.end(EndReason.Revoked);
      return hits.length;
    },
    async close() {
      closed = true;
      o.server.off('upgrade', onUpgrade);
      for (const s of sessions.keys()) {
        if (s instanceof WsSession) s.close(CloseCode.GoingAway, EndReason.Shutdown);
        else s.end(EndReason.Shutdown);
      }
      await Promise.all(gone);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
