/**
 * The disaster drill's pieces (docs/operations.md, "The disaster drill"), shared by
 * tests/platform/drill.test.ts, tests/platform/standby.test.ts and tests/bench/drill.bench.ts:
 * a `hearth serve` replicating with Litestream to a file target, in a process group of its
 * own so that one SIGKILL takes the supervisor, every service and Litestream at once (a
 * power cut); a family writing chat messages and location fixes through the API, each
 * acknowledged write recorded with its time; and what a copy of the databases holds of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { call } from './http.ts';
import { family } from './family.ts';
import type { User } from './accounts.ts';
import { sql } from './database.ts';
import { hearthCommand, spawnHearth, type HearthProcess, type HearthRuntime } from './hearth-process.ts';
import { freePort } from './net.ts';
import { sleep, waitFor } from './poll.ts';

/** `replication.sync_interval_ms` in the drill. */
export const SYNC_MS = 500;
/**
 * How long before the kill a write may be acknowledged and still lost: the sync interval,
 * plus Litestream's look at the WAL once a second (v0.3.13's DefaultMonitorInterval, which
 * Hearth does not change), plus 1.5 s of margin for a loaded 2-core CI machine.
 */
export const WINDOW_MS = SYNC_MS + 1000 + 1500;

/** Writes a configuration for a Hearth on `data` at `http`, replicating to `replica` (a directory) unless it is ''. */
export function drillConfig(dir: string, o: { name: string; data: string; http: string; replica: string; extra?: string }): string {
  const file = join(dir, `${o.name}.conf`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `data: "${o.data}"
http: "${o.http}"
# the family's URL, the same on every machine that serves them (access tokens name it)
public_url: "https://hearth.family.test"
broker { port: -1, websocket { port: -1 } }
users { registration: "open" }
gateway { user_rate_per_minute: 1000000, ip_rate_per_minute: 1000000, auth_rate_per_minute: 100000 }
supervisor { ready_timeout_ms: 120000 }
log { format: "json" }
replication { url: "${o.replica ? replicaUrl(o.replica) : ''}", sync_interval_ms: ${SYNC_MS} }
${o.extra ?? ''}
`,
  );
  return file;
}

/** The file:// URL of a replica directory. */
export function replicaUrl(dir: string): string {
  return pathToFileURL(dir).href;
}

/** An HTTP address on a port free a moment ago (a standby and its promoted primary share it). */
export async function freeHttp(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

/** A `hearth <args>` (on Node unless told) in a process group of its own (its pid is the group's id). */
export function spawnGroup(args: string[], rt: HearthRuntime = 'node'): HearthProcess {
  return spawnHearth({ binary: 'setsid' }, hearthCommand(rt, args));
}

/** Waits until `http`'s /readyz answers 200; resolves with the ms it took from `since`. */
export async function whenReady(http: string, since: number, timeoutMs = 120_000): Promise<number> {
  await waitFor(`${http}/readyz 200`, async () => (await fetch(`http://${http}/readyz`).then((r) => r.status, () => 0)) === 200, { timeoutMs, everyMs: 25 });
  return Date.now() - since;
}

/**
 * The process groups of the appliance serving at `http`: the supervisor's (`pgid`, with its
 * services) and Litestream's, which runs in a group of its own so that a Ctrl+C reaches it
 * after the services (and which, left alone, would be stopped gently when the supervisor
 * dies, shipping the last writes: no power cut does that).
 */
export async function applianceGroups(http: string, pgid: number): Promise<number[]> {
  const litestream = await waitFor('Litestream\'s pid in /readyz', async () => {
    const r = await fetch(`http://${http}/readyz`).then((x) => x.json() as Promise<{ replication?: { litestream?: { pid?: number } } }>);
    return r.replication?.litestream?.pid;
  }, 30_000);
  return [pgid, litestream];
}

/** SIGKILLs every process of the groups `pgids` at once (a power cut) and waits until all are gone; resolves with the moment. */
export async function killGroup(...pgids: number[]): Promise<number> {
  const at = Date.now();
  for (const g of pgids) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // that group is gone already
    }
  }
  await waitFor(`process groups ${pgids.join(', ')} to be gone`, () => pgids.every((g) => {
    try {
      process.kill(-g, 0);
      return false;
    } catch {
      return true;
    }
  }), 10_000);
  return at;
}

