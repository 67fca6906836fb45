/**
 * Hearth on a real three-node nats-server cluster (Debian's nats-server), as when a group
 * outgrows one box: `hearth serve --broker <the three URLs, comma-separated>`, each process
 * connecting as its own user with only its own permissions — the block `hearth
 * nats-authorization` prints, given to every node. Every process connects to one node and
 * fails over to the others: SIGKILL the node most of Hearth's connections are on, in the
 * middle of a stream of commands, and Hearth keeps answering, nothing acknowledged is lost,
 * and its consumer applies every event exactly once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { logReadOp, Requester } from '../../src/kit/index.ts';
import { AddEntry, GetTally, GetTotal } from '../kit-service/contracts.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { OWNER, writeTestConfig } from '../support/config.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/poll.ts';
import { natsServer, startNatsServer } from '../support/nats-server.ts';

/**
 * What `hearth nats-authorization` prints for this configuration, with the test's own owner
 * user added; a password for each of its users (as nats-server's environment gives them);
 * and Hearth's environment that has each process connect as its user.
 */
async function perProcessUsers(configFile: string): Promise<{ block: string; serverEnv: Record<string, string>; hearthEnv: Record<string, string> }> {
  const printed = spawnHearth('node', ['nats-authorization', '--config', configFile]);
  assert.equal(await printed.exited, 0, printed.output());
  const block = printed.output().replace(/\n  \]\n\}\n$/, `\n    { user: "${OWNER.user}", password: "${OWNER.password}" }\n  ]\n}\n`);
  const serverEnv: Record<string, string> = {};
  const hearthEnv: Record<string, string> = {};
  for (const [, process, user, variable] of block.matchAll(/# (\S+)\n\s+\{ user: "([^"]+)", password: \$(\w+)/g)) {
    const password = randomBytes(12).toString('hex');
    serverEnv[variable!] = password;
    const key = process === 'supervisor' ? 'HEARTH_BROKER__' : `HEARTH_SERVICES__${process!.toUpperCase()}__BROKER_`;
    Object.assign(hearthEnv, { [`${key}USER`]: user, [`${key}PASSWORD`]: password });
  }
  return { block, serverEnv, hearthEnv };
}

interface Node {
  name: string;
  url: string;
  monitor: number;
  process: ChildProcess;
}

