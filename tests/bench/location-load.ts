/**
 * The load generator of the location benchmarks (bench:location, bench:scale): fixes posted
 * over keep-alive HTTP with a JWT, in a closed loop (CONCURRENCY in flight) or paced; watchers
 * on the WebSocket stream that count each fix by its `fixAt`; the CPU of each process and of
 * the whole machine over a phase; the setup calls. BENCH_SECONDS, BENCH_WARMUP and
 * BENCH_CONCURRENCY set the phases.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { cpuSeconds } from './proc-stats.ts';

export const num = (name: string, dflt: number): number => Number(process.env[name]) || dflt;
export const SECONDS = num('BENCH_SECONDS', 5);
export const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
// JIT warm-up: a fresh Hearth takes ~5 s at full load to reach a steady rate, the bare handler ~2 s.
export const WARMUP_S = num('BENCH_WARMUP', 5);
export const PACED_WARMUP_S = 1; // the paced phases follow a max-rate phase: already warm
export const log = (line: string): void => void process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = (): number => performance.now();

/** A server to load: its port and the keep-alive agent to reach it with. */
export type Target = { port: number; agent: Agent };
/** One request: its body, its bearer token, and the fix's `fixAt` (its key on the stream). */
export type Shot = { body: string; token: string; key: string };
/** Called as each request starts: `at` is its (scheduled) start; `measured`: outside the warm-up. */
export type OnShot = (s: Shot, at: number, measured: boolean) => void;
/** A fix sent to Hearth: when, whether it counts, and how many watchers have it. */
export type Sent = { at: number; measured: boolean; got: number };
/** Latencies in ms. */
export type Pct = { p50: number; p99: number; n: number };
export function post(t: Target, s: Shot): Promise<number | string> {
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

/** Fixes 1 ms apart from ten minutes ago: unique per device, inside retention, never in the future. */
export function fixes(tokens: string[]): (slot: number) => Shot {
  const base = Date.now() - 600_000;
  let k = 0;
  return (slot) => {
    const key = new Date(base + ++k).toISOString();
    const body = JSON.stringify({ lat: 52.52 + (k % 1000) * 1e-5, lon: 13.405, timestamp: key, accuracy: 10, battery: 80, device: `bench-${slot}` });
    return { body, token: tokens[slot % tokens.length]!, key };
  };
}

export const count = (errors: Record<string, number>, status: number | string): void => void (errors[status] = (errors[status] ?? 0) + 1);

/**
 * Closed loop: CONCURRENCY requests in flight; the rate of 200s completed after the warm-up.
 * With several targets (gateways), slot i posts to target i modulo their number.
 */
export async function closedLoop(to: Target | readonly Target[], shot: (slot: number) => Shot, onShot: OnShot = () => {}) {
  const targets = Array.isArray(to) ? to : [to as Target];
  const from = now() + WARMUP_S * 1000;
  const until = from + SECONDS * 1000;
  const errors: Record<string, number> = {};
  const perSecond = new Array<number>(WARMUP_S + SECONDS).fill(0);
  const slot = async (i: number) => {
    while (now() < until) {
      const s = shot(i);
      onShot(s, now(), false);
      const status = await post(targets[i % targets.length]!, s);
      const done = now();
      if (done < until) status === 200 ? perSecond[Math.floor((done - from) / 1000) + WARMUP_S]!++ : count(errors, status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => slot(i)));
  log(`  per second (warm-up first): ${perSecond.join(' ')}`);
  return { rate: perSecond.slice(WARMUP_S).reduce((a, b) => a + b, 0) / SECONDS, errors };
}

/**
 * Open loop at `rate`/s. A latency counts from the request's scheduled start when it went
 * out late, so a sender held up cannot hide a stall, and from its send when a timer fired early.
 */
export async function paced(t: Target, rate: number, shot: (slot: number) => Shot, onShot: OnShot = () => {}) {
  const start = now() + 5;
  const acks: number[] = [];
  const errors: Record<string, number> = {};
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < Math.round(rate * (PACED_WARMUP_S + SECONDS)); i++) {
    const at = start + (i * 1000) / rate;
    if (at - now() >= 1) await sleep(at - now());
    const s = shot(i % CONCURRENCY);
    const [from, measured] = [Math.min(at, now()), at >= start + PACED_WARMUP_S * 1000];
    onShot(s, from, measured);
    inflight.push(post(t, s).then((status) => (status !== 200 ? count(errors, status) : void (measured && acks.push(now() - from)))));
  }
  await Promise.all(inflight);
  return { acks: pct(acks), errors };
}

export function pct(xs: number[]): Pct {
  const s = xs.sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

/** Busy and total jiffies of the whole machine (/proc/stat's first line; idle and iowait are its 4th and 5th numbers). */
export function machineJiffies(): [number, number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return [total - f[3]! - f[4]!, total];
}

/** Starts a meter; the function it returns gives the cores each process, this one and the whole machine used since. */
export function cpuMeter(pids: Record<string, number>) {
  const read = () => ({ t: now(), self: process.cpuUsage(), machine: machineJiffies(), procs: Object.values(pids).map(cpuSeconds) });
  const a = read();
  return (): Record<string, number> => {
    const b = read();
    const wall = (b.t - a.t) / 1000;
    const out: Record<string, number> = {};
    Object.keys(pids).forEach((name, i) => (out[name] = (b.procs[i]! - a.procs[i]!) / wall));
    out['bench (load + watchers)'] = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6 / wall;
    out['whole machine'] = ((b.machine[0] - a.machine[0]) / (b.machine[1] - a.machine[1])) * cpus().length;
    return out;
  };
}

/** Runs a load, metering CPU from the end of its warm-up to its end. */
export async function metered<T>(pids: Record<string, number>, warmupS: number, load: () => Promise<T>): Promise<[T, Record<string, number>]> {
  let stop: (() => Record<string, number>) | undefined;
  const timer = setTimeout(() => (stop = cpuMeter(pids)), warmupS * 1000);
  const out = await load();
  clearTimeout(timer);
  return [out, stop?.() ?? {}];
}

/** A setup call; a 503 (a service still starting, or slow under load) is tried again. */
export async function api(http: string, path: string, body: unknown, token?: string, tries = 5): Promise<any> {
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(http + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status === 503 && tries > 1) return sleep(1000).then(() => api(http, path, body, token, tries - 1));
  if (res.status >= 300) throw Object.assign(new Error(`${path}: ${res.status} ${text}`), { status: res.status });
  return text ? JSON.parse(text) : undefined;
}

export async function signUp(http: string, name: string): Promise<string> {
  const [email, password] = [`${name}@bench.home`, `${name} has a long password`];
  try {
    await api(http, '/v1/auth/register', { email, password, displayName: name });
  } catch (e) {
    if ((e as { status?: number }).status !== 409) throw e; // 409: a retried registration whose first try went through
  }
  return (await api(http, '/v1/auth/login', { email, password })).accessToken;
}

/** Waits until deliveries stop growing for a second (at most 30 s). */
export async function drain(count: () => number): Promise<void> {
  for (let i = 0, last = -1; i < 30 && count() !== last; i++) {
    last = count();
    await sleep(1000);
  }
}

/** Opens a watcher's stream; resolves at `ready`. Counts each fix it sees and times the measured ones. */
export function watch(http: string, token: string, groupId: string, sent: Map<string, Sent>, delivered: number[]): Promise<WebSocket> {
  const ws = new WebSocket(`${http.replace('http', 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const s = String(data);
      const i = s.indexOf('"fixAt":"');
      if (i < 0) {
        if (s.includes('"type":"ready"')) (s.includes(groupId) ? resolve(ws) : reject(new Error(`ready without the group: ${s}`)));
        return;
      }
      const e = sent.get(s.slice(i + 9, i + 33));
      if (!e) return;
      e.got++;
      if (e.measured) delivered.push(now() - e.at);
    });
  });
}


/**
 * The benchmark's family on Hearth at `http`: `posters` users who post and `watchers` who
 * watch, all in one group, returned once the location service knows every poster is in it
 * (it learns memberships from the users service's log, a moment after the API answers).
 */
export async function benchGroup(http: string, posters: number, watchers: number): Promise<{ posters: string[]; watchers: string[]; groupId: string }> {
  const out = { posters: [] as string[], watchers: [] as string[] };
  for (let i = 0; i < posters; i++) out.posters.push(await signUp(http, `poster${i}`));
  for (let i = 0; i < watchers; i++) out.watchers.push(await signUp(http, `watcher${i}`));
  const owner = out.posters[0]!;
  const groupId: string = (await api(http, '/v1/groups', { name: 'Bench' }, owner)).id;
  for (const token of [...out.posters.slice(1), ...out.watchers]) {
    const { code } = await api(http, `/v1/groups/${groupId}/invites`, {}, owner);
    await api(http, `/v1/invites/${code}/accept`, {}, token);
  }
  const setupFix = { lat: 52.5, lon: 13.4, timestamp: new Date(Date.now() - 700_000).toISOString(), device: 'setup' };
  for (const token of out.posters) {
    for (let i = 0; (await api(http, '/v1/locations', setupFix, token)).groups.length !== 1; i++) {
      if (i > 300) throw new Error('a poster never came to share with the group');
      await sleep(100);
    }
  }
  return { ...out, groupId };
}
