/**
 * Location benchmark: fixes ingested end to end — `POST /v1/locations` with a JWT, stored
 * durably by the location service, delivered on the WebSocket stream to 10 group members —
 * beside a bare Hono handler on the same runtime, measured in the same run. Not a test: it
 * prints figures and exits 0 if anything was measured; the goals are printed beside them.
 *
 *   npm run bench:location                   markdown tables for docs/benchmarks.md
 *   npm run -s bench:location -- --json      the same results as JSON
 *   BENCH_SECONDS=2 npm run bench:location   shorter phases (default 5 s each, after 1 s warm-up)
 *   BENCH_CONCURRENCY=32 BENCH_POSTERS=4     requests in flight at max rate; users posting
 *
 * Hearth runs as `npm start` runs it (`hearth serve` under Node: supervisor with the embedded
 * broker, users, location and gateway as child processes) on a temp data dir, with open
 * registration and the per-IP and per-user rate limits at their maximum. Setup: BENCH_POSTERS
 * users post, 10 other users watch, all in one group; each watcher holds a WebSocket on
 * /v1/stream (Bearer on the upgrade) and has seen `ready` with the group in it. Phases:
 *   1. max rate: BENCH_CONCURRENCY requests in flight (closed loop, one fix per request, each
 *      slot its own device, every fix a unique timestamp); fixes/s acknowledged with 200;
 *   2. paced (open loop) at half of phase 1's rate: latency from each request's scheduled
 *      start to its 200 and to its arrival at each watcher;
 *   3. the bare handler alone on the machine (Hearth stopped): a `new Hono()` with one POST
 *      route that parses the JSON body and answers 200 JSON, `serve()`d on 127.0.0.1 in a
 *      child process started like Hearth's (`node --max-semi-space-size=2`, tsx), at the
 *      same concurrency and then at the same paced rate, with the same requests.
 * The load generator is this process: `node:http` with a keep-alive Agent (no undici in
 * node_modules; Node 20's fetch is slower), and the 10 watchers (`ws`), which find a fix by
 * its `fixAt` in the raw frame rather than parsing JSON. Deliveries are timed when this
 * process's event loop sees them, so its own load shows in the latencies; the CPU table
 * shows how much of the machine it took. One file because the bare server is this file
 * run with `--bare`, so the baseline's code sits beside the measurement it anchors.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import WebSocket from 'ws';
import { bannerOf, root, startHearth, type HearthProcess } from '../support/hearth-process.ts';
import { cpuSeconds } from './proc-stats.ts';

const num = (name: string, dflt: number): number => Number(process.env[name]) || dflt;
const SECONDS = num('BENCH_SECONDS', 5);
const WARMUP_S = 1;
const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
const POSTERS = num('BENCH_POSTERS', 4);
const WATCHERS = 10;
const asJson = process.argv.includes('--json');
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.now();

/** Where requests go, and with what. */
interface Target {
  port: number;
  agent: Agent;
}
/** One request: its body, its bearer token and the fix's `fixAt` (its key on the stream). */
interface Shot {
  body: string;
  token: string;
  key: string;
}
/** A fix sent to Hearth, and what became of it. */
interface Sent {
  at: number;
  measured: boolean;
  got: number;
}
/** Latencies in ms, summarised. */
interface Pct {
  p50: number;
  p99: number;
  n: number;
}
/** What the run found. */
interface Result {
  command: string;
  machine: string;
  loadGenerator: string;
  concurrency: number;
  posters: number;
  seconds: number;
  hearthRate: number;
  bareRate: number;
  pacedRate: number;
  errors: Record<string, number>;
  deliveries: { max: [number, number]; paced: [number, number] };
  hearthAck: Pct;
  hearthDelivery: Pct;
  bareAck: Pct;
  closes: number[];
  cpu: Record<string, Record<string, number>>;
}

function post(t: Target, s: Shot): Promise<number | string> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s.body), authorization: `Bearer ${s.token}` };
    const req = request({ host: '127.0.0.1', port: t.port, path: '/v1/locations', method: 'POST', agent: t.agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end(s.body);
  });
}

/** Fixes with unique, increasing timestamps from ten minutes ago (well inside retention, never in the future). */
function fixes(tokens: string[]): (slot: number) => Shot {
  const base = Date.now() - 600_000;
  let k = 0;
  return (slot) => {
    const key = new Date(base + ++k).toISOString();
    const body = JSON.stringify({ lat: 52.52 + (k % 1000) * 1e-5, lon: 13.405, timestamp: key, accuracy: 10, battery: 80, device: `bench-${slot}` });
    return { body, token: tokens[slot % tokens.length]!, key };
  };
}

