/**
 * The gateway's app without a server or a broker, for `app.request()` tests: its real
 * collaborators on a temporary database, with the users service replaced by a table of
 * answers by subject (anything else answers "no responders", as when users is down) and
 * signing keys the test holds, so it can mint any token it likes.
 */
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Hono } from 'hono';
import { AppError, consumerSpec, createLogger, EventLog, migrate, openDb, uuidv7, type Db, type Envelope, type Operation, type ServiceApi } from '../../src/kit/index.ts';
import gateway, { createApp, gatewayDeps, usersConsumer, type GatewayDeps } from '../../src/gateway/index.ts';
import { testConfig } from '../support/config.ts';
import type { HearthConfig } from '../../src/config/index.ts';

/** The issuer tokens must name (testConfig's public URL). */
export const ISSUER = 'https://hearth.test';

/** A signing key the fake users service publishes. */
export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: Record<string, unknown>;
}

/** A fresh Ed25519 key. */
export async function newKey(kid = uuidv7()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

/** Signs an access token as the users service would, with any claim or header overridden. */
export async function mint(key: TestKey, o: { sub?: string; sid?: string; claims?: JWTPayload; header?: Record<string, unknown>; expiresIn?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: o.sub ?? uuidv7(), sid: o.sid ?? uuidv7(), iss: ISSUER, aud: 'hearth', iat: now, exp: now + (o.expiresIn ?? 900), ...o.claims };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...o.header })
    .sign(key.privateKey);
}

/** Signs header and payload as given, with no checks at all (for tokens jose would refuse to make). */
export async function signRaw(key: TestKey, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = await crypto.subtle.sign('Ed25519', key.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

/** A pure gateway. */
export interface Pure {
  app: Hono<never>;
  deps: GatewayDeps;
  db: Db;
  /** Keys the fake users service publishes (change freely). */
  keys: TestKey[];
  /** Answers by subject (`svc.users.me` → fn); missing ones are "no responders". */
  answers: Record<string, (req: unknown) => unknown>;
  /** Subjects requested, in order. */
  calls: string[];
  /** Applies users events to the read model as the consumer would. */
  feed(...events: { type: string; data: unknown }[]): Promise<void>;
  /** The gateway's clock offset (ms): move it forward to let caches and buckets age. */
  clock: { offset: number };
  /** A request as from `ip`. */
  request(path: string, init?: RequestInit, ip?: string): Promise<Response>;
  close(): void;
}

let seq = 0;

/** Builds a pure gateway on a database in `dir`. */
export async function pureGateway(dir: string, edit?: (c: HearthConfig) => void): Promise<Pure> {
  const db = await openDb({ path: join(dir, `pure-${++seq}.db`) });
  await migrate(db, 'gateway', gateway.migrations);
  const keys: TestKey[] = [await newKey()];
  const calls: string[] = [];
  const answers: Pure['answers'] = { 'svc.users.jwks': () => ({ keys: keys.map((k) => k.jwk) }) };
  const request = async (op: Operation, data: unknown) => {
    calls.push(op.subject);
    const answer = answers[op.subject];
    if (!answer) throw new AppError('unavailable', 'kit.no_responders', `Nobody answers on ${op.subject}`);
    return answer(data);
  };
  const log = createLogger({ service: 'gateway', level: 'error', write: () => undefined });
  const clock = { offset: 0 };
  const api = { name: 'gateway', settings: testConfig(dir, edit), db, log, request, now: () => Date.now() + clock.offset } as unknown as ServiceApi;
  const deps = await gatewayDeps(api);
  const app = createApp(deps) as unknown as Hono<never>;
  let logSeq = 0;
  const consumer = consumerSpec(usersConsumer(deps.model), new EventLog(db, 'gateway'), log);
  return {
    app,
    deps,
    db,
    keys,
    answers,
    calls,
    clock,
    feed: async (...events) => {
      for (const e of events) {
        const envelope: Envelope = { id: uuidv7(), type: e.type, version: 1, seq: ++logSeq, at: new Date().toISOString(), source: 'users', stream: '', correlationId: '', causationId: '', data: e.data };
        await db.write((tx) => consumer.apply(envelope, tx));
      }
    },
    request: (path, init, ip = '203.0.113.9') => Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: ip } } })),
    close: () => db.close(),
  };
}
