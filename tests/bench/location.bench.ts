/**
 * Location benchmark: fixes ingested end to end — `POST /v1/locations` with a JWT, stored
 * durably by the location service, delivered on the WebSocket stream to 10 group members —
 * beside a bare Hono handler on the same runtime, measured in the same run. Not a test: it
 * prints figures and exits 0 if anything was measured; the goals are printed beside them.
 *
 *   npm run bench:location                   markdown tables for docs/benchmarks.md
 *   npm run -s bench:location -- --json      the same results as JSON (-s: no npm banner on stdout)
 *   BENCH_SECONDS=2 BENCH_WARMUP=1 npm run bench:location   a quick look (defaults: 5 s phases, 5 s warm-up)
 *   BENCH_CONCURRENCY=32 BENCH_POSTERS=4     requests in flight at max rate; users posting
 *   npm run bench:location -- --one-core     Hearth (and then the bare server) pinned to core 0 with
 *                                            `taskset`, the load generator to the other cores: the
 *                                            stand-in for a Pi-class machine, printed per core-second
 *
 * Hearth runs as `npm start` runs it (`hearth serve` under Node: the supervisor with the
 * embedded broker, and users, location and gateway as child processes) on a temp data dir,
 * with open registration and the per-IP and per-user rate limits at their maximum. Setup:
 * BENCH_POSTERS users post and 10 other users watch, all in one group; each watcher holds a
 * WebSocket on /v1/stream (Bearer on the upgrade) and has seen `ready` listing the group.
 *   1. max rate: BENCH_CONCURRENCY requests in flight (closed loop), one fix per request,
 *      each slot its own device, every fix a unique timestamp; fixes/s answered 200;
 *   2. paced (open loop) at half of phase 1's rate: from each request's scheduled start to
 *      its 200, and to its arrival at each watcher;
 *   3. the bare handler alone on the machine (Hearth stopped): `new Hono()` with one POST
 *      route that parses the JSON body and answers 200 JSON, `serve()`d on 127.0.0.1 by this
 *      file run with `--bare` in a child started like Hearth's (Node, tsx, semi-space 2 MiB),
 *      at the same concurrency, then at the same paced rate, with the same requests.
 * The load generator is this process: `node:http` with a keep-alive Agent (undici is not in
 * node_modules, and node:http skips fetch's web-stream layer) and the 10 watchers (`ws`), which
 * find a fix by the `fixAt` in the raw frame instead of parsing it. Deliveries are timed
 * when this process's event loop sees them, so its own load is inside the latencies; the
 * CPU table shows what each process, and the whole machine, used in each phase.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type WebSocket from 'ws';
import { bannerOf, root, spawnHearth } from '../support/hearth-process.ts';
import { benchGroup, closedLoop, CONCURRENCY, drain, fixes, log, metered, num, paced, PACED_WARMUP_S, pct, SECONDS, watch, WARMUP_S, type OnShot, type Pct, type Sent, type Target } from './location-load.ts';

const POSTERS = num('BENCH_POSTERS', 4);
const WATCHERS = 10;
const asJson = process.argv.includes('--json');
/** Hearth and the bare server on core 0 (`taskset -c 0`), this process on the others. */
const ONE_CORE = process.argv.includes('--one-core');
const PINNED = ['taskset', '-c', '0'];
const LOAD_GENERATOR = 'this process, node:http with a keep-alive Agent (undici is not installed), and the 10 `ws` watchers';

/** What the run found (rates per second; `[received, expected]` deliveries; CPU in cores per phase and process). */
interface Result {
  command: string;
  machine: string;
  setup: { posters: number; watchers: number; concurrency: number; seconds: number; warmup: number; pacedWarmup: number; loadGenerator: string; oneCore: boolean };
  hearthRate: number; bareRate: number; pacedRate: number;
  deliveries: { max: [number, number]; paced: [number, number] };
  /** Paced: POST → 200, and POST → arrival at a watcher. */
  hearthAck: Pct; hearthDelivery: Pct; bareAck: Pct;
  errors: Record<string, number>;
  closes: number[];
  cpu: Record<string, Record<string, number>>;
}

