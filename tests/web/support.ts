/**
 * The web app's browser tests: the real appliance (`hearth serve` on a temp data directory,
 * ephemeral ports), Debian's Chromium driven by playwright-core (`executablePath`, no
 * browser download), a local map tile server (so the map is whole and nothing leaves the
 * machine), people made through the API, and the checks every scenario shares: no console
 * error, no page error, and an axe-core scan.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { serveAppliance } from '../support/appliance.ts';
import { root, type HearthProcess, type HearthRuntime } from '../support/hearth-process.ts';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
/** Why the browser tests cannot run here, or undefined. */
export const browserSkip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`;
/** A file's whole time budget (the token-expiry scenario waits for a real expiry). */
export const WEB_TIMEOUT = 240_000;

/** A phone (412 × 860, touch) and a laptop. */
export const PHONE = { viewport: { width: 412, height: 860 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } as const;
export const LAPTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } as const;

/** A running appliance with its tile server. */
export interface Appliance {
  url: string;
  data: string;
  hearth: HearthProcess;
  tiles: TileServer;
  stop(): Promise<void>;
}

/**
 * Starts `hearth serve` with the test's configuration on top of generous limits and the
 * local tile server (`extra` is more configuration text).
 *
 * @example
 * const app = await startAppliance('users { access_token_ttl_s: 60 }');
 */
export async function startAppliance(
  extra = '',
  rt: HearthRuntime = 'node',
  o: { http?: string; data?: string; web?: string; tiles?: TileServer } = {},
): Promise<Appliance> {
  // A later `web {}` block would replace this one whole, so more web settings come in `o.web`;
  // a second Hearth on the same data shares the first one's tiles (the family's cached tile URL).
  const tiles = o.tiles ?? (await tileServer());
  const served = await serveAppliance(
    `web { tile_url: "${tiles.url}/{z}/{x}/{y}.png", tile_attribution: "Test tiles"${o.web ? `, ${o.web}` : ''} }
kit { catchup_interval_ms: 500, request_timeout_ms: 20000 }
${extra}`,
    { rt, http: o.http, data: o.data },
  ).catch(async (err: unknown) => {
    if (!o.tiles) await tiles.close();
    throw err;
  });
  return {
    url: served.url,
    data: served.data,
    hearth: served.hearth,
    tiles,
    stop: async () => {
      await served.hearth.stop();
      if (!o.tiles) await tiles.close();
    },
  };
}

/** A local tile server: a plain 256 px PNG for every `/{z}/{x}/{y}.png`, counting requests. */
export interface TileServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function tileServer(): Promise<TileServer> {
  const png = solidPng(256, 256, [232, 226, 214]);
  const t: TileServer = { url: '', requests: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    t.requests++;
    res.writeHead(/\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '') ? 200 : 404, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' }).end(png);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return t;
}

/** A one-colour PNG (what a tile server would send). */
function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type), body]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).map((_, i) => rgb[i % 3]!)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Launches Chromium headless, the way this machine allows (no sandbox as root, no background networking). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A browser context (a person's own browser) that records console and page errors. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (see `allowConsole`). */
  problems: string[];
  /** Messages matching this are expected in this scenario (a blocked tile, say). */
  allowConsole: RegExp[];
}

/**
 * Opens a new context and page on `app.url`, recording problems.
 *
 * @example
 * const ann = await person(browser, app, PHONE);
 */
export async function person(browser: Browser, app: { url: string }, o: BrowserContextOptions = PHONE): Promise<Person> {
  const context = await browser.newContext({ baseURL: app.url, ...o });
  const page = await context.newPage();
  const p: Person = { context, page, problems: [], allowConsole: [] };
  const note = (text: string) => {
    if (!p.allowConsole.some((re) => re.test(text))) p.problems.push(text);
  };
  context.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') note(`console: ${m.text()} @ ${m.location().url}`);
  });
  context.on('weberror', (e) => note(`pageerror: ${e.error().message}`));
  return p;
}

/**
 * This person's session is about to end from elsewhere (signed out on another device, a
 * password change, a stolen refresh token): every call the page makes from then on is
 * refused with 401 — its renewal, and on a slow machine the screen it is still loading —
 * and the browser logs each one itself. The test asserts where the page goes instead.
 */
export function expectSessionEnd(p: Person): void {
  p.allowConsole.push(/401 \(Unauthorized\) @ .*\/v1\//);
}

/** Asserts nothing went wrong in the page (console errors, uncaught errors). */
export function assertNoProblems(...people: Person[]): void {
  assert.deepEqual(people.flatMap((p) => p.problems), []);
}

const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now; fails on any serious or critical violation.
 * The script is evaluated through the DevTools protocol, not injected as a `<script>`, so
 * the page's strict CSP stays on.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await (globalThis as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  const bad = result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: accessibility violations`);
}

