/**
 * Scale-out benchmark (#19): the location path of bench:location — fixes posted with a JWT,
 * stored durably, delivered on the stream to 10 watchers — with Hearth on a three-node
 * nats-server cluster (Debian's), each process as its own user, through one gateway and then
 * through two (the second alone, `hearth service gateway`; posters' requests and watchers
 * spread over both). The one-gateway run is the baseline, measured in the same run. On a
 * 2-core machine more processes cannot be faster: the figures to watch are the CPU each
 * process spends per fix, what a second gateway adds, and that every delivery is made.
 *
 *   npm run bench:scale                     a markdown table for docs/benchmarks.md
 *   BENCH_SECONDS=2 BENCH_WARMUP=1 npm run bench:scale   a quick look (defaults: 5 s, 5 s warm-up)
 *
 * Max rate only (BENCH_CONCURRENCY requests in flight, closed loop); each setup on a fresh
 * data directory, the same cluster.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import type WebSocket from 'ws';
import { OWNER } from '../support/config.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { natsServer, perProcessUsers, startCluster, type ClusterNode, type PerProcessUsers } from '../support/nats-server.ts';
import { benchGroup, closedLoop, CONCURRENCY, drain, fixes, log, metered, num, SECONDS, sleep, watch, WARMUP_S, type OnShot, type Sent, type Target } from './location-load.ts';
import { otherGatewayUrl } from '../support/gateways.ts';

const POSTERS = num('BENCH_POSTERS', 4);
const WATCHERS = 10;
const LIMITS = {
  HEARTH_GATEWAY__USER_RATE_PER_MINUTE: '1000000',
  HEARTH_GATEWAY__IP_RATE_PER_MINUTE: '1000000',
  HEARTH_GATEWAY__AUTH_RATE_PER_MINUTE: '100000',
  HEARTH_USERS__REGISTRATION: 'open',
};

/** One setup's figures: fixes/s, deliveries, errors, cores per process. */
interface Run {
  name: string;
  gateways: number;
  rate: number;
  deliveries: [number, number];
  errors: Record<string, number>;
  cpu: Record<string, number>;
}