/** Closed loop: CONCURRENCY requests in flight; counts 200s completed in the measured window. */
async function closedLoop(t: Target, shot: (slot: number) => Shot, onShot: (s: Shot, at: number, measured: boolean) => void = () => {}) {
  const from = now() + WARMUP_S * 1000;
  const until = from + SECONDS * 1000;
  const errors: Record<string, number> = {};
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, slot) => {
      while (now() < until) {
        const s = shot(slot);
        onShot(s, now(), false);
        const status = await post(t, s);
        const done = now();
        if (done < from || done >= until) continue;
        if (status === 200) ok++;
        else errors[status] = (errors[status] ?? 0) + 1;
      }
    }),
  );
  return { rate: ok / SECONDS, errors };
}

/** Open loop at `rate`/s for warm-up + SECONDS; latency to the 200 from each request's scheduled start. */
async function paced(t: Target, rate: number, shot: (slot: number) => Shot, onShot: (s: Shot, at: number, measured: boolean) => void = () => {}) {
  const total = Math.round(rate * (WARMUP_S + SECONDS));
  const start = now() + 5;
  const acks: number[] = [];
  const errors: Record<string, number> = {};
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - now();
    if (wait >= 1) await sleep(wait);
    const s = shot(i % CONCURRENCY);
    const measured = at >= start + WARMUP_S * 1000;
    onShot(s, at, measured);
    inflight.push(
      post(t, s).then((status) => {
        if (status !== 200) errors[status] = (errors[status] ?? 0) + 1;
        else if (measured) acks.push(now() - at);
      }),
    );
  }
  await Promise.all(inflight);
  return { acks: pct(acks), errors };
}

