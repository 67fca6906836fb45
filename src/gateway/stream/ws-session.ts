/**
 * One WebSocket stream: waits for authentication (header, or a first `auth` message within
 * the time limit), sends `ready`, the replay and then live events, takes re-authentication
 * from the same user at any time, closes when the token runs out, pings, and cuts a client
 * whose outgoing buffer passes the bound instead of letting it grow. Typing indicators are
 * kept out of that bound: one is dropped when the connection is behind, never the cause of
 * a cut.
 *
 * Events that arrive together (the broker hands over a socket read's worth of messages in
 * one go, and each is fanned out at once) are written together: the first event of a batch
 * corks the connection's socket and a microtask uncorks it after the batch, so a watcher
 * costs one write system call per batch instead of one per event (a tenth of the gateway's
 * CPU under `bench:location` went to these writes; docs/benchmarks.md, #18). Where `ws` has
 * no Node socket underneath (another runtime's `ws`), frames are written one by one as before.
 */
import type { RawData, WebSocket } from 'ws';
import { AppError, toAppError, type Logger } from '../../kit/index.ts';
import type { location } from '../../contracts/index.ts';
import { identify, timerAt, type Authenticate, type Identity } from './auth.ts';
import type { Hub, Subscriber } from './hub.ts';
import { CloseCode, END_CLOSE_CODE, EndReason, Limits, parseClientMessage, RESET_REASON } from './protocol.ts';
import { Resuming } from './resuming.ts';
import type { Entry } from './entry.ts';
import type { SendTyping } from './typing.ts';
import { isoOrNull, wsEvent, type ServerMessage, type TypingFrames } from './wire.ts';

/** What a WebSocket stream needs from the mount. */
export interface WsSessionDeps {
  hub: Hub;
  authenticate: Authenticate;
  bufferSize: number;
  heartbeatMs: number;
  authTimeoutMs: number;
  log?: Logger;
  /** Records fixes sent over the stream (absent: the stream takes none). */
  recordFixes?: RecordFixes;
  /** Sends a chat message for the user (absent: the stream takes none). */
  sendMessage?: SendMessage;
  /** Sends a typing indicator for the user (absent: the stream takes none). */
  sendTyping?: SendTyping;
  /** Called once when the session is over (closed by either side). */
  onGone(session: WsSession): void;
}

/** Records a user's fixes; rejects with an AppError. */
export type RecordFixes = (actor: { userId: string; sessionId: string }, fixes: location.Fix[]) => Promise<{ accepted: number; duplicates: number; expired: number }>;

/** Sends a chat message as a user; rejects with an AppError (not a member: `membership.not_a_member`). */
export type SendMessage = (actor: { userId: string; sessionId: string }, m: { groupId: string; text: string; txnId: string; replyTo?: string }) => Promise<{ message: unknown; duplicate: boolean }>;

/** A Node socket's batching of writes. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The outcome of header authentication done before the upgrade. */
export type PreAuth = { ok: true; identity: Identity } | { ok: false; error: unknown };

/** A WebSocket stream; a hub subscriber once authenticated. */
export class WsSession implements Subscriber {
  userId = '';
  sessionId = '';
  readonly known = new Set<string>();
  #state: 'pending' | 'open' | 'closed' = 'pending';
  #unsent = 0;
  // Typing frames handed to the socket and not yet written: counted apart from the bound.
  #typingUnsent = 0;
  #typingBytes = 0;
  // The replay is sent at once; it may use this much on top of the bound until it is flushed.
  #burstEvents = 0;
  #burstBytes = 0;
  #invalid = 0;
  #authBusy = false;
  readonly #resuming: Resuming;
  #corked = false;
  #alive = true;
  #timers: Array<() => void> = [];
  #cancelExpiry: (() => void) | undefined;
  readonly #maxBytes: number;
  readonly ws: WebSocket;
  readonly deps: WsSessionDeps;