/** An acknowledged write: what identifies it in the databases, and when its 2xx arrived. */
export interface Acked {
  kind: 'chat' | 'fix';
  key: string;
  at: number;
}

/** A family (Ann writes chat, Bo sends fixes) on a Hearth at `url`. */
export async function drillFamily(url: string): Promise<{ ann: User; bo: User; group: string }> {
  const { users: [ann, bo], group } = await family({ url }, ['Ann', 'Bo']);
  return { ann: ann!, bo: bo!, group };
}

/** Writes through the API until stopped: Ann's chat messages and Bo's location fixes, recording each acknowledged one. */
export class Workload {
  readonly acked: Acked[] = [];
  #stop = false;
  #loops: Promise<void>[] = [];

  /** Starts writing to `url` as `who`. Fix times count up from 30 min ago in steps of 100 ms (each one new). */
  start(url: string, who: { ann: User; bo: User; group: string }, prefix = 'drill'): void {
    const base = Date.now() - 30 * 60_000;
    const loop = async (kind: Acked['kind']) => {
      for (let i = 0; !this.#stop; i++) {
        try {
          if (kind === 'chat') {
            const txnId = `${prefix}-${i}`;
            const r = await call({ url }, 'POST', `/v1/groups/${who.group}/messages`, { token: who.ann.token, body: { text: `${prefix} message ${i}`, txnId } });
            if (r.status === 201) this.acked.push({ kind, key: txnId, at: Date.now() });
            else await sleep(20);
          } else {
            const at = base + i * 100;
            const r = await call({ url }, 'POST', '/v1/locations', { token: who.bo.token, body: { lat: 52 + i / 1e5, lon: 13, timestamp: new Date(at).toISOString(), accuracy: 5 } });
            if (r.status === 200 && r.body.accepted === 1) this.acked.push({ kind, key: String(at), at: Date.now() });
            else await sleep(20);
          }
        } catch {
          await sleep(20); // the appliance is gone (killed): nothing acknowledged
        }
      }
    };
    this.#loops = [loop('chat'), loop('fix')];
  }

  /** Stops writing. */
  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#loops);
  }
}

/** The keys of the drill's writes that the databases in `data` hold. */
export async function present(data: string, who: { bo: User }, prefix = 'drill'): Promise<Set<string>> {
  const chat = await sql(join(data, 'chat.db'), `SELECT txn_id AS k FROM messages WHERE txn_id LIKE '${prefix}-%'`);
  const fixes = await sql(join(data, 'location.db'), `SELECT fix_at AS k FROM fixes WHERE user_id = '${who.bo.userId}'`);
  return new Set([...chat.map((r) => `chat:${r.k}`), ...fixes.map((r) => `fix:${Number(r.k)}`)]);
}

/** What a copy holds of the acknowledged writes, measured against the moment of the kill. */
export interface Outcome {
  acked: number;
  held: number;
  /** Acknowledged more than WINDOW_MS before the kill, and missing: must be none. */
  lostOld: Acked[];
  /** The kill − the acknowledgement of the last write up to which every acknowledged write is held. */
  rpoMs: number;
}

/** Compares the acknowledged writes with what `held` (from `present`) has. */
export function outcome(acked: readonly Acked[], held: Set<string>, killedAt: number): Outcome {
  const sorted = [...acked].sort((a, b) => a.at - b.at);
  const has = (a: Acked) => held.has(`${a.kind}:${a.key}`);
  let last = 0;
  for (const a of sorted) {
    if (!has(a)) break;
    last = a.at;
  }
  return {
    acked: sorted.length,
    held: sorted.filter(has).length,
    lostOld: sorted.filter((a) => a.at < killedAt - WINDOW_MS && !has(a)),
    rpoMs: Math.max(0, killedAt - (last || killedAt)), // an answer read just after the kill was sent before it
  };
}