function pct(xs: number[]): Pct {
  const s = xs.sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

/** CPU cores each process used between `begin()` and the returned function's call. */
function cpuMeter(pids: Record<string, number>) {
  const read = () => ({
    t: now(),
    self: process.cpuUsage(),
    procs: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
  });
  const a = read();
  return (): Record<string, number> => {
    const b = read();
    const wall = (b.t - a.t) / 1000;
    const out: Record<string, number> = {};
    for (const name of Object.keys(pids)) out[name] = (b.procs[name]! - a.procs[name]!) / wall;
    out['bench (load + watchers)'] = ((b.self.user - a.self.user + b.self.system - a.self.system) / 1e6) / wall;
    return out;
  };
}

async function api(http: string, path: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(http + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function signUp(http: string, name: string): Promise<{ token: string }> {
  const email = `${name}@bench.home`;
  const password = `${name} has a long password`;
  await api(http, '/v1/auth/register', { email, password, displayName: name });
  return { token: (await api(http, '/v1/auth/login', { email, password })).accessToken };
}

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until deliveries stop growing for a second (at most 30 s). */
async function drain(count: () => number): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30 && count() !== last; i++) {
    last = count();
    await sleep(1000);
  }
}

/** Opens a watcher's stream; counts each fix it sees and times those measured. */
function watch(http: string, token: string, groupId: string, sent: Map<string, Sent>, delivered: number[], closes: number[]): Promise<void> {
  const ws = new WebSocket(`${http.replace('http', 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
  ws.on('close', (code) => closes.push(code));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const s = String(data);
      const i = s.indexOf('"fixAt":"');
      if (i < 0) {
        if (s.includes('"type":"ready"')) (s.includes(groupId) ? resolve() : reject(new Error(`ready without the group: ${s}`)));
        return;
      }
      const e = sent.get(s.slice(i + 9, i + 33));
      if (!e) return;
      e.got++;
      if (e.measured) delivered.push(now() - e.at);
    });
  });
}

async function startBare(): Promise<{ port: number; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--max-semi-space-size=2', '--import', 'tsx', import.meta.filename, '--bare'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += String(b);
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { port, pid: child.pid!, stop: () => void child.kill('SIGTERM') };
}

async function runHearth(r: Result, dir: string): Promise<void> {
  const env = {
    HEARTH_USERS__REGISTRATION: 'open',
    HEARTH_GATEWAY__USER_RATE_PER_MINUTE: '1000000',
    HEARTH_GATEWAY__IP_RATE_PER_MINUTE: '1000000',
    HEARTH_GATEWAY__AUTH_RATE_PER_MINUTE: '100000',
    HEARTH_BROKER__PORT: '-1',
    HEARTH_BROKER__WEBSOCKET__ENABLED: 'false',
  };
  const h: HearthProcess = startHearth('node', ['serve', '--data', join(dir, 'data'), '--http', '127.0.0.1:0'], { env });
  try {
    const { http } = await bannerOf(h);
    const ready = (await (await fetch(`${http}/readyz`)).json()) as { services: Record<string, { pid?: number }> };
    const pids: Record<string, number> = { 'supervisor (+ broker)': h.child.pid! };
    for (const [name, s] of Object.entries(ready.services)) if (s.pid) pids[name] = s.pid;
    log(`# hearth at ${http}; setting up ${POSTERS} posters and ${WATCHERS} watchers in one group`);
    const posters = [];
    for (let i = 0; i < POSTERS; i++) posters.push(await signUp(http, `poster${i}`));
    const watchers = [];
    for (let i = 0; i < WATCHERS; i++) watchers.push(await signUp(http, `watcher${i}`));
    const groupId = (await api(http, '/v1/groups', { name: 'Bench' }, posters[0]!.token)).id as string;
    for (const u of [...posters.slice(1), ...watchers]) {
      const { code } = await api(http, `/v1/groups/${groupId}/invites`, {}, posters[0]!.token);
      await api(http, `/v1/invites/${code}/accept`, {}, u.token);
    }
    for (const [i, p] of posters.entries()) {
      const fix = (ms: number) => ({ lat: 52.5, lon: 13.4, timestamp: new Date(ms).toISOString(), device: 'setup' });
      await until(`poster${i} sharing with the group`, async () => (await api(http, '/v1/locations', fix(Date.now() - 700_000), p.token)).groups.length === 1);
    }
    const sent = new Map<string, Sent>();
    const delivered: number[] = [];
    await Promise.all(watchers.map((w) => watch(http, w.token, groupId, sent, delivered, r.closes)));
    const gotAll = () => [...sent.values()].reduce((n, e) => n + e.got, 0);
    const record = (s: Shot, at: number, measured: boolean) => void sent.set(s.key, { at, measured, got: 0 });
    const target: Target = { port: Number(new URL(http).port), agent: new Agent({ keepAlive: true }) };
    const shot = fixes(posters.map((p) => p.token));

    log(`# phase 1: ${CONCURRENCY} in flight, ${WARMUP_S} s warm-up + ${SECONDS} s`);
    let cpu = cpuMeter(pids);
    const max = await closedLoop(target, shot, record);
    r.cpu['Hearth, max rate'] = cpu();
    await drain(gotAll);
    r.hearthRate = max.rate;
    r.deliveries.max = [gotAll(), sent.size * WATCHERS];
    Object.assign(r.errors, max.errors);
    log(`  ${max.rate.toFixed(0)} fixes/s; deliveries ${r.deliveries.max.join(' / ')}`);

    sent.clear();
    r.pacedRate = Math.max(1, Math.round(max.rate / 2));
    log(`# phase 2: paced at ${r.pacedRate}/s`);
    cpu = cpuMeter(pids);
    const slow = await paced(target, r.pacedRate, shot, record);
    r.cpu[`Hearth, paced ${r.pacedRate}/s`] = cpu();
    await drain(gotAll);
    r.hearthAck = slow.acks;
    r.hearthDelivery = pct(delivered);
    r.deliveries.paced = [gotAll(), sent.size * WATCHERS];
    for (const [k, n] of Object.entries(slow.errors)) r.errors[k] = (r.errors[k] ?? 0) + n;
    log(`  POST→200 p99 ${r.hearthAck.p99.toFixed(1)} ms; POST→delivery p99 ${r.hearthDelivery.p99.toFixed(1)} ms`);
    target.agent.destroy();
  } catch (e) {
    log(`  hearth's output ends:\n${h.output().slice(-3000)}`);
    throw e;
  } finally {
    await h.stop('SIGTERM');
  }
}

async function runBare(r: Result): Promise<void> {
  const bare = await startBare();
  const target: Target = { port: bare.port, agent: new Agent({ keepAlive: true }) };
  const shot = fixes(['not-checked']);
  try {
    log(`# bare Hono handler: ${CONCURRENCY} in flight`);
    let cpu = cpuMeter({ 'bare Hono server': bare.pid });
    r.bareRate = (await closedLoop(target, shot)).rate;
    r.cpu['bare Hono, max rate'] = cpu();
    log(`  ${r.bareRate.toFixed(0)} req/s; paced at ${r.pacedRate}/s`);
    cpu = cpuMeter({ 'bare Hono server': bare.pid });
    r.bareAck = (await paced(target, r.pacedRate, shot)).acks;
    r.cpu[`bare Hono, paced ${r.pacedRate}/s`] = cpu();
  } finally {
    target.agent.destroy();
    bare.stop();
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const mark = (ok: boolean) => (ok ? ' ✓' : ' ✗');

function markdown(r: Result): string {
  const ratio = r.hearthRate / r.bareRate;
  const p99 = r.hearthDelivery.p99;
  const d = (x: [number, number]) => `${f0(x[0])} / ${f0(x[1])}`;
  const names = [...new Set(Object.values(r.cpu).flatMap((c) => Object.keys(c)))];
  const errors = Object.entries(r.errors).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none';
  return [
    `Machine: ${r.machine}.`,
    `Command: \`${r.command}\`. Load generator: ${r.loadGenerator}. ${r.posters} posting users, ${WATCHERS} watchers, ${r.concurrency} requests in flight at max rate, ${WARMUP_S} s warm-up + ${r.seconds} s per phase.`,
    '',
    '| Measure | bare Hono | Hearth | Hearth / bare | Goal |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| requests (fixes) acknowledged per s, ${r.concurrency} in flight | ${f0(r.bareRate)} | ${f0(r.hearthRate)} | ${ratio.toFixed(2)}×${mark(ratio >= 0.3)} | ≥ 0.30× |`,
    `| deliveries / expected at max rate (fixes × ${WATCHERS}) | — | ${d(r.deliveries.max)} | — | all |`,
    `| paced at ${f0(r.pacedRate)}/s: POST → 200 p50 / p99, ms | ${f1(r.bareAck.p50)} / ${f1(r.bareAck.p99)} | ${f1(r.hearthAck.p50)} / ${f1(r.hearthAck.p99)} | — | — |`,
    `| paced at ${f0(r.pacedRate)}/s: POST → delivery p50 / p99, ms (${f0(r.hearthDelivery.n)} deliveries) | — | ${f1(r.hearthDelivery.p50)} / ${f1(p99)} | — | p99 < 25${mark(p99 < 25)} |`,
    `| deliveries / expected, paced | — | ${d(r.deliveries.paced)} | — | all |`,
    '',
    `Errors (non-200 answers, client errors): ${errors}. Watcher sockets closed during the run: ${r.closes.length ? r.closes.join(', ') : 'none'}.`,
    '',
    'CPU used, in cores (wall-clock average over each phase, warm-up included):',
    '',
    `| Phase | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...Object.entries(r.cpu).map(([phase, c]) => `| ${phase} | ${names.map((n) => (n in c ? c[n]!.toFixed(2) : '—')).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const env = ['BENCH_SECONDS', 'BENCH_CONCURRENCY', 'BENCH_POSTERS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
  const r: Result = {
    command: `${env.join('')}npm run ${asJson ? '-s ' : ''}bench:location${asJson ? ' -- --json' : ''}`,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; load average ${loadavg()[0]!.toFixed(2)} at the start`,
    loadGenerator: 'node:http with a keep-alive Agent (undici is not installed) in the bench process, 10 `ws` watchers in the same process',
    concurrency: CONCURRENCY,
    posters: POSTERS,
    seconds: SECONDS,
    hearthRate: NaN,
    bareRate: NaN,
    pacedRate: NaN,
    errors: {},
    deliveries: { max: [0, 0], paced: [0, 0] },
    hearthAck: pct([]),
    hearthDelivery: pct([]),
    bareAck: pct([]),
    closes: [],
    cpu: {},
  };
  const dir = mkdtempSync(join(tmpdir(), 'hearth-location-bench-'));
  const t0 = Date.now();
  try {
    await runHearth(r, dir);
  } catch (e) {
    log(`  Hearth FAILED: ${(e as Error).stack ?? String(e)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    if (!Number.isFinite(r.pacedRate)) r.pacedRate = 500;
    await runBare(r);
  } catch (e) {
    log(`  bare handler FAILED: ${(e as Error).stack ?? String(e)}`);
  }
  log(`# finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.stdout.write(`${asJson ? JSON.stringify(r, null, 2) : markdown(r)}\n`);
  process.exit(Number.isFinite(r.hearthRate) || Number.isFinite(r.bareRate) ? 0 : 1);
}

if (process.argv.includes('--bare')) {
  const app = new Hono();
  app.post('/v1/locations', async (c) => {
    const fix = (await c.req.json()) as { lat?: unknown };
    return c.json({ accepted: typeof fix.lat === 'number' ? 1 : 0, duplicates: 0, expired: 0, groups: [] });
  });
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`listening ${info.port}`));
} else {
  await main();
}
