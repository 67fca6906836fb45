/**
 * Backups under load (#15): do requests stall while a backup runs? A real appliance
 * (`hearth serve` under Node, tests/support/appliance.ts) holds a family's data — five
 * members in one group, BENCH_FIXES location fixes over the past week and BENCH_MESSAGES
 * chat messages — and this process sends a steady open-loop stream of API requests
 * (BENCH_RATE per second: 40 % location posts, 20 % chat posts, 20 % chat history pages,
 * 20 % live views), each timed from its scheduled start to its answer, so a stall counts
 * for every request that should have started during it. Three phases, in turn, for
 * BENCH_ROUNDS rounds (the machine's other load drifts; each phase sees the same drift):
 *   1. baseline: no backup;
 *   2. `hearth backup` as an owner runs it: one child process after another for the phase;
 *   3. writeBackup in one long-lived child, one backup after another: the backup's own
 *      work without a process start, its snapshots and its archive timed apart, so each
 *      request is also counted in the window it started in (snapshots or archive).
 * It prints p50/p99/max and the ratio of each to the baseline's. Not a test: it exits 0
 * when it measured anything. A quick look: BENCH_SECONDS=8 BENCH_ROUNDS=1 BENCH_FIXES=2000 BENCH_MESSAGES=200.
 *
 *   npm run bench:backup                 markdown for docs/benchmarks.md
 *   BENCH_RATE=80 npm run bench:backup   a heavier stream (default 40/s; a family makes ~1/s)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUILT_IN_SERVICES } from '../../src/contracts/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { writeBackup } from '../../src/supervisor/index.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { serveAppliance } from '../support/appliance.ts';
import { OPEN_API } from '../support/config.ts';
import { hearthCommand } from '../support/hearth-process.ts';
import { call } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';

const num = (name: string, dflt: number): number => Number(process.env[name]) || dflt;
const SECONDS = num('BENCH_SECONDS', 15);
const ROUNDS = num('BENCH_ROUNDS', 3);
const RATE = num('BENCH_RATE', 40);
const FIXES = num('BENCH_FIXES', 20_000);
const MESSAGES = num('BENCH_MESSAGES', 2_000);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One answered (or failed) request: when it was due, how long it took, whether it was 2xx. */
type Sample = { at: number; ms: number; ok: boolean; kind: string };
/** A stretch of time during which something ran (a backup, or one of its windows). */
type Window = { from: number; to: number; label: string };

async function main(): Promise<void> {
  log(`backup bench: ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${FIXES} fixes, ${MESSAGES} messages, ${RATE} requests/s, ${SECONDS} s phases`);
  const served = await serveAppliance(`${OPEN_API}\nlog { level: "warn" }`);
  const configFile = join(served.dir, 'hearth.conf');
  const out = mkdtempSync(join(tmpdir(), 'hearth-backup-bench-'));
  try {
    const h = { url: served.url };
    const fam = await family(h);
    await seed(h, fam);
    const size = readdirSync(served.data).filter((f) => f.endsWith('.db') || f.endsWith('-wal')).reduce((n, f) => n + statSync(join(served.data, f)).size, 0);
    log(`seeded: data directory ${(size / 2 ** 20).toFixed(1)} MiB`);
    const load = new Load(h, fam);

    const names = ['baseline (no backup)', '`hearth backup`, one after another', 'writeBackup in a long-lived process, one after another'] as const;
    const phases = names.map((name) => ({ name, samples: [] as Sample[], windows: [] as Window[], notes: [] as string[], rounds: [] as Sample[][] }));
    const loop = new BackupLoop(configFile, out);
    await loop.ready;
    await load.run(Date.now() + 5000); // warm-up
    // Rounds of the three phases in turn: the machine's other load drifts, and each phase sees the same drift.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, during] of [idle, (u: number) => cliBackups(configFile, out, u), (u: number) => loop.run(u)].entries()) {
        log(`round ${round}/${ROUNDS}: ${names[i]}`);
        const until = Date.now() + SECONDS * 1000;
        const [samples, extra] = await Promise.all([load.run(until), during(until)]);
        phases[i]!.samples.push(...samples);
        phases[i]!.rounds.push(samples);
        phases[i]!.windows.push(...extra.windows);
        phases[i]!.notes.push(...extra.times);
      }
    }
    loop.close();
    await served.hearth.stop('SIGTERM');
    report(phases.map((p) => ({ ...p, note: summarise(p.name, p.notes) })), size);
  } finally {
    await served.hearth.stop('SIGKILL');
    rmSync(out, { recursive: true, force: true });
    rmSync(served.dir, { recursive: true, force: true });
  }
}