/** Hearth: setup, then phases 1 and 2. */
async function runHearth(r: Result, dir: string): Promise<void> {
  // Rate limits at the schema's maximum (all requests come from 127.0.0.1); ephemeral broker port, no broker WebSocket.
  const limits = { HEARTH_GATEWAY__USER_RATE_PER_MINUTE: '1000000', HEARTH_GATEWAY__IP_RATE_PER_MINUTE: '1000000', HEARTH_GATEWAY__AUTH_RATE_PER_MINUTE: '100000' };
  const env = { ...limits, HEARTH_USERS__REGISTRATION: 'open', HEARTH_BROKER__PORT: '-1', HEARTH_BROKER__WEBSOCKET__ENABLED: 'false' };
  const args = ['serve', '--data', join(dir, 'data'), '--http', '127.0.0.1:0'];
  const h = ONE_CORE ? spawnHearth({ binary: process.execPath, via: PINNED }, ['--max-semi-space-size=2', join(root, 'bin/hearth.js'), ...args], { env }) : spawnHearth('node', args, { env });
  let sockets: WebSocket[] = [];
  try {
    const { http } = await bannerOf(h);
    const ready = (await (await fetch(`${http}/readyz`)).json()) as { services: Record<string, { pid?: number }> };
    const pids: Record<string, number> = { 'supervisor (+ broker)': h.child.pid! };
    // One-process mode: every service reports the supervisor's pid, counted once as the supervisor.
    for (const [name, s] of Object.entries(ready.services)) if (s.pid && s.pid !== h.child.pid) pids[name] = s.pid;
    log(`# hearth at ${http}; ${POSTERS} posters and ${WATCHERS} watchers join one group`);
    const { posters, watchers, groupId } = await benchGroup(http, POSTERS, WATCHERS);
    const sent = new Map<string, Sent>();
    const delivered: number[] = [];
    sockets = await Promise.all(watchers.map((token) => watch(http, token, groupId, sent, delivered)));
    for (const ws of sockets) ws.on('close', (code) => r.closes.push(code));
    const got = () => [...sent.values()].reduce((n, e) => n + e.got, 0);
    const record: OnShot = (s, at, measured) => void sent.set(s.key, { at, measured, got: 0 });
    const target: Target = { port: Number(new URL(http).port), agent: new Agent({ keepAlive: true }) };
    const shot = fixes(posters);

    log(`# phase 1: ${CONCURRENCY} in flight, ${WARMUP_S} s warm-up + ${SECONDS} s`);
    const [max, maxCpu] = await metered(pids, WARMUP_S, () => closedLoop(target, shot, record));
    await drain(got);
    [r.hearthRate, r.cpu['Hearth, max rate'], r.deliveries.max] = [max.rate, maxCpu, [got(), sent.size * WATCHERS]];
    Object.assign(r.errors, max.errors);
    log(`  ${max.rate.toFixed(0)} fixes/s; deliveries ${r.deliveries.max.join(' / ')}`);

    sent.clear();
    r.pacedRate = Math.max(1, Math.round(max.rate / 2));
    log(`# phase 2: paced at ${r.pacedRate}/s`);
    const [half, halfCpu] = await metered(pids, PACED_WARMUP_S, () => paced(target, r.pacedRate, shot, record));
    await drain(got);
    [r.hearthAck, r.hearthDelivery, r.deliveries.paced] = [half.acks, pct(delivered), [got(), sent.size * WATCHERS]];
    r.cpu[`Hearth, paced ${r.pacedRate}/s`] = halfCpu;
    for (const [k, n] of Object.entries(half.errors)) r.errors[k] = (r.errors[k] ?? 0) + n;
    log(`  POST→200 p99 ${r.hearthAck.p99.toFixed(1)} ms; POST→delivery p99 ${r.hearthDelivery.p99.toFixed(1)} ms`);
    target.agent.destroy();
  } catch (e) {
    log(`  hearth's output ends:\n${h.output().slice(-3000)}`);
    throw e;
  } finally {
    for (const ws of sockets) ws.removeAllListeners('close').terminate();
    await h.stop('SIGTERM');
  }
}

/** The bare handler, alone: this file run with `--bare` as a child. */
async function runBare(r: Result): Promise<void> {
  const bare = [process.execPath, '--max-semi-space-size=2', '--import', 'tsx', import.meta.filename, '--bare'];
  const [cmd, ...args] = ONE_CORE ? [...PINNED, ...bare] : bare;
  const child = spawn(cmd!, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const target: Target = { port: 0, agent: new Agent({ keepAlive: true }) };
  try {
    target.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += String(b);
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
    });
    const shot = fixes(['not-checked']);
    const pids = { 'bare Hono server': child.pid! };
    log(`# bare Hono handler: ${CONCURRENCY} in flight, then paced at ${r.pacedRate}/s`);
    const [max, maxCpu] = await metered(pids, WARMUP_S, () => closedLoop(target, shot));
    const [half, halfCpu] = await metered(pids, PACED_WARMUP_S, () => paced(target, r.pacedRate, shot));
    [r.bareRate, r.bareAck] = [max.rate, half.acks];
    Object.assign(r.cpu, { 'bare Hono, max rate': maxCpu, [`bare Hono, paced ${r.pacedRate}/s`]: halfCpu });
    log(`  ${r.bareRate.toFixed(0)} req/s`);
  } finally {
    target.agent.destroy();
    child.kill('SIGTERM');
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : '—');
const mark = (ok: boolean) => (ok ? ' ✓' : ' ✗');

