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
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { logReadOp, Requester } from '../../src/kit/index.ts';
import { AddEntry, GetTally, GetTotal } from '../kit-service/contracts.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { OWNER, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { hearthConnections, natsServer, perProcessUsers, startCluster, type ClusterNode, type PerProcessUsers } from '../support/nats-server.ts';

describe('on a three-node nats-server cluster', { skip: natsServer ? undefined : 'nats-server is not installed', timeout: 120_000 }, () => {
  const cfg = writeTestConfig();
  let nodes: ClusterNode[] = [];
  let hearth: HearthProcess;
  let nc: NatsConnection;
  let req: Requester;
  let users: PerProcessUsers;

  before(async () => {
    users = await perProcessUsers(cfg.file);
    // Eight processes: the supervisor, five services, ledger and tally.
    assert.equal(Object.keys(users.serverEnv).length, 8, users.block);
    nodes = await startCluster(cfg.dir, users.block, users.serverEnv);
    nc = await connect({ servers: nodes.map((n) => n.url), user: OWNER.user, pass: OWNER.password, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 65536, breaker: { threshold: 1000, cooldownMs: 100 } });
  });
  after(async () => {
    await hearth?.stop('SIGKILL');
    await nc?.close().catch(() => undefined);
    for (const n of nodes) n.process.kill('SIGKILL');
  });

  /** How many of Hearth's connections each node has. */
  const perNode = async (): Promise<Map<ClusterNode, number>> => new Map([...(await hearthConnections(nodes))].map(([n, c]) => [n, c.length]));

  it('serves with the cluster\'s URLs, comma-separated, each process as its own user', async () => {
    const list = nodes.map((n) => n.url).join(',');
    hearth = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', list], { env: users.hearthEnv });
    const { http } = await bannerOf(hearth);
    assert.equal((await getJson(`${http}/readyz`)).status, 200);
    assert.match(hearth.output(), new RegExp(`broker\\s+${nodes.map((n) => n.url).join(',').replace(/[./]/g, '\\$&')}\\n`));
    for (const password of Object.values(users.serverEnv)) assert.equal(hearth.output().includes(password), false, 'a password appears in the output');
    const spread = await perNode();
    assert.equal([...spread.values()].reduce((a, b) => a + b, 0), 8, `one connection per process (supervisor, five services, ledger, tally): ${[...spread].map(([n, c]) => `${n.name}=${c}`)}`);
    // Each as its user (the nodes' /connz name the authorized user of each connection).
    const named = new Map([...(await hearthConnections(nodes)).values()].flat().map((c) => [c.name, c.user]));
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
    const [busiest] = [...(await perNode())].sort((a, b) => b[1] - a[1])[0]!;
    busiest.process.kill('SIGKILL');
    const before = acked.length;
    await waitFor(`20 more commands acknowledged with ${busiest.name} gone`, () => acked.length >= before + 20, 60_000);
    stop = true;
    await load;

    const left = await perNode();
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