/** Five members in one group, once the location service knows them all. */
async function family(h: { url: string }): Promise<{ users: User[]; group: string }> {
  const users: User[] = [];
  for (const n of ['Ann', 'Bo', 'Cy', 'Di', 'Ed']) users.push(await signUp(h, n));
  const group = await makeGroup(h, users[0]!);
  for (const u of users.slice(1)) await joinGroup(h, group, users[0]!, u);
  await waitFor('location knows the family', async () => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: users[0]!.token });
    return r.status === 200 && r.body.members.length === users.length;
  }, 30_000);
  return { users, group };
}

/** A week of fixes (batches of 100) and a chat history, four requests at a time; a 5xx is tried again (a loaded machine). */
async function seed(h: { url: string }, fam: { users: User[]; group: string }): Promise<void> {
  const started = Date.now();
  const week = 7 * 86_400_000;
  const jobs: (() => Promise<void>)[] = [];
  const perUser = Math.ceil(FIXES / fam.users.length);
  fam.users.forEach((u, ui) => {
    for (let i = 0; i < perUser; i += 100) {
      const fixes = Array.from({ length: Math.min(100, perUser - i) }, (_, k) => ({
        lat: 52.5 + ui * 0.01 + Math.sin((i + k) / 50) * 0.01,
        lon: 13.4 + Math.cos((i + k) / 50) * 0.01,
        timestamp: new Date(started - week + ((i + k) / perUser) * (week - 60_000)).toISOString(),
        accuracy: 12,
        battery: 80,
        device: `phone-${ui}`,
      }));
      jobs.push(() => expect2xx(() => call(h, 'POST', '/v1/locations', { token: u.token, body: { fixes } }), 'seed fixes'));
    }
  });
  for (let i = 0; i < MESSAGES; i++) {
    const u = fam.users[i % fam.users.length]!;
    jobs.push(() => expect2xx(() => call(h, 'POST', `/v1/groups/${fam.group}/messages`, { token: u.token, body: { text: `Seed message ${i}: who is picking up the kids today? 🚗`, txnId: `seed-${i}` } }), 'seed message'));
  }
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
  log(`seeded ${FIXES} fixes and ${MESSAGES} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function expect2xx(send: () => Promise<{ status: number; text: string }>, what: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    const r = await send();
    if (r.status < 300) return;
    if (r.status < 500 || tries === 5) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
    await sleep(1000);
  }
}

/** The steady stream: open loop at RATE/s, node:http with keep-alive (as the location bench). */
class Load {
  readonly #port: number;
  readonly #fam: { users: User[]; group: string };
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  #n = 0;

  constructor(h: { url: string }, fam: { users: User[]; group: string }) {
    this.#port = Number(new URL(h.url).port);
    this.#fam = fam;
  }

  /** Sends requests on schedule until `until`; resolves with every sample once all are answered. */
  async run(until: number): Promise<Sample[]> {
    const samples: Sample[] = [];
    const pending: Promise<void>[] = [];
    const gap = 1000 / RATE;
    for (let due = Date.now(); due < until; due += gap) {
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      pending.push(this.#one(due).then((s) => void samples.push(s)));
    }
    await Promise.all(pending);
    return samples;
  }

  #one(due: number): Promise<Sample> {
    const n = this.#n++;
    const u = this.#fam.users[n % this.#fam.users.length]!;
    const g = this.#fam.group;
    const pick = n % 5;
    const [kind, method, path, body] =
      pick <= 1 ? ['location post', 'POST', '/v1/locations', { lat: 52.52 + (n % 100) * 1e-4, lon: 13.405, timestamp: new Date().toISOString(), accuracy: 10, device: `phone-${n % 5}` }]
      : pick === 2 ? ['chat post', 'POST', `/v1/groups/${g}/messages`, { text: `On my way (${n})`, txnId: `load-${process.pid}-${n}` }]
      : pick === 3 ? ['chat history', 'GET', `/v1/groups/${g}/messages`, undefined]
      : ['live view', 'GET', `/v1/groups/${g}/live`, undefined];
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const done = (ok: boolean) => resolve({ at: due, ms: Date.now() - due, ok, kind: kind as string });
      const headers: Record<string, string | number> = { authorization: `Bearer ${u.token}` };
      if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      const req = request({ host: '127.0.0.1', port: this.#port, path, method, agent: this.#agent, headers, timeout: 60_000 }, (res) => {
        res.resume();
        res.on('end', () => done((res.statusCode ?? 0) < 300));
      });
      req.on('error', () => done(false));
      req.end(text);
    });
  }
}

/** No backup: the phase just waits. */
async function idle(until: number): Promise<{ windows: Window[]; times: string[] }> {
  await sleep(until - Date.now());
  return { windows: [], times: [] };
}

/** `hearth backup` as an owner runs it, one after another until `until`; each one's time (process start included). */
async function cliBackups(configFile: string, out: string, until: number): Promise<{ windows: Window[]; times: string[] }> {
  const windows: Window[] = [];
  for (let i = 0; Date.now() < until; i++) {
    const file = join(out, `cli-${i}.tar.gz`);
    const from = Date.now();
    const [cmd, ...args] = hearthCommand('node', ['backup', '--config', configFile, '--out', file]);
    const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`hearth backup exited ${code}: ${err}`);
    windows.push({ from, to: Date.now(), label: 'hearth backup' });
    archiveBytes = statSync(file).size;
    rmSync(file);
  }
  return { windows, times: windows.map((w) => `cli ${w.to - w.from}`) };
}

/** Size of the last archive written. */
let archiveBytes = 0;

/**
 * writeBackup in one long-lived child (this file with `--backup-loop`), started once: each
 * `run(until)` has it write backups one after another until then, and reads the windows of
 * each (its snapshots, then its archive) from its output.
 */
class BackupLoop {
  readonly ready: Promise<void>;
  readonly #child;
  #buffer = '';
  #waiter: ((lines: string[]) => void) | undefined;
  #lines: string[] = [];

  constructor(configFile: string, out: string) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--backup-loop', configFile, out], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.ready = new Promise((resolve) => (this.#waiter = () => resolve()));
    this.#child.stdout!.on('data', (b: Buffer) => {
      this.#buffer += b;
      let nl;
      while ((nl = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        if (line === 'ready' || line === 'done') {
          const w = this.#waiter;
          this.#waiter = undefined;
          w?.(this.#lines.splice(0));
        } else this.#lines.push(line);
      }
    });
  }

  async run(until: number): Promise<{ windows: Window[]; times: string[] }> {
    const lines = new Promise<string[]>((r) => (this.#waiter = r));
    this.#child.stdin!.write(`${until}\n`);
    const windows: Window[] = [];
    const times: string[] = [];
    for (const line of await lines) {
      const b = JSON.parse(line) as { from: number; copied: number; to: number };
      windows.push({ from: b.from, to: b.copied, label: 'snapshots' }, { from: b.copied, to: b.to, label: 'archive' });
      times.push(`snapshots ${b.copied - b.from}`, `archive ${b.to - b.copied}`);
    }
    return { windows, times };
  }

  close(): void {
    this.#child.stdin!.end();
  }
}

/** The child of BackupLoop: for each line (a time), backups one after another until then; one line of JSON each, then `done`. */
async function backupLoop(configFile: string, out: string): Promise<void> {
  const { config } = loadConfig(['--config', configFile]);
  process.stdout.write('ready\n');
  let i = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const until = Number(line);
    while (Date.now() < until) {
      const file = join(out, `loop-${i++}.tar.gz`);
      const from = Date.now();
      let copied = from;
      await writeBackup({ config, services: BUILT_IN_SERVICES, out: file, onProgress: (p) => void (p.done === p.total && (copied = Date.now())) });
      process.stdout.write(`${JSON.stringify({ from, copied, to: Date.now() })}\n`);
      rmSync(file);
    }
    process.stdout.write('done\n');
  }
}

/** "N backups: … each" from the times a phase collected ("<what> <ms>"). */
function summarise(name: string, times: string[]): string {
  const by = new Map<string, number[]>();
  for (const t of times) {
    const [what, ms] = t.split(' ');
    by.set(what!, [...(by.get(what!) ?? []), Number(ms)]);
  }
  if (!by.size) return '';
  const parts = [...by].map(([what, ms]) => `${what === 'cli' ? 'each' : what} ${describe(ms)}`);
  const n = (by.get('cli') ?? by.get('snapshots') ?? []).length;
  return `${n} backups; ${parts.join(', ')}${by.has('cli') ? ' (process start included)' : ''}; archive ${(archiveBytes / 2 ** 20).toFixed(1)} MiB`;
}

function describe(ms: number[]): string {
  if (!ms.length) return 'none';
  const s = [...ms].sort((a, b) => a - b);
  return `median ${(s[Math.floor(s.length / 2)]! / 1000).toFixed(2)} s (${(s[0]! / 1000).toFixed(2)}–${(s.at(-1)! / 1000).toFixed(2)})`;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

function stats(samples: Sample[]): { n: number; errors: number; p50: number; p99: number; max: number } {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { n: samples.length, errors: samples.filter((s) => !s.ok).length, p50: pct(ms, 50), p99: pct(ms, 99), max: ms.at(-1) ?? NaN };
}

function report(phases: { name: string; samples: Sample[]; windows: Window[]; note: string; rounds: Sample[][] }[], dataBytes: number): void {
  const base = stats(phases[0]!.samples);
  const ratio = (x: number, b: number) => (b > 0 ? `×${(x / b).toFixed(2)}` : '—');
  const rows: string[] = [];
  const row = (name: string, s: ReturnType<typeof stats>) =>
    rows.push(`| ${name} | ${s.n} | ${s.errors} | ${s.p50} | ${s.p99} | ${s.max} | ${ratio(s.p50, base.p50)} | ${ratio(s.p99, base.p99)} | ${ratio(s.max, base.max)} |`);
  for (const ph of phases) {
    row(ph.name, stats(ph.samples));
    // Each request in the window it started in.
    const labels = [...new Set(ph.windows.map((w) => w.label))];
    if (labels.length > 1) {
      for (const label of labels) {
        const inside = ph.samples.filter((s) => ph.windows.some((w) => w.label === label && s.at >= w.from && s.at < w.to));
        row(`  … started during its ${label}`, stats(inside));
      }
    }
  }
  const kinds = [...new Set(phases[0]!.samples.map((s) => s.kind))];
  const byKind = kinds.map((k) => `| ${k} | ${phases.map((ph) => stats(ph.samples.filter((s) => s.kind === k)).p99).join(' | ')} |`);
  const notes = phases.filter((p) => p.note).map((p) => `- ${p.name}: ${p.note}`);
  const byRound = phases.map((p) => `| ${p.name} | ${p.rounds.map((r) => { const x = stats(r); return `${x.p50} / ${x.p99}`; }).join(' | ')} |`);
  process.stdout.write(`
### Backups under load (\`npm run bench:backup\`)

${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}; Node ${process.version}.
A family of 5, ${FIXES} fixes and ${MESSAGES} messages seeded (data directory ${(dataBytes / 2 ** 20).toFixed(1)} MiB);
${RATE} requests/s, open loop, ${ROUNDS} rounds of ${SECONDS} s per phase; latency from each request's scheduled start, in ms.

| phase | requests | errors | p50 | p99 | max | p50 vs baseline | p99 vs baseline | max vs baseline |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

p50 / p99 in each round, ms (the rounds ran one after another; the machine's other load moves them):

| phase | ${phases[0]!.rounds.map((_, i) => `round ${i + 1}`).join(' | ')} |
| --- | ${phases[0]!.rounds.map(() => '---').join(' | ')} |
${byRound.join('\n')}

p99 by request, ms:

| request | ${phases.map((p) => p.name).join(' | ')} |
| --- | ${phases.map(() => '---').join(' | ')} |
${byKind.join('\n')}

${notes.join('\n')}
`);
}

// Last: the class above must be initialised before main() runs.
if (process.argv[2] === '--backup-loop') await backupLoop(process.argv[3]!, process.argv[4]!);
else await main();