function markdown(r: Result): string {
  const ratio = r.hearthRate / r.bareRate;
  const p99 = r.hearthDelivery.p99;
  const d = ([got, want]: [number, number]) => `${f0(got)} / ${f0(want)}`;
  const [hearthCpu, bareCpu] = [r.cpu['Hearth, max rate'] ?? {}, r.cpu['bare Hono, max rate'] ?? {}];
  const perReq = (c: Record<string, number>, rate: number) => ((c['whole machine'] ?? NaN) / rate) * 1000;
  const names = [...new Set(Object.values(r.cpu).flatMap((c) => Object.keys(c)))];
  const errors = Object.entries(r.errors).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none';
  const s = r.setup;
  // Hearth's own processes (not the load generator), at max rate.
  const hearthCores = Object.entries(hearthCpu).filter(([k]) => !k.startsWith('bench') && k !== 'whole machine').reduce((n, [, c]) => n + c, 0);
  const perCore = s.oneCore
    ? [
        '',
        `Pinned with \`taskset\`: Hearth's processes (then the bare server) on core 0, the load generator on the others. **${f0(r.hearthRate / hearthCores)} fixes per core-second** (Hearth's processes used ${f2(hearthCores)} cores at max rate); the bare handler ${f0(r.bareRate / (bareCpu['bare Hono server'] ?? NaN))} requests per core-second.`,
      ]
    : [];
  return [
    `Machine: ${r.machine}.`,
    `Command: \`${r.command}\`. ${s.posters} posting users and ${s.watchers} watching, one group; ${s.concurrency} requests in flight at max rate; each phase ${s.seconds} s after a warm-up (${s.warmup} s at max rate, ${s.pacedWarmup} s paced). Load generator: ${s.loadGenerator}.`,
    '',
    '| Measure | bare Hono | Hearth | Hearth / bare | Goal |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| requests (fixes) answered 200 per s, ${s.concurrency} in flight | ${f0(r.bareRate)} | ${f0(r.hearthRate)} | ${f2(ratio)}×${mark(ratio >= 0.3)} | ≥ 0.30× |`,
    `| machine CPU per request at max rate, ms | ${f2(perReq(bareCpu, r.bareRate))} | ${f2(perReq(hearthCpu, r.hearthRate))} | — | — |`,
    `| deliveries / expected at max rate (fixes × ${s.watchers}) | — | ${d(r.deliveries.max)} | — | all |`,
    `| paced at ${f0(r.pacedRate)}/s: POST → 200 p50 / p99, ms | ${f1(r.bareAck.p50)} / ${f1(r.bareAck.p99)} | ${f1(r.hearthAck.p50)} / ${f1(r.hearthAck.p99)} | — | — |`,
    `| paced at ${f0(r.pacedRate)}/s: POST → delivery p50 / p99, ms (${f0(r.hearthDelivery.n)} deliveries) | — | ${f1(r.hearthDelivery.p50)} / ${f1(p99)} | — | p99 < 25${mark(p99 < 25)} |`,
    `| deliveries / expected, paced | — | ${d(r.deliveries.paced)} | — | all |`,
    ...perCore,
    '',
    `Non-200 answers and client errors: ${errors}. Watcher sockets closed before the end: ${r.closes.length ? r.closes.join(', ') : 'none'}.`,
    '',
    'CPU used, in cores (average over each phase after its warm-up; "whole machine" counts every process, these and others):',
    '',
    `| Phase | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...Object.entries(r.cpu).map(([phase, c]) => `| ${phase} | ${names.map((n) => f2(c[n])).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const env = ['BENCH_SECONDS', 'BENCH_WARMUP', 'BENCH_CONCURRENCY', 'BENCH_POSTERS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
  const none = pct([]);
  const r: Result = {
    command: `${env.join('')}npm run ${asJson ? '-s ' : ''}bench:location${asJson || ONE_CORE ? ' --' : ''}${asJson ? ' --json' : ''}${ONE_CORE ? ' --one-core' : ''}`,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; load average ${loadavg()[0]!.toFixed(2)} at the start`,
    setup: { posters: POSTERS, watchers: WATCHERS, concurrency: CONCURRENCY, seconds: SECONDS, warmup: WARMUP_S, pacedWarmup: PACED_WARMUP_S, loadGenerator: LOAD_GENERATOR, oneCore: ONE_CORE },
    ...{ hearthRate: NaN, bareRate: NaN, pacedRate: NaN, hearthAck: none, hearthDelivery: none, bareAck: none },
    ...{ deliveries: { max: [0, 0], paced: [0, 0] }, errors: {}, closes: [], cpu: {} },
  };
  if (ONE_CORE) {
    if (cpus().length < 2) throw new Error('--one-core needs a second core for the load generator');
    execFileSync('taskset', ['-a', '-p', '-c', `1-${cpus().length - 1}`, String(process.pid)], { stdio: 'ignore' });
  }
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
    if (!Number.isFinite(r.pacedRate)) r.pacedRate = 200; // Hearth failed: pace the baseline at a plausible rate
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
