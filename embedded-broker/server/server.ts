/**
 * The broker: accepts clients from its transports, keeps the subscription index, routes
 * each published message to its subscribers, and flushes every client that was written
 * to once per turn of the event loop (nats-server's flushClients, in spirit).
 */
import type { Conn, ConnHandler } from '../transport/types.ts';
import { Authenticator } from './auth.ts';
import { Client, CloseReason, type Subscription } from './client.ts';
import type { Logger } from './log.ts';
import type { BrokerOptions } from './options.ts';
import { Sublist } from './sublist.ts';
import { serverId } from './server-id.ts';

/** The nats-server version whose core protocol this broker speaks. */
export const PROTOCOL_VERSION = '2.9.10';

/** Server-wide counters, as /varz reports them. */
export interface ServerStats {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
  totalConnections: number;
}

/** Addresses clients are told about, filled in once the listeners are bound. */
export interface Endpoints {
  host: string;
  port: number;
  wsPort?: number;
}

const HDR_END = 'NATS/1.0';

/** The broker's routing core, independent of how clients connect. */
export class Server {
  readonly id = serverId();
  readonly name: string;
  readonly started = new Date();
  readonly sublist = new Sublist<Subscription>();
  readonly clients = new Map<number, Client>();
  readonly stats: ServerStats = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0, slowConsumers: 0, totalConnections: 0 };
  readonly auth: Authenticator;
  endpoints: Endpoints;
  lameDuck = false;
  private nextCid = 1;
  private dirty = new Set<Client>();
  private flushQueued = false;

  readonly options: BrokerOptions;
  readonly log: Logger;

  constructor(options: BrokerOptions, log: Logger) {
    this.options = options;
    this.log = log;
    this.name = options.serverName ?? this.id;
    this.auth = new Authenticator(options.authorization);
    this.endpoints = { host: options.host, port: options.port };
  }

  /** Wires a new transport connection to a client. */
  accept(conn: Conn, kind: 'tcp' | 'websocket'): ConnHandler {
    const cid = this.nextCid++;
    if (this.clients.size >= this.options.maxConnections) {
      conn.write(Buffer.from(`-ERR '${'maximum connections exceeded'}'\r\n`));
      conn.end(CloseReason.maxConnections);
      return { data: () => {}, drain: () => {}, closed: () => {} };
    }
    const client = new Client(this, conn, cid, kind);
    this.clients.set(cid, client);
    this.stats.totalConnections++;
    this.log.debug(`cid:${cid} ${kind} client connection created from ${conn.remoteAddress}:${conn.remotePort}`);
    return client;
  }

  /** The INFO line a client is greeted with. */
  infoFor(c: Client): string {
    const tls = c.kind === 'tcp' ? this.options.tls : this.options.websocket?.tls;
    const info: Record<string, unknown> = {
      server_id: this.id,
      server_name: this.name,
      version: PROTOCOL_VERSION,
      proto: 1,
      host: this.endpoints.host,
      port: this.endpoints.port,
      headers: true,
      auth_required: this.auth.required || undefined,
      tls_required: tls ? true : undefined,
      tls_verify: tls?.verify || undefined,
      max_payload: this.options.maxPayload,
      client_id: c.cid,
      client_ip: c.conn.remoteAddress,
      nonce: c.nonce,
      ldm: this.lameDuck || undefined,
    };
    return `INFO ${JSON.stringify(info)} \r\n`;
  }

  /**
   * Delivers a message published by `from` to every plain subscriber and one member of
   * each queue group. `hdr` is the header length (-1 for PUB).
   */
  route(from: Client, subject: string, reply: string | undefined, hdr: number, data: Uint8Array, sizeToken: string): void {
    const r = this.sublist.match(subject);
    let delivered = false;
    for (const sub of r.psubs) {
      if (sub.client === from && !from.opts.echo) continue;
      if (this.deliver(from, sub, subject, reply, hdr, data, sizeToken)) delivered = true;
    }
    for (const members of r.qsubs) {
      const eligible = from.opts.echo ? members : members.filter((s) => s.client !== from);
      if (eligible.length === 0) continue;
      const start = (Math.random() * eligible.length) | 0;
      // Try members in turn from a random start until one accepts (e.g. not denied).
      for (let i = 0; i < eligible.length; i++) {
        if (this.deliver(from, eligible[(start + i) % eligible.length]!, subject, reply, hdr, data, sizeToken)) {
          delivered = true;
          break;
        }
      }
    }
    if (!delivered && reply && from.opts.noResponders) this.noResponders(from, reply);
  }

  private deliver(from: Client, sub: Subscription, subject: string, reply: string | undefined, hdr: number, data: Uint8Array, sizeToken: string): boolean {
    const c = sub.client;
    if (c.isClosed) return false;
    if (c.perms?.hasSubDeny && c.perms.deniesDelivery(sub.subject, subject)) return false;
    const r = reply ? ` ${reply}` : '';
    let head: string;
    let body = data;
    if (hdr > 0 && c.opts.headers) head = `HMSG ${subject} ${sub.sid}${r} ${hdr} ${data.length}\r\n`;
    else if (hdr > 0) {
      // A subscriber that did not ask for headers gets the message without them.
      body = data.subarray(hdr);
      head = `MSG ${subject} ${sub.sid}${r} ${body.length}\r\n`;
    } else if (hdr === 0) head = `MSG ${subject} ${sub.sid}${r} ${data.length}\r\n`;
    // nats-server echoes the size token as the publisher wrote it ("02" stays "02").
    else head = `MSG ${subject} ${sub.sid}${r} ${sizeToken}\r\n`;
    c.queueMsg(head, body);
    // A subscriber falling behind holds the publisher back (nats-server's fast-producer stall).
    if (c.flow.isGated) c.flow.stall(from.flow);
    this.stats.outMsgs++;
    this.stats.outBytes += body.length;
    if (reply) c.grantReply(reply);
    sub.delivered++;
    if (sub.max > 0 && sub.delivered >= sub.max) c.removeSub(sub);
    return true;
  }

  private noResponders(from: Client, reply: string): void {
    const own = this.sublist.match(reply).psubs.find((s) => s.client === from);
    if (!own) return;
    from.send(`HMSG ${reply} ${own.sid} 16 16\r\n${HDR_END} 503\r\n\r\n\r\n`);
  }

  /** Schedules a flush of `c` at the end of this turn. */
  markDirty(c: Client): void {
    this.dirty.add(c);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flushAll());
  }

  private flushAll(): void {
    this.flushQueued = false;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const c of dirty) c.flush();
  }

  /** Forgets a closed client. */
  removeClient(c: Client, reason: CloseReason): void {
    this.clients.delete(c.cid);
    this.dirty.delete(c);
    this.log.debug(`cid:${c.cid} client connection closed: ${reason}`);
  }

  /** Tells every client the server is going away (INFO with ldm) and flushes it. */
  announceLameDuck(): void {
    this.lameDuck = true;
    for (const c of this.clients.values()) {
      // nats-server sends the async INFO only to clients that can handle it (protocol 1).
      if (c.connectReceived && c.opts.protocol >= 1) c.send(this.infoFor(c));
    }
    this.flushAll();
  }

  /** Closes every client. */
  closeAll(reason: CloseReason): void {
    for (const c of [...this.clients.values()]) c.close(reason, true);
  }
}
