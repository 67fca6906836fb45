/**
 * Shared pieces of the gateway's integration tests: the users service and the gateway run
 * in this process against a per-file embedded broker, with Hearth's configuration loaded
 * the way Hearth loads it (then edited); an HTTP helper that speaks to the real server;
 * and the usual steps (sign up, sign in, make a group, invite) done through the API.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { loadConfig, type HearthConfig } from '../../src/config/index.ts';
import { decode, encode, type RunningService } from '../../src/kit/index.ts';
import gateway from '../../src/gateway/index.ts';
import { usersService } from '../../services/users/index.ts';
import { locationService } from '../../services/location/index.ts';
import { chatService } from '../../services/chat/index.ts';
import { notificationsService, type NotificationsOptions } from '../../services/notifications/index.ts';
import { client } from '../support/broker.ts';
import { logSink, startService, type LogSink } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

/** A running gateway and the four services. */
export interface Hearth {
  url: string;
  brokerUrl: string;
  config: HearthConfig;
  users: RunningService;
  location: RunningService;
  chat: RunningService;
  notifications: RunningService;
  gateway: RunningService;
  nc: NatsConnection;
  /** Stops the users service (its routes should then answer 503). */
  stopUsers(): Promise<void>;
  /** Starts it again on the same database. */
  startUsers(): Promise<void>;
  /** Stops the location service. */
  stopLocation(): Promise<void>;
  /** Starts it again on the same database. */
  startLocation(): Promise<void>;
  /** Stops the notifications service. */
  stopNotifications(): Promise<void>;
  /** Starts it again on the same database. */
  startNotifications(): Promise<void>;
  stop(): Promise<void>;
}

let n = 0;

/** Hearth's default configuration for a test: open registration and generous rate limits unless edited. */
export function testConfig(dir: string, edit: (c: HearthConfig) => void = () => {}): HearthConfig {
  const { config } = loadConfig([], {}, { cwd: dir });
  config.http = '127.0.0.1:0';
  config.public_url = 'https://hearth.test';
  config.users.registration = 'open';
  config.gateway.auth_rate_per_minute = 100_000;
  config.gateway.ip_rate_per_minute = 1_000_000;
  config.gateway.user_rate_per_minute = 1_000_000;
  edit(config);
  return config;
}

/** What else a test may set: the services' clock, the forwarder's timing. */
export interface HearthOptions {
  now?: () => number;
  forwarder?: NotificationsOptions['forwarder'];
  /** Where the gateway's log lines go (default: a sink nobody reads). */
  gatewayLog?: LogSink;
}

/** Starts users, location, chat, notifications and the gateway; resolves when the gateway listens. */
export async function startHearth(brokerUrl: string, dir: string, edit?: (c: HearthConfig) => void, o: HearthOptions = {}): Promise<Hearth> {
  const config = testConfig(dir, edit);
  const id = ++n;
  const usersDb = join(dir, `users-${id}.db`);
  const locationDb = join(dir, `location-${id}.db`);
  const notificationsDb = join(dir, `notifications-${id}.db`);
  const notifications = () => notificationsService({ now: o.now, forwarder: o.forwarder });
  const run = (def: Parameters<typeof startService>[0], db: string) => startService(def, brokerUrl, db, { settings: config, log: logSink().options, catchupMs: 500 });
  const nc = await client(brokerUrl, 'gateway-test');
  const h: Hearth = {
    url: '',
    brokerUrl,
    config,
    users: await run(usersService(), usersDb),
    location: await run(locationService({ now: o.now }), locationDb),
    chat: await run(chatService({ now: o.now }), join(dir, `chat-${id}.db`)),
    notifications: await run(notifications(), notificationsDb),
    gateway: await startService(gateway, brokerUrl, join(dir, `gateway-${id}.db`), { settings: config, log: (o.gatewayLog ?? logSink()).options, catchupMs: 500 }),
    nc,
    stopUsers: async () => h.users.stop(),
    startUsers: async () => void (h.users = await run(usersService(), usersDb)),
    stopLocation: async () => h.location.stop(),
    startLocation: async () => void (h.location = await run(locationService({ now: o.now }), locationDb)),
    stopNotifications: async () => h.notifications.stop(),
    startNotifications: async () => void (h.notifications = await run(notifications(), notificationsDb)),
    stop: async () => {
      await nc.close();
      await h.gateway.stop();
      await h.notifications.stop();
      await h.chat.stop();
      await h.location.stop();
      await h.users.stop();
    },
  };
  h.url = await waitFor('the gateway url', async () => {
    const msg = await nc.request('sys.health.gateway', encode({}), { timeout: 1000 });
    return ((decode(msg.data) as { ok?: { info?: { url?: string } } }).ok?.info?.url) || undefined;
  });
  return h;
}

/** An HTTP answer, read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (`any`: tests look into bodies of many shapes). */
  body: any;
}

/** What a request may carry. */
export interface Ask {
  token?: string;
  basic?: [string, string];
  body?: unknown;
  /** Sent as is (no JSON encoding, no content type unless given in headers). */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

/** Sends a request to the gateway. */
export async function call(h: { url: string }, method: string, path: string, o: Ask = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.basic) headers.authorization = `Basic ${Buffer.from(o.basic.join(':')).toString('base64')}`;
  let body: BodyInit | undefined = o.raw;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(h.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Asserts `a` is a problem document with `status` (and `code`, when given). */
export function assertProblem(a: Answer, status: number, code?: string): void {
  assert.equal(a.status, status, `expected ${status}, got ${a.status}: ${a.text}`);
  assert.equal(a.headers.get('content-type'), 'application/problem+json');
  assert.equal(a.body.status, status);
  for (const k of ['type', 'title', 'detail', 'code']) assert.equal(typeof a.body[k], 'string', `problem.${k}`);
  if (code) assert.equal(a.body.code, code);
}

/** A signed-in user, through the API. */
export interface User {
  name: string;
  email: string;
  password: string;
  userId: string;
  sessionId: string;
  token: string;
  refreshToken: string;
}

let people = 0;

/** Registers a new user through the API (optionally with an invite) and signs them in. */
export async function signUp(h: { url: string }, name: string, invite?: string): Promise<User> {
  const email = `${name.toLowerCase()}-${++people}@example.com`;
  const password = `${name} has a long password`;
  const reg = await call(h, 'POST', '/v1/auth/register', { body: { email, password, displayName: name, ...(invite ? { invite } : {}) } });
  assert.equal(reg.status, 201, reg.text);
  return signIn(h, name, email, password);
}

/** Signs in (a new session). */
export async function signIn(h: { url: string }, name: string, email: string, password: string): Promise<User> {
  const login = await call(h, 'POST', '/v1/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, login.text);
  return { name, email, password, userId: login.body.userId, sessionId: login.body.sessionId, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

/** Creates a group owned by `owner`; returns its id. */
export async function makeGroup(h: { url: string }, owner: User, name = 'Family'): Promise<string> {
  const res = await call(h, 'POST', '/v1/groups', { token: owner.token, body: { name } });
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}

/** Brings `who` into `groupId` through an invite made by `by`. */
export async function joinGroup(h: { url: string }, groupId: string, by: User, who: User): Promise<void> {
  const invite = await call(h, 'POST', `/v1/groups/${groupId}/invites`, { token: by.token, body: {} });
  assert.equal(invite.status, 201, invite.text);
  const accept = await call(h, 'POST', `/v1/invites/${invite.body.code}/accept`, { token: who.token });
  assert.equal(accept.status, 200, accept.text);
}