/** Someone with an account, made through the API. */
export interface Account {
  name: string;
  email: string;
  password: string;
  userId: string;
  token: string;
}

let count = 0;

/**
 * JSON over the API (throws with the body on an unexpected status). A 503 or 504 — a
 * service still starting on a loaded machine — is tried again for up to a minute; every
 * call here is safe to repeat (reads, or writes the API records once).
 */
export async function apiCall(app: { url: string }, method: string, path: string, o: { token?: string; body?: unknown; expect?: number } = {}): Promise<any> {
  const send = () =>
    fetch(app.url + path, {
      method,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  const deadline = Date.now() + 60_000;
  let res = await send();
  while ((res.status === 503 || res.status === 504) && o.expect !== res.status && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    res = await send();
  }
  const text = await res.text();
  if (o.expect !== undefined) assert.equal(res.status, o.expect, `${method} ${path}: ${text}`);
  else assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Registers (with an invite, unless it is the first account) and signs in through the API. */
export async function account(app: { url: string }, name: string, invite?: string): Promise<Account> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}-${++count}@example.com`;
  const password = `${name} has a long password`;
  const reg = await apiCall(app, 'POST', '/v1/auth/register', { body: { email, password, displayName: name, ...(invite ? { invite } : {}) }, expect: 201 });
  const login = await apiCall(app, 'POST', '/v1/auth/login', { body: { email, password } });
  return { name, email, password, userId: reg.userId, token: login.accessToken };
}

/** A family made through the API: the first name is the admin and owner of the group, the rest join by invite. */
export async function family(app: { url: string }, names: string[], groupName = 'Family'): Promise<{ people: Account[]; groupId: string }> {
  const owner = await account(app, names[0]!);
  const group = await apiCall(app, 'POST', '/v1/groups', { token: owner.token, body: { name: groupName } });
  const people = [owner];
  for (const name of names.slice(1)) {
    const invite = await apiCall(app, 'POST', `/v1/groups/${group.id}/invites`, { token: owner.token, body: {} });
    people.push(await account(app, name, invite.code));
  }
  return { people, groupId: group.id };
}

/** Signs `who` in through the sign-in page, as a person would; resolves on the map. */
export async function signInPage(p: Person, who: Account): Promise<void> {
  await p.page.goto('/');
  await p.page.getByLabel('Email').fill(who.email);
  await p.page.getByLabel('Password', { exact: true }).fill(who.password);
  await p.page.getByRole('button', { name: 'Sign in' }).click();
  await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).waitFor();
}

/** A fix now (or `secondsAgo` earlier) at a place, as `POST /v1/locations` takes it. */
export function fixAt(lat: number, lon: number, o: { secondsAgo?: number; battery?: number; accuracy?: number } = {}): Record<string, unknown> {
  return { lat, lon, accuracy: o.accuracy ?? 15, battery: o.battery ?? 80, timestamp: new Date(Date.now() - (o.secondsAgo ?? 0) * 1000).toISOString(), device: 'test-phone' };
}