describe('on a three-node nats-server cluster', { skip: natsServer ? undefined : 'nats-server is not installed', timeout: 120_000 }, () => {
  const cfg = writeTestConfig();
  const nodes: Node[] = [];
  let hearth: HearthProcess;
  let nc: NatsConnection;
  let req: Requester;
  let users: Awaited<ReturnType<typeof perProcessUsers>>;

  before(async () => {
    users = await perProcessUsers(cfg.file);
    // Eight processes: the supervisor, five services, ledger and tally.
    assert.equal(Object.keys(users.serverEnv).length, 8, users.block);
    const routes = await Promise.all([0, 1, 2].map(() => freePort()));
    const monitors = await Promise.all([0, 1, 2].map(() => freePort()));
    for (let i = 0; i < 3; i++) {
      const others = routes.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
      const { url, process } = await startNatsServer(join(cfg.dir, `n${i + 1}`), `server_name: n${i + 1}
listen: 127.0.0.1:-1
http: 127.0.0.1:${monitors[i]}
cluster { name: hearth-test, listen: 127.0.0.1:${routes[i]}, routes: [${others.join(', ')}] }
${users.block}
`, users.serverEnv);
      nodes.push({ name: `n${i + 1}`, url, monitor: monitors[i]!, process });
    }
    await waitFor('the three nodes to route to each other', async () => {
      const routez = await Promise.all(nodes.map((n) => getJson(`http://127.0.0.1:${n.monitor}/routez`).catch(() => undefined)));
      return routez.every((r) => (r?.body as { num_routes?: number } | undefined)?.num_routes === 2);
    }, 20_000);
    nc = await connect({ servers: nodes.map((n) => n.url), user: OWNER.user, pass: OWNER.password, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 65536, breaker: { threshold: 1000, cooldownMs: 100 } });
  });
  after(async () => {
    await hearth?.stop('SIGKILL');
    await nc?.close().catch(() => undefined);
    for (const n of nodes) n.process.kill('SIGKILL');
  });

  /** Hearth's connections per node (by name, from each node's /connz). */
  const hearthConnections = async (): Promise<Map<Node, number>> => {
    const out = new Map<Node, number>();
    for (const n of nodes) {
      const connz = (await getJson(`http://127.0.0.1:${n.monitor}/connz?limit=1000`).catch(() => undefined))?.body as { connections?: { name?: string }[] } | undefined;
      out.set(n, (connz?.connections ?? []).filter((c) => c.name?.startsWith('hearth-')).length);
    }
    return out;
  };

  it('serves with the cluster\'s URLs, comma-separated, each process as its own user', async () => {
    const list = nodes.map((n) => n.url).join(',');
    hearth = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', list], { env: users.hearthEnv });
    const { http } = await bannerOf(hearth);
    assert.equal((await getJson(`${http}/readyz`)).status, 200);
    assert.match(hearth.output(), new RegExp(`broker\\s+${nodes.map((n) => n.url).join(',').replace(/[./]/g, '\\$&')}\\n`));
    for (const password of Object.values(users.serverEnv)) assert.equal(hearth.output().includes(password), false, 'a password appears in the output');
    const spread = await hearthConnections();
    assert.equal([...spread.values()].reduce((a, b) => a + b, 0), 8, `one connection per process (supervisor, five services, ledger, tally): ${[...spread].map(([n, c]) => `${n.name}=${c}`)}`);
    // Each as its user (the nodes' /connz name the authorized user of each connection).
    const named = new Map<string, string>();
    for (const n of nodes) {
      const connz = (await getJson(`http://127.0.0.1:${n.monitor}/connz?auth=true&limit=1000`)).body as { connections: { name?: string; authorized_user?: string }[] };
      for (const c of connz.connections) if (c.name?.startsWith('hearth-')) named.set(c.name, c.authorized_user ?? '');
    }
    assert.equal(named.get('hearth-supervisor'), 'hearth-supervisor');
    for (const service of ['users', 'location', 'chat', 'notifications', 'gateway', 'ledger', 'tally']) {
      assert.equal([...named].find(([name]) => name.startsWith(`hearth-${service}`))?.[1], `hearth-${service}`, `${service} connects as its own user: ${[...named]}`);
    }
  });

  it('keeps answering when the node most of its processes use is SIGKILLed, losing nothing acknowledged', async () => {
    const acked: string[] = [];
    let sent = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const key = `k${sent++}`;
        try {
          await req.request(AddEntry, { key, amount: 1 });
          acked.push(key);
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // failing over: not acknowledged, so not promised
        }
      }
    })();
    await waitFor('20 commands acknowledged', () => acked.length >= 20, 20_000);
    const [busiest] = [...(await hearthConnections())].sort((a, b) => b[1] - a[1])[0]!;
    busiest.process.kill('SIGKILL');
    const before = acked.length;
    await waitFor(`20 more commands acknowledged with ${busiest.name} gone`, () => acked.length >= before + 20, 60_000);
    stop = true;
    await load;

    const left = await hearthConnections();
    assert.equal(left.get(busiest), 0);
    assert.equal([...left.values()].reduce((a, b) => a + b, 0), 8, 'every process reconnected to a node still up');
    const { http } = await bannerOf(hearth);
    await waitFor('/readyz to say 200', async () => (await getJson(`${http}/readyz`)).status === 200, 20_000);

    for (const key of acked) assert.equal((await req.request(GetTotal, { key })).total, 1, `${key} was acknowledged but is not stored once`);
    const { head } = await req.request(logReadOp('ledger'), { after: 0, limit: 1 });
    const tally = await waitFor('tally to apply every event', async () => {
      const t = await req.request(GetTally, {});
      return t.checkpoint === head ? t : undefined;
    }, 30_000);
    assert.equal(tally.duplicates, 0, 'an event applied twice');
    assert.equal(tally.applied, head, 'an event not applied');
    assert.ok(head >= acked.length);
  });

  it('stops cleanly with a node gone', async () => {
    assert.equal(await hearth.stop('SIGTERM'), 0, hearth.output().slice(-2000));
  });
});
