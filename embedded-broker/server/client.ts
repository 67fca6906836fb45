/**
 * One client connection: its protocol state (CONNECT options, authentication,
 * subscriptions), what it sends (PUB/HPUB routed through the server) and what it is sent
 * (a bounded outbound queue flushed once per turn of the event loop, whose flow control —
 * stalling fast publishers, the write deadline — is in flow.ts).
 *
 * This file is long because it is the protocol handler of nats-server's client.go: every
 * op's argument rules live together so they can be read against the reference.
 */
import { Parser, Op, type ParseFailure, type ParserSink } from '../protocol/parser.ts';
import { defaultConnectOptions, parseConnect, type ConnectOptions } from '../protocol/connect.ts';
import { copyBytes, parseSize, splitArgs } from '../protocol/bytes.ts';
import { ErrText, errLine, pubViolation, subViolation } from '../protocol/errors.ts';
import type { Conn, ConnHandler } from '../transport/types.ts';
import type { Identity } from './auth.ts';
import { PermissionSet } from './permissions.ts';
import { isValidLiteralSubject, isValidSubject } from './subject.ts';
import { BIG, Outbound } from './outbound.ts';
import { Flow } from './flow.ts';
import type { Server } from './server.ts';

/** A subscription held by a client. */
export interface Subscription {
  readonly client: Client;
  readonly subject: string;
  readonly queue?: string;
  readonly sid: string;
  /** Auto-unsubscribe after this many deliveries (0: never). */
  max: number;
  delivered: number;
}