/** Hearth on the cluster with `gateways` gateways, loaded at max rate. */
async function run(name: string, gateways: 1 | 2, nodes: ClusterNode[], users: PerProcessUsers, dir: string): Promise<Run> {
  const list = nodes.map((n) => n.url).join(',');
  const data = join(dir, `${gateways}-gateways`);
  const hearth = spawnHearth('node', ['serve', '--data', join(data, 'main'), '--http', '127.0.0.1:0', '--broker', list], { env: { ...LIMITS, ...users.hearthEnv } });
  const gw = users.users.get('gateway')!;
  const second: HearthProcess | undefined =
    gateways === 2
      ? spawnHearth('node', ['service', 'gateway', '--data', join(data, 'second'), '--http', '127.0.0.1:0'], {
          env: { ...LIMITS, HEARTH_BROKER__URL: list, HEARTH_BROKER__USER: gw.user, HEARTH_BROKER__PASSWORD: gw.password },
        })
      : undefined;
  let sockets: WebSocket[] = [];
  try {
    const { http } = await bannerOf(hearth);
    for (let i = 0; (await fetch(`${http}/readyz`)).status !== 200; i++) {
      if (i > 300) throw new Error('Hearth never became ready');
      await sleep(100);
    }
    const urls = [http];
    if (second) {
      const nc = await connect({ servers: nodes.map((n) => n.url), user: OWNER.user, pass: OWNER.password });
      urls.push(await otherGatewayUrl(nc, http, 30_000));
      await nc.close();
    }
    const ready = (await (await fetch(`${http}/readyz`)).json()) as { services: Record<string, { pid?: number }> };
    const pids: Record<string, number> = { supervisor: hearth.child.pid! };
    for (const [service, s] of Object.entries(ready.services)) if (s.pid) pids[service] = s.pid;
    if (second) pids['gateway 2'] = second.child.pid!;
    nodes.forEach((n, i) => (pids[`nats-server n${i + 1}`] = n.process.pid!));

    log(`# ${name}: ${urls.join(' and ')}; ${POSTERS} posters and ${WATCHERS} watchers join one group`);
    const { posters, watchers, groupId } = await benchGroup(http, POSTERS, WATCHERS);
    const sent = new Map<string, Sent>();
    sockets = await Promise.all(watchers.map((token, i) => watch(urls[i % urls.length]!, token, groupId, sent, [])));
    const got = () => [...sent.values()].reduce((n, e) => n + e.got, 0);
    const record: OnShot = (s, at, measured) => void sent.set(s.key, { at, measured, got: 0 });
    const targets: Target[] = urls.map((u) => ({ port: Number(new URL(u).port), agent: new Agent({ keepAlive: true }) }));
    const [max, cpu] = await metered(pids, WARMUP_S, () => closedLoop(targets, fixes(posters), record));
    await drain(got);
    for (const t of targets) t.agent.destroy();
    log(`  ${max.rate.toFixed(0)} fixes/s; deliveries ${got()} / ${sent.size * WATCHERS}`);
    return { name, gateways, rate: max.rate, deliveries: [got(), sent.size * WATCHERS], errors: max.errors, cpu };
  } catch (e) {
    log(`  hearth's output ends:\n${hearth.output().slice(-3000)}${second ? `\n  the second gateway's:\n${second.output().slice(-2000)}` : ''}`);
    throw e;
  } finally {
    for (const ws of sockets) ws.terminate();
    await second?.stop('SIGTERM');
    await hearth.stop('SIGTERM');
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : '—');

function markdown(runs: Run[], machine: string, command: string): string {
  const base = runs[0]!;
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.cpu)))].filter((n) => n !== 'whole machine');
  const perFix = (r: Run, name: string) => ((r.cpu[name] ?? NaN) / r.rate) * 1000;
  return [
    `Machine: ${machine}.`,
    `Command: \`${command}\`. A three-node nats-server cluster on loopback, every Hearth process as its own user; ${POSTERS} posting users and ${WATCHERS} watching (spread over the gateways), one group; ${CONCURRENCY} requests in flight (spread over the gateways); ${SECONDS} s after a ${WARMUP_S} s warm-up.`,
    '',
    '| Setup | fixes answered 200 per s | against 1 gateway | machine CPU per fix, ms | deliveries / expected | errors |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...runs.map((r) => `| ${r.name} | ${f0(r.rate)} | ${f2(r.rate / base.rate)}× | ${f2(perFix(r, 'whole machine'))} | ${f0(r.deliveries[0])} / ${f0(r.deliveries[1])} | ${Object.entries(r.errors).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none'} |`),
    '',
    'CPU per fix, in ms, by process ("bench" is the load generator and the watchers):',
    '',
    `| Setup | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...runs.map((r) => `| ${r.name} | ${names.map((n) => f2(perFix(r, n))).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  if (!natsServer) throw new Error('bench:scale needs nats-server (apt-get install nats-server)');
  const env = ['BENCH_SECONDS', 'BENCH_WARMUP', 'BENCH_CONCURRENCY', 'BENCH_POSTERS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
  const command = `${env.join('')}npm run bench:scale`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; load average ${loadavg()[0]!.toFixed(2)} at the start`;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-scale-bench-'));
  const conf = join(dir, 'hearth.conf');
  writeFileSync(conf, `data: "${join(dir, 'data')}"\n`);
  let nodes: ClusterNode[] = [];
  const runs: Run[] = [];
  try {
    const users = await perProcessUsers(conf);
    nodes = await startCluster(join(dir, 'cluster'), users.block, users.serverEnv);
    runs.push(await run('1 gateway', 1, nodes, users, dir));
    runs.push(await run('2 gateways', 2, nodes, users, dir));
  } finally {
    for (const n of nodes) n.process.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${markdown(runs, machine, command)}\n`);
}

await main();
