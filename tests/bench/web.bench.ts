/**
 * Web app benchmark: what a phone downloads and how soon it sees something, beside a bare
 * page measured in the same run. Not a test: it prints figures and exits 0 if anything
 * was measured; the issue's goals (300 KB of JavaScript and CSS, first screen within 1 s)
 * are printed beside them.
 *
 *   npm run bench:web                        markdown tables for docs/benchmarks.md
 *   BENCH_RUNS=5 npm run bench:web           fewer cold loads (default 15 each)
 *
 * Hearth runs as `npm start` runs it (`hearth serve`, Node) on a temp data dir, with the
 * tests' local tile server. Each load is cold: a new browser context (empty cache, no
 * service worker) in Debian's Chromium at 412×860, over loopback.
 *   1. baseline: a bare page — a `node:http` server answering one small HTML page with one
 *      small script — first contentful paint and load;
 *   2. the sign-in page (`/`): first contentful paint, the "Sign in" button on screen,
 *      bytes of JavaScript and CSS received;
 *   3. the signed-in map (the session restored from storage, as on a phone that reopens the
 *      app): the family's member list on screen;
 *   4. sizes of the built files: raw, gzip, brotli.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { account, apiCall, fixAt, launchBrowser, PHONE, startAppliance } from '../web/support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function bare(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.url === '/s.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end('document.body.dataset.ready = "1";');
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>bare</title><script type="module" src="/s.js"></script><p>Hello</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

/** A cold load: first contentful paint, the moment `ready` resolved, and JS+CSS bytes received. */
async function coldLoad(browser: Browser, url: string, ready: (p: Page) => Promise<unknown>, init?: (p: Page) => Promise<void>): Promise<{ fcp: number; ready: number; bytes: number }> {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  let bytes = 0;
  page.on('response', async (r) => {
    const type = r.request().resourceType();
    if (type === 'script' || type === 'stylesheet') bytes += (await r.request().sizes()).responseBodySize;
  });
  if (init) await init(page);
  const started = Date.now();
  await page.goto(url);
  await ready(page);
  const readyMs = Date.now() - started;
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await context.close();
  return { fcp, ready: readyMs, bytes };
}

const app = await startAppliance();
const browser = await launchBrowser();
const base = await bare();
try {
  const ann = await account(app, 'Ann');
  await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name: 'Family' } });
  await apiCall(app, 'POST', '/v1/locations', { token: ann.token, body: fixAt(45.76, 4.84) });
  // A refresh token to put in storage before each map load (each load rotates it: sign in anew).
  const session = async () => {
    const login = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } });
    return JSON.stringify({ userId: login.userId, sessionId: login.sessionId, refreshToken: login.refreshToken });
  };

  const rows: Array<[string, { fcp: number; ready: number; bytes: number }[]]> = [];
  const measure = async (name: string, url: string, ready: (p: Page) => Promise<unknown>, init?: (p: Page) => Promise<void>) => {
    await coldLoad(browser, url, ready, init); // warm the server and the disk cache
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await coldLoad(browser, url, ready, init));
    rows.push([name, runs]);
  };
  await measure('bare page (baseline)', base.url, (p) => p.waitForFunction(() => document.body.dataset.ready === '1'));
  await measure('sign-in page', app.url + '/', (p) => p.getByRole('button', { name: 'Sign in' }).waitFor());
  await measure('map, signed in', app.url + '/map', (p) => p.getByRole('list', { name: 'People' }).getByRole('button', { name: /^Ann\b/ }).waitFor(), async (p) => {
    const stored = await session();
    await p.addInitScript((s) => localStorage.setItem('hearth.session', s), stored);
  });

  const baseFcp = median(rows[0]![1].map((r) => r.fcp));
  console.log(`\nWeb app, ${RUNS} cold loads each in Chromium at 412×860 over loopback (${cpus().length} × ${cpus()[0]?.model.trim()}, load ${loadavg()[0]!.toFixed(2)})\n`);
  console.log('| page | first contentful paint, median (p90) | ratio to bare | on screen, median (p90) | JS+CSS received |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, runs] of rows) {
    const fcp = runs.map((r) => r.fcp);
    const ready = runs.map((r) => r.ready);
    console.log(`| ${name} | ${fmt(median(fcp))} (${fmt(p90(fcp))}) | ${(median(fcp) / baseFcp).toFixed(2)}× | ${fmt(median(ready))} (${fmt(p90(ready))}) | ${(median(runs.map((r) => r.bytes)) / 1024).toFixed(1)} KiB |`);
  }
  console.log('\nGoals: first screen within 1 s; at most 300 KB of JavaScript and CSS for a whole visit, as served.');

  const web = (await import('../../build/web/bundle.mjs' as string)).default as { files: Record<string, { body: string; gzip?: string; br?: string }> };
  const size = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').length : 0);
  console.log('\n| file | raw | gzip | brotli (as served to Chromium) |');
  console.log('| --- | --- | --- | --- |');
  let total = [0, 0, 0];
  for (const [path, f] of Object.entries(web.files).filter(([p]) => /\.(js|css)$/.test(p) && p.startsWith('/assets/'))) {
    const s = [size(f.body), size(f.gzip), size(f.br)];
    total = total.map((t, i) => t + s[i]!);
    console.log(`| \`${path.replace(/-[A-Z0-9]+\./, '-<hash>.')}\` | ${(s[0]! / 1024).toFixed(1)} KiB | ${(s[1]! / 1024).toFixed(1)} KiB | ${(s[2]! / 1024).toFixed(1)} KiB |`);
  }
  console.log(`| all | ${(total[0]! / 1024).toFixed(1)} KiB | ${(total[1]! / 1024).toFixed(1)} KiB | ${(total[2]! / 1024).toFixed(1)} KiB |`);
} finally {
  base.close();
  await browser.close();
  await app.stop();
}