/** Close reasons, as nats-server names them (they become WebSocket close reasons too). */
export const CloseReason = {
  clientClosed: 'Client Closed',
  protocolViolation: 'Protocol Violation',
  authViolation: 'Authentication Failure',
  authTimeout: 'Authentication Timeout',
  maxPayload: 'Maximum Message Payload Exceeded',
  maxControlLine: 'Maximum Control Line Exceeded',
  slowConsumerPending: 'Slow Consumer (Pending Bytes)',
  slowConsumerDeadline: 'Slow Consumer (Write Deadline)',
  stale: 'Stale Connection',
  badProtocol: 'Bad Client Protocol Version',
  shutdown: 'Server Shutdown',
  maxConnections: 'Maximum Connections Exceeded',
  tlsHandshake: 'TLS Handshake Failure',
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

const CRLF = new Uint8Array([13, 10]);
const PING = new TextEncoder().encode('PING\r\n');
const PONG = new TextEncoder().encode('PONG\r\n');
const OK = new TextEncoder().encode('+OK\r\n');
/**
 * Received bytes are parsed at most this many at a time, nats-server's largest read
 * buffer: a publisher stalled by a subscriber that fell behind stops at this boundary
 * even where the runtime hands over more at once (Bun reads up to 512 KiB).
 */
const READ_SLICE = 64 * 1024;
/** nats-server sends its first PING this long after a client connects (firstClientPingInterval). */
const FIRST_PING = 2000;
interface PendingPub {
  subject: string;
  reply?: string;
  hdr: number;
  sizeToken: string;
}

/** A connected client, driven by its transport. */
export class Client implements ParserSink, ConnHandler {
  readonly start = new Date();
  opts: ConnectOptions = defaultConnectOptions();
  identity?: Identity;
  perms?: PermissionSet;
  authPending: boolean;
  readonly subs = new Map<string, Subscription>();
  readonly stats = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };
  lastActivity = Date.now();
  isClosed = false;
  connectReceived = false;
  readonly nonce?: string;
  /** Reply subjects this client may answer under allow_responses. */
  private replies?: Map<string, { n: number; at: number }>;
  private readonly parser = new Parser(this);
  private readonly out = new Outbound();
  private pub?: PendingPub;
  /** Bytes received but not yet parsed because reading is paused (a stall). */
  private unread?: Uint8Array;
  private pingsOut = 0;
  private pingTimer?: ReturnType<typeof setTimeout>;
  private authTimer?: ReturnType<typeof setTimeout>;
  /** Stall gate and write deadline for what this client is sent; pauses it as a publisher. */
  readonly flow: Flow;

  readonly server: Server;
  readonly conn: Conn;
  readonly cid: number;
  readonly kind: 'tcp' | 'websocket';

  constructor(server: Server, conn: Conn, cid: number, kind: 'tcp' | 'websocket') {
    this.server = server;
    this.conn = conn;
    this.cid = cid;
    this.kind = kind;
    this.authPending = server.auth.required;
    const client = this;
    this.flow = new Flow({
      conn,
      get pending() {
        return client.pending;
      },
      maxPending: server.options.maxPending,
      writeDeadline: server.options.writeDeadline,
      deadlineExceeded: (bytes) => this.slowConsumer('deadline', bytes),
      resumeReading: () => queueMicrotask(() => this.readOn()),
    });
    this.nonce = server.auth.nonce();
    if (this.authPending) {
      // With TLS, nats-server's default is the TLS timeout plus a second (getDefaultAuthTimeout).
      const tls = kind === 'tcp' ? server.options.tls : server.options.websocket?.tls;
      const timeout = server.options.authorization?.timeout ?? (tls ? tls.timeout + 1000 : 2000);
      this.authTimer = setTimeout(() => this.fatal(ErrText.authTimeout, CloseReason.authTimeout), timeout);
    }
    this.armPing(Math.min(FIRST_PING, server.options.pingInterval));
    this.send(server.infoFor(this));
    // NATS over TCP with TLS: INFO goes in clear, then the client starts the handshake.
    if (conn.startTls) {
      this.flush();
      conn.startTls();
    }
  }

  get maxControlLine(): number {
    return this.server.options.maxControlLine;
  }

  /** Bytes waiting to be written, ours and the transport's. */
  get pending(): number {
    return this.out.length + this.conn.pending;
  }

  // --- transport events ---------------------------------------------------------------

  data(bytes: Uint8Array): void {
    if (this.isClosed) return;
    this.lastActivity = Date.now();
    this.read(bytes);
  }

  /** Parses `bytes` a slice at a time, keeping what is left when a stall pauses reading. */
  private read(bytes: Uint8Array): void {
    if (this.unread) bytes = Buffer.concat([this.unread, bytes]);
    this.unread = undefined;
    for (let off = 0; off < bytes.length && !this.isClosed; off += READ_SLICE) {
      if (this.flow.isPaused) {
        const rest = bytes.subarray(off);
        this.unread = this.conn.transient ? copyBytes(rest) : rest;
        return;
      }
      this.parser.parse(bytes.subarray(off, Math.min(bytes.length, off + READ_SLICE)));
    }
  }

  /** A stall ended: parses what was held back, then reads from the transport again. */
  private readOn(): void {
    if (this.isClosed || this.flow.isPaused) return;
    if (this.unread) this.read(new Uint8Array(0));
    if (!this.flow.isPaused && !this.isClosed) this.conn.resume();
  }

  drain(): void {
    if (!this.isClosed) this.flow.progress();
  }

  /** The peer went away, or never finished its TLS handshake. */
  closed(tlsError?: Error): void {
    if (tlsError && !this.isClosed) {
      this.server.log.error(`${this.conn.remoteAddress}:${this.conn.remotePort} - cid:${this.cid} - TLS handshake error: ${tlsError.message}`);
      this.close(CloseReason.tlsHandshake, false);
    } else this.close(CloseReason.clientClosed, false);
  }

  // --- parser callbacks ---------------------------------------------------------------

  line(op: Op, args: Uint8Array): number {
    switch (op) {
      case Op.CONNECT:
        return this.connect(new TextDecoder().decode(args));
      case Op.PUB:
      case Op.HPUB:
        return this.pubArgs(op, splitArgs(args));
      case Op.SUB:
        return this.sub(splitArgs(args));
      case Op.UNSUB:
        return this.unsub(splitArgs(args));
      case Op.INFO:
        return 0; // nats-server ignores INFO from a client
      default:
        // -ERR from a client: nats-server closes without a word.
        return this.silentClose();
    }
  }

  payload(data: Uint8Array): void {
    const p = this.pub!;
    this.pub = undefined;
    this.stats.inMsgs++;
    this.stats.inBytes += data.length;
    this.server.stats.inMsgs++;
    this.server.stats.inBytes += data.length;
    if (!this.mayPublish(p.subject)) {
      this.sendErr(pubViolation(p.subject));
      return;
    }
    if (this.opts.verbose) this.send(OK);
    // Big bodies are queued to subscribers by reference: copy one from a transient read
    // buffer once here (small ones are copied into each subscriber's outbound anyway).
    const body = this.conn.transient && data.length >= BIG ? copyBytes(data) : data;
    this.server.route(this, p.subject, p.reply, p.hdr, body, p.sizeToken);
  }

  bare(op: Op): void {
    if (op === Op.PING) this.send(PONG);
    else if (op === Op.PONG) this.pingsOut = 0;
  }

  fail(reason: ParseFailure): void {
    if (reason === 'auth') this.fatal(ErrText.authViolation, CloseReason.authViolation);
    else if (reason === 'max_control_line') this.fatal(ErrText.maxControlLine, CloseReason.maxControlLine);
    else this.fatal(ErrText.unknownOp, CloseReason.protocolViolation);
  }

  // --- operations ---------------------------------------------------------------------

  private connect(json: string): number {
    const opts = parseConnect(json, this.opts);
    if (!opts) return this.silentClose();
    if (this.server.auth.required) {
      const id = this.server.auth.check(opts, this.nonce);
      if (!id) return this.fatal(ErrText.authViolation, CloseReason.authViolation);
      this.identity = id;
      if (id.permissions) {
        this.perms = new PermissionSet(id.permissions);
        if (this.perms.response) this.replies = new Map();
      }
      clearTimeout(this.authTimer);
      this.authPending = false;
    }
    this.opts = opts;
    this.connectReceived = true;
    if (opts.protocol < 0 || opts.protocol > 1) return this.fatal(ErrText.badClientProtocol, CloseReason.badProtocol);
    if (opts.noResponders && !opts.headers) {
      return this.fatal(ErrText.noRespondersRequiresHeaders, CloseReason.protocolViolation);
    }
    if (opts.verbose) this.send(OK);
    return 0;
  }

  private pubArgs(op: Op, a: string[]): number {
    let p: PendingPub;
    let size: number;
    if (op === Op.PUB) {
      if (a.length !== 2 && a.length !== 3) return this.silentClose();
      size = parseSize(a[a.length - 1]);
      p = { subject: a[0]!, reply: a.length === 3 ? a[1] : undefined, hdr: -1, sizeToken: a[a.length - 1]! };
    } else {
      // HPUB needs headers:true in CONNECT; nats-server closes without -ERR otherwise.
      if (!this.opts.headers || (a.length !== 3 && a.length !== 4)) return this.silentClose();
      const hdr = parseSize(a[a.length - 2]);
      size = parseSize(a[a.length - 1]);
      if (hdr < 0 || size < 0 || hdr > size) return this.silentClose();
      p = { subject: a[0]!, reply: a.length === 4 ? a[1] : undefined, hdr, sizeToken: a[a.length - 1]! };
    }
    if (size < 0) return this.silentClose();
    if (size > this.server.options.maxPayload) return this.fatal(ErrText.maxPayload, CloseReason.maxPayload);
    if (this.opts.pedantic && !isValidLiteralSubject(p.subject)) this.sendErr(ErrText.invalidPublishSubject);
    this.pub = p;
    return size;
  }

  private sub(a: string[]): number {
    if (a.length !== 2 && a.length !== 3) return this.silentClose();
    const subject = a[0]!;
    const queue = a.length === 3 ? a[1] : undefined;
    const sid = a[a.length - 1]!;
    if (this.perms && !this.perms.canSubscribe(subject, queue)) {
      this.sendErr(subViolation(subject, queue));
      return 0;
    }
    if (!isValidSubject(subject)) {
      this.sendErr(ErrText.invalidSubject);
      return 0;
    }
    // A SUB reusing a live sid is ignored, as nats-server does.
    if (!this.subs.has(sid)) {
      const sub: Subscription = { client: this, subject, queue, sid, max: 0, delivered: 0 };
      this.subs.set(sid, sub);
      this.server.sublist.insert(sub);
    }
    if (this.opts.verbose) this.send(OK);
    return 0;
  }

  private unsub(a: string[]): number {
    if (a.length !== 1 && a.length !== 2) return this.silentClose();
    const sub = this.subs.get(a[0]!);
    if (sub) {
      // A max that does not parse counts as 0: nats-server unsubscribes at once.
      const max = a.length === 2 ? parseSize(a[1]) : 0;
      if (max > 0 && sub.delivered < max) sub.max = max;
      else this.removeSub(sub);
    }
    if (this.opts.verbose) this.send(OK);
    return 0;
  }

  /** Drops a subscription from this client and the server's index. */
  removeSub(sub: Subscription): void {
    if (this.subs.get(sub.sid) === sub) this.subs.delete(sub.sid);
    this.server.sublist.remove(sub);
  }

  private mayPublish(subject: string): boolean {
    if (!this.perms || this.perms.canPublish(subject)) return true;
    const r = this.replies?.get(subject);
    const limits = this.perms.response;
    if (!r || !limits) return false;
    r.n++;
    if ((limits.maxMsgs > 0 && r.n > limits.maxMsgs) || (limits.expires > 0 && Date.now() - r.at > limits.expires)) {
      this.replies!.delete(subject);
      return false;
    }
    return true;
  }

  /** Remembers a reply subject this client may now publish to (allow_responses). */
  grantReply(reply: string): void {
    if (this.replies && !this.replies.has(reply)) this.replies.set(reply, { n: 0, at: Date.now() });
  }

  // --- output -------------------------------------------------------------------------

  /** Queues bytes; a client whose backlog passes max_pending is cut off as a slow consumer. */
  send(bytes: Uint8Array | string): void {
    if (this.isClosed) return;
    if (typeof bytes === 'string') this.out.string(bytes);
    else this.out.bytes(bytes);
    this.checkPending();
  }

  /** Queues a message for one of this client's subscriptions: its MSG/HMSG line, then the body. */
  queueMsg(head: string, body: Uint8Array): void {
    if (this.isClosed) return;
    this.stats.outMsgs++;
    this.stats.outBytes += body.length;
    this.out.string(head);
    if (body.length > 0) this.out.bytes(body);
    this.out.bytes(CRLF);
    this.checkPending();
  }

  private checkPending(): void {
    const pending = this.out.length + this.conn.pending;
    if (pending > this.server.options.maxPending) return this.slowConsumer('pending', pending);
    this.flow.queued(pending);
    this.server.markDirty(this);
  }

  /** Hands what is queued to the transport. */
  flush(): void {
    if (this.isClosed) return;
    const chunk = this.out.take();
    if (!chunk) return;
    this.conn.write(chunk);
    this.flow.wrote(chunk.length);
  }

  /**
   * Cuts off a client that cannot keep up, as nats-server does: a notice in the log, the
   * slow_consumers count, and the connection closed without -ERR and without writing
   * what is queued (the client sees the connection end).
   */
  private slowConsumer(why: 'pending' | 'deadline', bytes: number): void {
    const o = this.server.options;
    const what = why === 'pending'
      ? `MaxPending of ${o.maxPending} Exceeded`
      : `WriteDeadline of ${o.writeDeadline % 1000 ? `${o.writeDeadline}ms` : `${o.writeDeadline / 1000}s`} exceeded with ${bytes} bytes pending`;
    const id = `${this.conn.remoteAddress}:${this.conn.remotePort} - ${this.kind === 'websocket' ? 'wid' : 'cid'}:${this.cid}`;
    this.server.log.info(`${id} - Slow Consumer Detected: ${what}`);
    this.server.stats.slowConsumers++;
    this.close(why === 'pending' ? CloseReason.slowConsumerPending : CloseReason.slowConsumerDeadline, false);
  }

  sendErr(text: string): void {
    this.send(errLine(text));
  }

  private silentClose(): number {
    this.close(CloseReason.protocolViolation, false);
    return -1;
  }

  /** Sends `-ERR 'text'`, then closes. */
  private fatal(text: string, reason: CloseReason): number {
    this.sendErr(text);
    this.close(reason, true);
    return -1;
  }

  // --- pings --------------------------------------------------------------------------

  private armPing(ms: number): void {
    this.pingTimer = setTimeout(() => this.pingTick(), ms);
    this.pingTimer.unref?.();
  }

  private pingTick(): void {
    if (this.isClosed) return;
    const { pingInterval, pingMax } = this.server.options;
    if (this.pingsOut + 1 > pingMax) {
      this.fatal(ErrText.staleConnection, CloseReason.stale);
      return;
    }
    this.pingsOut++;
    this.send(PING);
    this.armPing(pingInterval);
  }

  // --- closing ------------------------------------------------------------------------

  /** Closes the connection; `flush` first writes what is queued (an -ERR, say). */
  close(reason: CloseReason, flush: boolean): void {
    if (this.isClosed) return;
    if (flush) this.flush();
    this.isClosed = true;
    this.parser.kill();
    this.unread = undefined;
    clearTimeout(this.pingTimer);
    clearTimeout(this.authTimer);
    this.flow.close();
    for (const sub of this.subs.values()) this.server.sublist.remove(sub);
    this.subs.clear();
    this.out.clear();
    if (flush) this.conn.end(reason);
    else this.conn.destroy();
    this.server.removeClient(this, reason);
  }
}
