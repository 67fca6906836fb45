/**
 * Replication benchmark: what continuous replication costs the family's writes. The same
 * appliance (`hearth serve` under Node, every built-in service) runs without replication and
 * with Litestream replicating every database to a folder at the default 1 s interval,
 * alternately (off, on, off, on …), and in each run BENCH_POSTERS members send chat messages
 * back to back for BENCH_SECONDS; each `POST /v1/groups/:id/messages` is timed to its 201
 * (committed in chat.db with its event). Not a test: it prints a markdown table for
 * docs/benchmarks.md (or JSON) and exits 0 if anything was measured.
 *
 *   npm run bench:replication                  the table
 *   npm run -s bench:replication -- --json     the same as JSON
 *   BENCH_SECONDS=5 BENCH_ROUNDS=1 npm run bench:replication   a quick look (defaults: 15 s, 2 rounds)
 *
 * With replication on it also reports the largest lag /readyz showed (polled every 250 ms)
 * and Litestream's memory and CPU time over the run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { serveAppliance } from '../support/appliance.ts';
import { call, getJson } from '../support/http.ts';

const num = (name: string, dflt: number): number => Number(process.env[name]) || dflt;
const SECONDS = num('BENCH_SECONDS', 15);
const ROUNDS = num('BENCH_ROUNDS', 2);
const POSTERS = num('BENCH_POSTERS', 4);
const asJson = process.argv.includes('--json');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Run {
  replication: boolean;
  messages: number;
  perSecond: number;
  latenciesMs: number[];
  maxLagS?: number;
  litestreamRssMiB?: number;
  litestreamCpuS?: number;
}

const procRss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const procCpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(replication: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-replication-'));
  const extra = `users { registration: "open" }\nsupervisor { health_interval_ms: 250 }\n${replication ? `replication { url: "file://${join(dir, 'replica')}" }` : ''}`;
  const s = await serveAppliance(extra, { data: join(dir, 'data') });
  try {
    const people: User[] = [];
    for (let i = 0; i < POSTERS; i++) people.push(await signUp(s, `Member${i}`));
    const group = await makeGroup(s, people[0]!, 'Family');
    for (const p of people.slice(1)) await joinGroup(s, group, people[0]!, p);
    const pid = replication ? ((await getJson(`${s.url}/readyz`)).body.replication.litestream.pid as number) : 0;
    const cpu0 = pid ? procCpu(pid) : 0;
    const latencies: number[] = [];
    let maxLag = 0;
    let stop = false;
    const poller = (async () => {
      while (replication && !stop) {
        const r = (await getJson(`${s.url}/readyz`)).body.replication;
        for (const d of Object.values(r.databases) as { lagSeconds: number }[]) maxLag = Math.max(maxLag, d.lagSeconds);
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const started = performance.now();
    const end = started + SECONDS * 1000;
    await Promise.all(people.map(async (p, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const t = performance.now();
        const r = await call(s, 'POST', `/v1/groups/${group}/messages`, { token: p.token, body: { text: `message ${i}.${n}`, txnId: randomUUID() } });
        if (r.status === 201) latencies.push(performance.now() - t);
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    stop = true;
    await poller;
    return {
      replication,
      messages: latencies.length,
      perSecond: latencies.length / elapsed,
      latenciesMs: latencies.sort((a, b) => a - b),
      ...(pid ? { maxLagS: maxLag, litestreamRssMiB: procRss(pid), litestreamCpuS: procCpu(pid) - cpu0 } : {}),
    };
  } finally {
    await s.hearth.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const replication of [false, true]) {
    log(`round ${round + 1}/${ROUNDS}: replication ${replication ? 'on' : 'off'} …`);
    runs.push(await run(replication));
  }
}

const merged = (on: boolean) => {
  const rs = runs.filter((r) => r.replication === on);
  const lat = rs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  return {
    messages: lat.length,
    perSecond: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    p99: pct(lat, 99),
    max: lat.at(-1) ?? NaN,
    maxLagS: Math.max(...rs.map((r) => r.maxLagS ?? 0)),
    rss: Math.max(...rs.map((r) => r.litestreamRssMiB ?? 0)),
    cpuPerS: rs.reduce((a, r) => a + (r.litestreamCpuS ?? 0), 0) / (rs.length * SECONDS),
  };
};
const off = merged(false);
const on = merged(true);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(1)} at the end, Node ${process.version}`;

if (asJson) {
  process.stdout.write(JSON.stringify({ machine, seconds: SECONDS, rounds: ROUNDS, posters: POSTERS, off, on }, null, 2) + '\n');
} else {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  process.stdout.write(
    [
      `Chat messages sent back to back by ${POSTERS} members, ${SECONDS} s × ${ROUNDS} rounds each way, alternating (${machine}).`,
      '',
      '| | replication off | replication on (folder, 1 s) | on / off |',
      '| --- | --- | --- | --- |',
      `| messages/s | ${f(off.perSecond)} | ${f(on.perSecond)} | ${f(on.perSecond / off.perSecond, 2)} |`,
      `| p50 ms | ${f(off.p50)} | ${f(on.p50)} | ${f(on.p50 / off.p50, 2)} |`,
      `| p95 ms | ${f(off.p95)} | ${f(on.p95)} | ${f(on.p95 / off.p95, 2)} |`,
      `| p99 ms | ${f(off.p99)} | ${f(on.p99)} | ${f(on.p99 / off.p99, 2)} |`,
      `| max ms | ${f(off.max)} | ${f(on.max)} | |`,
      `| messages | ${off.messages} | ${on.messages} | |`,
      '',
      `With replication on: largest lag in /readyz ${f(on.maxLagS)} s; Litestream at most ${f(on.rss)} MiB resident, ${f(on.cpuPerS * 100)} % of a core.`,
      '',
    ].join('\n'),
  );
}