/** Sends a chat message mentioning Bo from Ann and waits until it is in Bo's inbox: events flow between services. */
export async function mentionReachesInbox(url: string, who: { ann: User; bo: User; group: string }, text: string, timeoutMs = 30_000): Promise<void> {
  const sent = await call({ url }, 'POST', `/v1/groups/${who.group}/messages`, { token: who.ann.token, body: { text: `@Bo ${text}`, txnId: `m-${text.replace(/[^\w.:-]/g, '_').slice(0, 60)}` } });
  if (sent.status !== 201) throw new Error(`the message was refused: ${sent.status} ${sent.text}`);
  await waitFor(`"@Bo ${text}" in Bo's inbox`, async () => {
    const r = await call({ url }, 'GET', '/v1/notifications?limit=100', { token: who.bo.token });
    return r.status === 200 && r.body.items.some((x: { type: string; body: string }) => x.type === 'mention' && x.body.includes(text));
  }, timeoutMs);
}

/** One drill's figures. */
export interface DrillResult extends Outcome {
  /** `hearth restore --from-replica` into a new data directory, the command's start to its exit. */
  restoreMs: number;
  /** `hearth serve` on it, start to /readyz 200. */
  startMs: number;
  /** restoreMs + startMs: from the decision to restore to a family served again. */
  rtoMs: number;
}

/**
 * The drill, once, in `dir`: a replicating Hearth, a family writing for `writeMs`, the
 * whole appliance SIGKILLed, a restore from the replica into a new data directory, what it
 * holds counted, Hearth started on it. Resolves with the figures and the restored Hearth
 * (still running: the caller checks what it serves, then stops it).
 */
export async function drill(dir: string, writeMs: number): Promise<{ result: DrillResult; served: HearthProcess; url: string; http: string; file: string; who: { ann: User; bo: User; group: string } }> {
  const replica = join(dir, 'replica');
  const primaryHttp = await freeHttp();
  const primaryFile = drillConfig(dir, { name: 'primary', data: join(dir, 'primary'), http: primaryHttp, replica });
  const primary = spawnGroup(['serve', '--config', primaryFile]);
  let groups = [primary.child.pid!];
  let workload: Workload;
  let who: { ann: User; bo: User; group: string };
  try {
    await whenReady(primaryHttp, Date.now());
    groups = await applianceGroups(primaryHttp, primary.child.pid!);
    who = await drillFamily(`http://${primaryHttp}`);
    workload = new Workload();
    workload.start(`http://${primaryHttp}`, who);
    await sleep(writeMs);
  } catch (err) {
    await killGroup(...groups).catch(() => undefined);
    throw new Error(`${(err as Error).message}\n${primary.output().slice(-3000)}`);
  }
  const killedAt = await killGroup(...groups);
  await workload.stop();

  const http = await freeHttp();
  const data = join(dir, 'restored');
  const file = drillConfig(dir, { name: 'restored', data, http, replica: join(dir, 'replica-2') });
  const t0 = Date.now();
  const restore = spawnHearth('node', ['restore', '--from-replica', replicaUrl(replica), '--config', file]);
  const code = await restore.exited;
  const restoreMs = Date.now() - t0;
  if (code !== 0) throw new Error(`hearth restore --from-replica exited with ${code}:\n${restore.output()}`);
  const counted = outcome(workload.acked, await present(data, who), killedAt);

  const t1 = Date.now();
  const served = spawnGroup(['serve', '--config', file]);
  let startMs: number;
  try {
    startMs = await whenReady(http, t1);
  } catch (err) {
    await served.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n${served.output().slice(-3000)}`);
  }
  return { result: { ...counted, restoreMs, startMs, rtoMs: restoreMs + startMs }, served, url: `http://${http}`, http, file, who };
}
