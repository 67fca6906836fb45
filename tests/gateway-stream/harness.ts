/**
 * The stream on its own, with real sockets: a Hono app served by @hono/node-server on an
 * ephemeral port, an authenticator verifying EdDSA tokens signed here with jose, a
 * membership read model that is a Map the test mutates, and a group-event emitter the
 * test drives. The WebSocket and SSE clients that collect what arrives are in tests/support/.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { encodeCursor, mountStream, type StreamHandle } from '../../src/gateway/stream/index.ts';
import { AppError, toAppError, uuidv7, type Envelope } from '../../src/kit/index.ts';

const ISSUER = 'https://hearth.test';
const AUDIENCE = 'hearth';
const STATUS: Record<string, number> = { validation: 400, unauthorized: 401, forbidden: 403, unavailable: 503, internal: 500 };

/** Options of one harness. */
export interface HarnessOptions {
  bufferSize?: number;
  heartbeatMs?: number;
  authTimeoutMs?: number;
}

/** A running stream and the knobs a test turns. */
export interface Harness {
  http: string;
  ws: string;
  server: Server;
  stream: StreamHandle;
  /** userId → groups: the read model `groupsOf` answers from. */
  groups: Map<string, Set<string>>;
  /** Session ids `authenticate` refuses. */
  revoked: Set<string>;
  join(userId: string, groupId: string): void;
  leave(userId: string, groupId: string): void;
  /** Commits a group event: the stream's listener sees it. */
  emit(groupId: string, type: string, data?: Record<string, unknown>): Envelope;
  /** The stream cursor right after `event` (what a client that got it resumes from). */
  cursorAfter(event: Envelope): string;
  /** An access token (EdDSA JWT); `ttlS` may be negative (already expired). */
  token(userId: string, opts?: { ttlS?: number; sid?: string; foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** Starts a harness; close it in `after`. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const groups = new Map<string, Set<string>>();
  const revoked = new Set<string>();
  const listeners: Array<(e: { groupId: string; event: Envelope }) => void> = [];
  // The emitted events are the one source's log that Last-Event-ID is replayed from (no epochs).
  const log: Envelope[] = [];
  let seq = 0;

  const app = new Hono();
  app.onError((err) => {
    const e = toAppError(err);
    const status = e.code === 'stream.upgrade_required' ? 426 : (STATUS[e.kind] ?? 500);
    return Response.json({ type: `urn:hearth:problem:${e.kind}`, title: e.kind, status, detail: e.message, code: e.code }, { status, headers: { 'content-type': 'application/problem+json' } });
  });
  app.get('/healthz', (c) => c.text('ok'));

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;

  const stream = mountStream({
    app,
    server,
    async authenticate(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'] });
        if (revoked.has(String(payload.sid))) throw new Error('revoked');
        return { userId: String(payload.sub), sessionId: String(payload.sid) };
      } catch (err) {
        throw new AppError('unauthorized', 'auth.invalid_token', 'Invalid or expired token', undefined, { cause: err });
      }
    },
    groupsOf: (userId) => [...(groups.get(userId) ?? [])],
    onGroupEvent: (l) => void listeners.push(l),
    logs: {
      sources: ['users'],
      read: async (_source, after, limit) => ({ events: log.filter((e) => e.seq > after).slice(0, limit), head: seq }),
      audienceOf: (e) => ({ groupId: (e.data as { groupId: string }).groupId }),
    },
    bufferSize: opts.bufferSize ?? 256,
    heartbeatMs: opts.heartbeatMs ?? 60_000,
    authTimeoutMs: opts.authTimeoutMs,
  });
  stream.seed('users', 0, undefined);

  const sign = (key: CryptoKey, userId: string, ttlS: number, sid: string): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlS)
      .sign(key);
  };

  return {
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    server,
    stream,
    groups,
    revoked,
    join(userId, groupId) {
      if (!groups.has(userId)) groups.set(userId, new Set());
      groups.get(userId)!.add(groupId);
    },
    leave(userId, groupId) {
      groups.get(userId)?.delete(groupId);
    },
    emit(groupId, type, data = {}) {
      const event: Envelope = { id: uuidv7(), type, version: 1, seq: ++seq, at: new Date().toISOString(), source: 'users', stream: `group:${groupId}`, correlationId: uuidv7(), causationId: '', data: { groupId, ...data } };
      log.push(event);
      if (log.length > 1000) log.shift(); // a log with retention: tests that emit a flood must not grow memory
      for (const l of listeners) l({ groupId, event });
      return event;
    },
    cursorAfter: (event) => encodeCursor(new Map([['users', { seq: event.seq, tag: '' }]])),
    token(userId, o = {}) {
      return sign(o.foreignKey ? foreign.privateKey : privateKey, userId, o.ttlS ?? 900, o.sid ?? `sess-${userId}`);
    },
    async close() {
      await stream.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
