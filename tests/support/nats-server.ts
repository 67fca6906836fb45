/**
 * Debian's nats-server for the tests that run Hearth on a real one (tests/platform
 * external-broker, nats-cluster, cluster-family): where it is, the authorization
 * docs/architecture.md ("An external broker") tells a server's owner to give Hearth, the
 * per-process users `hearth nats-authorization` prints, a server started on a config, and a
 * three-node cluster.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { OWNER } from './config.ts';
import { spawnHearth } from './hearth-process.ts';
import { getJson } from './http.ts';
import { freePort } from './net.ts';
import { waitFor } from './poll.ts';

/** The nats-server executable, or "" when it is not installed. */
export const natsServer = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();

/** The services whose inboxes Hearth's user may read here: the built-ins, the test services and the supervisor. */
const INBOXES = ['gateway', 'users', 'location', 'chat', 'notifications', 'ledger', 'tally', 'supervisor'].map((s) => `"_INBOX.${s}.>"`);

/**
 * An `authorization` block: `hearth` with exactly the permissions the documentation asks for,
 * and the test's own owner user without limits.
 */
export function hearthAuthorization(hearth: { user: string; password: string }): string {
  return `authorization {
  users: [
    { user: ${hearth.user}, password: "${hearth.password}", permissions: {
        publish: ["svc.>", "evt.>", "log.*.read", "sys.health.*", "sys.ready", "saga.>"]
        subscribe: ["svc.>", "evt.>", "log.*.read", "sys.health.*", "sys.ready", "saga.>", ${INBOXES.join(', ')}]
        allow_responses: true
    } }
    { user: "${OWNER.user}", password: "${OWNER.password}" }
  ]
}`;
}

/**
 * Starts nats-server on `conf` (written to `dir`, which must be its own), with `env` added to
 * its environment (what `$VARIABLE`s in `conf` read), and resolves with its client URL once
 * its ports file says it listens.
 */
export async function startNatsServer(dir: string, conf: string, env: Record<string, string> = {}): Promise<{ url: string; process: ChildProcess }> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nats.conf');
  writeFileSync(file, conf);
  const process = spawn(natsServer, ['-c', file, '--ports_file_dir', dir], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...globalThis.process.env, ...env } });
  let said = '';
  process.stderr!.on('data', (b: Buffer) => (said = (said + b.toString('utf8')).slice(-2000)));
  const ports = await waitFor("nats-server's ports file", async () => {
    if (process.exitCode !== null) throw new Error(`nats-server exited with ${process.exitCode}: ${said}`);
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
    return f ? (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nats: string[] }) : undefined;
  }, 30_000);
  return { url: ports.nats[0]!, process };
}

/** One node of a cluster started by `startCluster`. */
export interface ClusterNode {
  name: string;
  url: string;
  /** Its monitoring port (/connz, /routez). */
  monitor: number;
  process: ChildProcess;
}

/**
 * Three nats-server nodes on loopback, routed to each other, each with `authorization` (and
 * `env` for its `$VARIABLE`s); resolves once every node has its two routes.
 */
export async function startCluster(dir: string, authorization: string, env: Record<string, string> = {}): Promise<ClusterNode[]> {
  const routes = await Promise.all([0, 1, 2].map(() => freePort()));
  const monitors = await Promise.all([0, 1, 2].map(() => freePort()));
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 3; i++) {
    const others = routes.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
    const { url, process } = await startNatsServer(join(dir, `n${i + 1}`), `server_name: n${i + 1}
listen: 127.0.0.1:-1
http: 127.0.0.1:${monitors[i]}
cluster { name: hearth-test, listen: 127.0.0.1:${routes[i]}, routes: [${others.join(', ')}] }
${authorization}
`, env);
    nodes.push({ name: `n${i + 1}`, url, monitor: monitors[i]!, process });
  }
  await waitFor('the three nodes to route to each other', async () => {
    const routez = await Promise.all(nodes.map((n) => getJson(`http://127.0.0.1:${n.monitor}/routez`).catch(() => undefined)));
    return routez.every((r) => (r?.body as { num_routes?: number } | undefined)?.num_routes === 2);
  }, 20_000);
  return nodes;
}

/** Hearth's connections (by client name, `hearth-…`) on each node, and the user each is authorized as. */
export async function hearthConnections(nodes: readonly ClusterNode[]): Promise<Map<ClusterNode, { name: string; user: string }[]>> {
  const out = new Map<ClusterNode, { name: string; user: string }[]>();
  for (const n of nodes) {
    const connz = (await getJson(`http://127.0.0.1:${n.monitor}/connz?auth=true&limit=1000`).catch(() => undefined))?.body as
      | { connections?: { name?: string; authorized_user?: string }[] }
      | undefined;
    out.set(n, (connz?.connections ?? []).filter((c) => c.name?.startsWith('hearth-')).map((c) => ({ name: c.name!, user: c.authorized_user ?? '' })));
  }
  return out;
}

/** What `perProcessUsers` gives: the block for the nodes, their environment, and Hearth's. */
export interface PerProcessUsers {
  /** What `hearth nats-authorization` printed, with the test's owner user (no limits) added. */
  block: string;
  /** A password for each user, as the nodes' environment gives it. */
  serverEnv: Record<string, string>;
  /** `HEARTH_BROKER__USER`/`PASSWORD` (the supervisor's) and `HEARTH_SERVICES__<NAME>__BROKER_USER`/`PASSWORD`. */
  hearthEnv: Record<string, string>;
  /** Each process's user and password, by process name (`location`, `supervisor` …). */
  users: Map<string, { user: string; password: string }>;
}

/** Runs `hearth nats-authorization` on `configFile` and makes a password for each of its users. */
export async function perProcessUsers(configFile: string): Promise<PerProcessUsers> {
  const printed = spawnHearth('node', ['nats-authorization', '--config', configFile]);
  assert.equal(await printed.exited, 0, printed.output());
  const block = printed.output().replace(/\n  \]\n\}\n$/, `\n    { user: "${OWNER.user}", password: "${OWNER.password}" }\n  ]\n}\n`);
  const serverEnv: Record<string, string> = {};
  const hearthEnv: Record<string, string> = {};
  const users = new Map<string, { user: string; password: string }>();
  for (const [, name, user, variable] of block.matchAll(/# (\S+)\n\s+\{ user: "([^"]+)", password: \$(\w+)/g)) {
    // nats-server reads a variable's value as configuration: a letter first keeps it a string.
    const password = `pw_${randomBytes(12).toString('hex')}`;
    serverEnv[variable!] = password;
    users.set(name!, { user: user!, password });
    const key = name === 'supervisor' ? 'HEARTH_BROKER__' : `HEARTH_SERVICES__${name!.toUpperCase()}__BROKER_`;
    Object.assign(hearthEnv, { [`${key}USER`]: user, [`${key}PASSWORD`]: password });
  }
  return { block, serverEnv, hearthEnv, users };
}
