/**
 * Shared pieces of the notifications tests: a real local HTTP server that records what is
 * posted to it (an ntfy server or a webhook receiver, answering what the test says), and
 * inbox helpers over the gateway's API.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call } from '../support/http.ts';
import type { InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';

/** One request the recorder received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
  /** When it arrived (epoch ms). */
  at: number;
}

/** How the recorder answers one request. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Answer this much later (a slow receiver). */
  delayMs?: number;
}

/** A local HTTP server that records requests and answers with `reply()` (200 by default). */
export interface Recorder {
  url: string;
  received: Received[];
  /** What a request is answered with (a number is the status). */
  reply: (r: Received) => number | Reply;
  close(): Promise<void>;
}

/** Starts a recorder on 127.0.0.1. */
export async function recorder(): Promise<Recorder> {
  const rec: Recorder = { url: '', received: [], reply: () => 200, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined; // not JSON (an ntfy plain-text body would be): json stays undefined
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
      rec.received.push(r);
      const given = rec.reply(r);
      const reply = typeof given === 'number' ? { status: given } : given;
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end('{}');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return rec;
}

/** A user's inbox page (`q` is the query string, e.g. `?since=…`). */
export async function inbox(h: InProcessHearth, u: User, q = ''): Promise<{ items: any[]; unread: number; hasMore: boolean }> {
  const r = await call(h, 'GET', `/v1/notifications${q}`, { token: u.token });
  if (r.status !== 200) throw new Error(`inbox of ${u.name}: ${r.status} ${r.text}`);
  return r.body;
}

/** Waits until `u`'s inbox holds `n` notifications matching `pred`; returns them. */
export async function waitInbox(h: InProcessHearth, u: User, n: number, pred: (x: any) => boolean = () => true): Promise<any[]> {
  return waitFor(`${n} notification(s) for ${u.name}`, async () => {
    const items = (await inbox(h, u, '?limit=100')).items.filter(pred);
    return items.length >= n ? items : undefined;
  });
}

/**
 * Signs up a family (the first owns the group and invites the others) and waits until the
 * notifications service knows them all: the owner has been told each invite was accepted.
 */
export async function notifiedFamily(h: InProcessHearth, names: string[], groupName = 'Family'): Promise<{ users: User[]; group: string }> {
  const f = await family(h, names, groupName);
  await waitInbox(h, f.users[0]!, names.length - 1, (x) => x.type === 'invite_accepted' && x.groupId === f.group);
  return f;
}