  constructor(ws: WebSocket, deps: WsSessionDeps) {
    this.ws = ws;
    this.deps = deps;
    this.#maxBytes = deps.bufferSize * Limits.bytesPerEvent;
    this.#resuming = new Resuming(deps.bufferSize);
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('pong', () => (this.#alive = true));
    ws.on('close', () => this.#finish());
    ws.on('error', () => {
      // ws emits 'close' after every 'error'; #finish cleans up there.
    });
  }

  /** Starts with the header's authentication, or waits for an `auth` message. */
  start(pre: PreAuth | undefined, lastEventId?: string): void {
    if (!pre) {
      const t = setTimeout(() => this.#state === 'pending' && this.close(CloseCode.Unauthorized, 'authentication timeout'), this.deps.authTimeoutMs);
      this.#timers.push(() => clearTimeout(t));
    } else if (pre.ok) this.#open(pre.identity, lastEventId);
    else this.#refuse(pre.error);
  }

  /** Sends one event if the stream is open (held back until the end of the current batch: see the header). */
  deliver(entry: Entry): void {
    if (this.#state !== 'open') return;
    const cursor = this.#resuming.pass(entry);
    if (cursor !== undefined) this.#deliverNow(entry, cursor);
  }

  #deliverNow(entry: Entry, cursor: string): void {
    this.#cork();
    this.#sendText(wsEvent(entry, cursor));
  }

  #cork(): void {
    if (this.#corked) return;
    const socket = (this.ws as unknown as { _socket?: Partial<Corkable> })._socket;
    if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return;
    const corkable = socket as Corkable;
    corkable.cork();
    this.#corked = true;
    queueMicrotask(() => {
      this.#corked = false;
      corkable.uncork();
    });
  }

  /** Sends a typing indicator unless the connection is behind (then it is dropped). */
  typing(frames: TypingFrames): void {
    if (this.#state !== 'open') return;
    if (this.#unsent + this.#typingUnsent >= Limits.typingBacklog || this.ws.bufferedAmount + frames.bytes > this.#maxBytes / 2) return;
    this.#typingUnsent++;
    this.#typingBytes += frames.bytes;
    this.ws.send(frames.ws, () => {
      this.#typingUnsent--;
      this.#typingBytes -= frames.bytes;
    });
  }

  /** Ends the stream with the close code for `reason`. */
  end(reason: EndReason): void {
    this.close(END_CLOSE_CODE[reason], reason);
  }

  /** Closes with a code; a client that does not complete the close handshake is cut. */
  close(code: CloseCode, reason: string): void {
    if (this.#state === 'closed') return;
    this.#finish();
    this.ws.close(code, reason);
    const t = setTimeout(() => this.ws.terminate(), Limits.closeGraceMs);
    this.ws.once('close', () => clearTimeout(t));
  }

  #open(identity: Identity, lastEventId: string | undefined): void {
    this.userId = identity.userId;
    this.sessionId = identity.sessionId;
    let groups;
    try {
      groups = this.deps.hub.attach(this);
    } catch (err) {
      this.deps.log?.error('stream attach failed', { err });
      return this.close(CloseCode.InternalError, 'internal error');
    }
    this.#state = 'open';
    // Where this stream starts: a fresh one may resume from here even before its first event.
    const start = this.deps.hub.positions.cursor();
    this.#send({ type: 'ready', groups, expiresAt: isoOrNull(identity.expiresAt), ...(!lastEventId && start ? { lastEventId: start } : {}) });
    if (lastEventId) void this.#resume(lastEventId, groups, start);
    this.#expireAt(identity.expiresAt);
    const beat = setInterval(() => this.#heartbeat(), this.deps.heartbeatMs);
    this.#timers.push(() => clearInterval(beat));
  }

  // Live events are held while the logs are read, then sent after the replay (replay.ts).
  async #resume(lastEventId: string, groups: string[], start: string | undefined): Promise<void> {
    this.#resuming.start();
    const r = await this.deps.hub.replay(this.userId, groups, lastEventId);
    if (this.#state !== 'open') return;
    if (this.#resuming.overflowed) return this.close(CloseCode.SlowConsumer, 'slow consumer');
    if ('reset' in r) this.#send({ type: 'reset', reason: RESET_REASON, ...(start ? { lastEventId: start } : {}) });
    else {
      const frames = r.entries.map((e) => wsEvent(e));
      this.#burstEvents = frames.length;
      this.#burstBytes = frames.reduce((n, f) => n + Buffer.byteLength(f), 0);
      for (const frame of frames) this.#sendText(frame);
    }
    for (const [entry, cursor] of this.#resuming.finish(r)) this.#deliverNow(entry, cursor);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#alive = true;
    if (this.#state === 'closed') return;
    if (isBinary) return this.#invalidMessage('stream.binary_message', 'Messages are JSON text frames');
    const msg = parseClientMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    if (typeof msg === 'string') return this.#invalidMessage('stream.bad_message', msg);
    if (msg.type === 'ping') this.#send({ type: 'pong' });
    else if (msg.type === 'auth') void this.#authenticate(msg.token, msg.lastEventId);
    else if (msg.type === 'location') void this.#record(msg.id ?? null, msg.fixes);
    else if (msg.type === 'message') void this.#say(msg.id ?? null, { groupId: msg.groupId, text: msg.text, txnId: msg.txnId, ...(msg.replyTo ? { replyTo: msg.replyTo } : {}) });
    else if (msg.type === 'typing') this.#typing(msg.groupId);
  }

  // Answered only when refused: a typing client sends often, and a dropped signal is no news.
  #typing(groupId: string): void {
    if (this.#state !== 'open') return this.#send({ type: 'error', code: 'stream.not_authenticated', message: 'Authenticate before sending typing indicators' });
    if (!this.deps.sendTyping) return this.#send({ type: 'error', code: 'stream.not_supported', message: 'This stream takes no typing indicators' });
    try {
      this.deps.sendTyping({ userId: this.userId, sessionId: this.sessionId }, groupId);
    } catch (err) {
      const e = toAppError(err);
      if (e.kind === 'internal') this.deps.log?.error('a typing indicator from the stream failed', { err });
      this.#send({ type: 'error', code: e.code, message: e.message });
    }
  }

  async #say(id: string | null, m: Parameters<SendMessage>[1]): Promise<void> {
    if (this.#state !== 'open') return this.#send({ type: 'error', code: 'stream.not_authenticated', message: 'Authenticate before sending messages', id });
    if (!this.deps.sendMessage) return this.#send({ type: 'error', code: 'stream.not_supported', message: 'This stream takes no messages', id });
    try {
      const r = await this.deps.sendMessage({ userId: this.userId, sessionId: this.sessionId }, m);
      this.#send({ type: 'sent', id, message: r.message, duplicate: r.duplicate });
    } catch (err) {
      const e = toAppError(err);
      if (e.kind === 'internal') this.deps.log?.error('sending a message from the stream failed', { err });
      this.#send({ type: 'error', code: e.code, message: e.message, id });
    }
  }

  async #record(id: string | null, fixes: location.Fix[]): Promise<void> {
    if (this.#state !== 'open') return this.#send({ type: 'error', code: 'stream.not_authenticated', message: 'Authenticate before sending fixes', id });
    if (!this.deps.recordFixes) return this.#send({ type: 'error', code: 'stream.not_supported', message: 'This stream takes no fixes', id });
    try {
      const r = await this.deps.recordFixes({ userId: this.userId, sessionId: this.sessionId }, fixes);
      this.#send({ type: 'ack', id, accepted: r.accepted, duplicates: r.duplicates, expired: r.expired });
    } catch (err) {
      const e = toAppError(err);
      if (e.kind === 'internal') this.deps.log?.error('recording fixes from the stream failed', { err });
      this.#send({ type: 'error', code: e.code, message: e.message, id });
    }
  }

  async #authenticate(token: string, lastEventId: string | undefined): Promise<void> {
    if (this.#authBusy) return this.#invalidMessage('stream.auth_pending', 'An authentication is already in progress');
    this.#authBusy = true;
    let identity: Identity;
    try {
      identity = await identify(this.deps.authenticate, token);
    } catch (err) {
      return this.#refuse(err);
    } finally {
      this.#authBusy = false;
    }
    if (this.#state === 'pending') return this.#open(identity, lastEventId);
    if (this.#state === 'closed') return;
    if (identity.userId !== this.userId) return this.close(CloseCode.Unauthorized, 'token of another user');
    this.sessionId = identity.sessionId;
    this.#expireAt(identity.expiresAt);
    this.#send({ type: 'reauthenticated', expiresAt: isoOrNull(identity.expiresAt) });
  }

  #refuse(err: unknown): void {
    const code = closeCodeOf(err);
    if (code === CloseCode.InternalError) this.deps.log?.error('stream authentication failed', { err });
    this.close(code, code === CloseCode.Unauthorized ? 'unauthorized' : 'authentication unavailable');
  }

  #expireAt(at: number | undefined): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = at === undefined ? undefined : timerAt(at, () => this.end(EndReason.TokenExpired));
  }

  #heartbeat(): void {
    // No pong and no message since the last beat: the peer is gone or stuck.
    if (!this.#alive) {
      this.#finish();
      return this.ws.terminate();
    }
    this.#alive = false;
    this.ws.ping();
    this.#send({ type: 'ping' });
  }

  #invalidMessage(code: string, message: string): void {
    this.#send({ type: 'error', code, message });
    if (++this.#invalid >= Limits.maxInvalidMessages) this.close(CloseCode.PolicyViolation, 'too many invalid messages');
  }

  #send(msg: ServerMessage): void {
    this.#sendText(JSON.stringify(msg));
  }

  #sendText(text: string): void {
    if (this.#state === 'closed') return;
    if (this.#unsent >= this.deps.bufferSize + this.#burstEvents || this.ws.bufferedAmount - this.#typingBytes > this.#maxBytes + this.#burstBytes) {
      return this.close(CloseCode.SlowConsumer, 'slow consumer');
    }
    this.#unsent++;
    this.ws.send(text, () => {
      if (--this.#unsent === 0) this.#burstEvents = this.#burstBytes = 0;
    });
  }

  #finish(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.deps.hub.detach(this);
    this.#cancelExpiry?.();
    for (const cancel of this.#timers) cancel();
    this.deps.onGone(this);
  }
}

// Token problems close with 4401; an authenticator that is down or slow with 1013 (retry later).
function closeCodeOf(err: unknown): CloseCode {
  if (!(err instanceof AppError)) return CloseCode.InternalError;
  if (err.retryable) return CloseCode.TryAgainLater;
  return err.kind === 'internal' ? CloseCode.InternalError : CloseCode.Unauthorized;
}
