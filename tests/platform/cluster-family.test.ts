/**
 * A family on Hearth spread over a three-node nats-server cluster (#19): `hearth serve
 * --broker <the nodes>` runs two instances of every service and a gateway, and a second
 * gateway runs alone (`hearth service gateway`, as on another machine), every process as
 * its own user. The family uses both gateways alternately (a keyed POST retried through the
 * other gateway is applied once); then, while fixes and messages
 * stream in through both, the node most of Hearth's connections use and one instance of
 * each service are SIGKILLed, while a member's stream is away: every acknowledged fix and
 * message is stored once, and the stream, back on the other gateway with its last event id,
 * gets every message it missed, once, then live ones.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { joinGroup, makeGroup, signIn, signUp, type User } from '../support/accounts.ts';
import { knownToLocation } from '../support/family.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { call, getJson } from '../support/http.ts';
import { OPEN_API, OWNER, writeTestConfig } from '../support/config.ts';
import { otherGatewayUrl } from '../support/gateways.ts';
import { waitFor } from '../support/poll.ts';
import { multiProcessOnly } from '../support/one-process.ts';
import { hearthConnections, natsServer, perProcessUsers, startCluster, type ClusterNode } from '../support/nats-server.ts';
import { WsClient } from '../support/ws-client.ts';

const SERVICES = ['users', 'location', 'chat', 'notifications'] as const;
const TWO_OF_EACH = `services {\n${SERVICES.map((s) => `  ${s} { instances: 2 }`).join('\n')}\n}`;
/** The open API, with room for everything a member missed while away, fixes included (the default is 256 events). */
const CONFIG = OPEN_API.replace('gateway {', 'gateway { stream_buffer: 5000,');

/** The pids of `service`'s processes among the children of `supervisor`. */
function instancesOf(supervisor: number, service: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === supervisor && argv[argv.indexOf('service') + 1] === service) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('a family on a three-node cluster, two gateways and two instances of every service', {
  skip: natsServer ? multiProcessOnly('it SIGKILLs service children') : 'nats-server is not installed',
  timeout: 240_000,
}, () => {
  const cfg = writeTestConfig(`${CONFIG}\n${TWO_OF_EACH}`, { builtIn: true });
  const second = writeTestConfig(CONFIG, { builtIn: true });
  let nodes: ClusterNode[] = [];
  let hearth: HearthProcess;
  let gatewayB: HearthProcess;
  let nc: NatsConnection;
  let a: { url: string };
  let b: { url: string };
  let ann: User;
  let bob: User;
  let group: string;

  before(async () => {
    const users = await perProcessUsers(cfg.file);
    nodes = await startCluster(cfg.dir, users.block, users.serverEnv);
    const list = nodes.map((n) => n.url).join(',');
    hearth = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', list], { env: users.hearthEnv });
    const gw = users.users.get('gateway')!;
    gatewayB = spawnHearth('node', ['service', 'gateway', '--config', second.file], {
      env: { HEARTH_BROKER__URL: list, HEARTH_BROKER__USER: gw.user, HEARTH_BROKER__PASSWORD: gw.password },
    });
    a = { url: (await bannerOf(hearth)).http };
    await waitFor('/readyz to say 200', async () => (await getJson(`${a.url}/readyz`)).status === 200, 60_000);
    nc = await connect({ servers: nodes.map((n) => n.url), user: OWNER.user, pass: OWNER.password, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    b = { url: await otherGatewayUrl(nc, a.url) };
  });
  after(async () => {
    await gatewayB?.stop('SIGKILL');
    await hearth?.stop('SIGKILL');
    await nc?.close().catch(() => undefined);
    for (const n of nodes) n.process.kill('SIGKILL');
  });

  it('runs every process as its own user, two of each service', async () => {
    const all = async () => [...(await hearthConnections(nodes)).values()].flat();
    // /readyz needs one instance of each; the second may still be connecting.
    const connections = await waitFor('two instances of every service connected', async () => {
      const now = await all();
      return SERVICES.every((s) => now.filter((c) => c.name.startsWith(`hearth-${s}`)).length === 2) ? now : undefined;
    }, 30_000);
    for (const s of SERVICES) {
      const mine = connections.filter((c) => c.name.startsWith(`hearth-${s}`));
      assert.equal(mine.length, 2, `two ${s} instances connected: ${connections.map((c) => c.name)}`);
      assert.deepEqual(new Set(mine.map((c) => c.user)), new Set([`hearth-${s}`]));
    }
    assert.equal(connections.filter((c) => c.name.startsWith('hearth-gateway')).length, 2, 'two gateways');
  });

  it('serves the family through both gateways alternately', async () => {
    ann = await signUp(a, 'Ann');
    bob = await signUp(b, 'Bob');
    ann = await signIn(b, 'Ann', ann.email, ann.password); // a session made on the other gateway works on both
    group = await makeGroup(a, ann, 'Family');
    await joinGroup(b, group, ann, bob);
    await knownToLocation(a, group, bob, ann);
    await knownToLocation(b, group, ann, bob);
    const fix = await call(b, 'POST', '/v1/locations', { token: ann.token, body: { lat: 52.5, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 5 } });
    assert.equal(fix.status, 200, fix.text);
    await waitFor("Ann's position seen through the other gateway", async () => {
      const live = await call(a, 'GET', `/v1/groups/${group}/live`, { token: bob.token });
      return live.body.members?.some((m: { userId: string; lastFix?: unknown }) => m.userId === ann.userId && m.lastFix);
    }, 10_000);
    const sent = await call(a, 'POST', `/v1/groups/${group}/messages`, { token: bob.token, body: { text: 'Home by six', txnId: 'bob-1' } });
    assert.equal(sent.status, 201, sent.text);
    // A POST retried under its Idempotency-Key through the other gateway is applied once.
    const keyed = { token: ann.token, body: { name: 'Grandma' }, headers: { 'idempotency-key': 'grandma-1' } };
    const made = await call(a, 'POST', '/v1/groups', keyed);
    const retried = await call(b, 'POST', '/v1/groups', keyed);
    assert.deepEqual([made.status, retried.status, retried.headers.get('idempotent-replayed')], [201, 201, 'true'], retried.text);
    assert.equal(retried.body.id, made.body.id);
    const mine = await call(b, 'GET', '/v1/groups', { token: ann.token });
    assert.equal(mine.body.groups.filter((g: { name: string }) => g.name === 'Grandma').length, 1, 'one group made');
    const history = await call(b, 'GET', `/v1/groups/${group}/messages`, { token: ann.token });
    // The members' messages (the others are the group's own notices: who joined).
    assert.deepEqual(history.body.messages.filter((m: { kind: string }) => m.kind === 'user').map((m: { text: string }) => m.text), ['Home by six']);
  });

  it('loses nothing acknowledged when a node and one instance of each service are SIGKILLed mid-stream, and a stream resumed on the other gateway misses nothing', async (t) => {
    const stream = await WsClient.open(`${a.url.replace(/^http/, 'ws')}/v1/stream`, bob.token);
    const ready = await stream.take((m) => m.type === 'ready', 10_000);

    const gateways = [a, b];
    const base = Date.now() - 30 * 60_000;
    const ackedFixes = new Set<string>();
    const ackedTexts = new Set<string>();
    const unacked = { fixes: 0, messages: 0 };
    let n = 0;
    let stop = false;
    const fixes = async (w: number) => {
      while (!stop) {
        const i = n++;
        const timestamp = new Date(base + i * 500).toISOString();
        const r = await call(gateways[(i + w) % 2]!, 'POST', '/v1/locations', { token: ann.token, body: { lat: 52 + i / 1e5, lon: 13, timestamp, accuracy: 5 } }).catch(() => undefined);
        if (r?.status === 200) ackedFixes.add(timestamp);
        else (unacked.fixes++, await new Promise((r) => setTimeout(r, 50)));
      }
    };
    let m = 0;
    const messages = async () => {
      while (!stop) {
        const i = m++;
        const text = `message ${i}`;
        const r = await call(gateways[i % 2]!, 'POST', `/v1/groups/${group}/messages`, { token: bob.token, body: { text, txnId: `load-${i}` } }).catch(() => undefined);
        if (r?.status === 201) ackedTexts.add(text);
        else (unacked.messages++, await new Promise((r) => setTimeout(r, 50)));
      }
    };
    const load = [fixes(0), fixes(1), messages()];
    await waitFor('40 fixes and 10 messages acknowledged', async () => ackedFixes.size >= 40 && ackedTexts.size >= 10, 30_000);

    // Bob's stream leaves the first gateway here, with the id of the last event it got.
    const textOf = (x: { type: string; event?: unknown }) =>
      x.type === 'event' && (x.event as { type: string }).type === 'message.sent' ? (x.event as { data: { message: { text: string } } }).data.message.text : undefined;
    const seenBefore = new Set(stream.inbox.map(textOf).filter(Boolean));
    const last = String([...stream.inbox].reverse().find((x) => x.type === 'event')?.id ?? ready.lastEventId);
    await stream.close();

    const supervisor = hearth.child.pid!;
    const victims = SERVICES.map((s) => instancesOf(supervisor, s)[0]!);
    assert.ok(victims.every((p) => p > 0), `one instance of each service found: ${victims}`);
    const [busiest] = [...(await hearthConnections(nodes))].sort((x, y) => y[1].length - x[1].length)[0]!;
    busiest.process.kill('SIGKILL');
    for (const pid of victims) process.kill(pid, 'SIGKILL');
    const [fixesAtKill, textsAtKill] = [ackedFixes.size, ackedTexts.size];

    await waitFor('40 more fixes and 10 more messages acknowledged', async () => ackedFixes.size >= fixesAtKill + 40 && ackedTexts.size >= textsAtKill + 10, 60_000);
    await waitFor('/readyz to say 200 on the first gateway', async () => (await getJson(`${a.url}/readyz`)).status === 200, 30_000);
    for (const s of SERVICES) await waitFor(`two ${s} instances again`, async () => instancesOf(supervisor, s).length === 2, 30_000);
    stop = true;
    await Promise.all(load);
    t.diagnostic(`acknowledged ${ackedFixes.size} fixes and ${ackedTexts.size} messages; refused or failed meanwhile: ${JSON.stringify(unacked)}`);

    // Every acknowledged fix is in Ann's track, once, whichever gateway took it.
    const from = new Date(base - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const track = await call(b, 'GET', `/v1/groups/${group}/members/${ann.userId}/track?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=10000`, { token: bob.token });
    assert.equal(track.status, 200, track.text);
    const stored = new Set<string>(track.body.points.map((p: { at: string }) => p.at));
    assert.equal(stored.size, track.body.points.length, 'one point per fix time');
    assert.deepEqual([...ackedFixes].filter((at) => !stored.has(at)), [], 'acknowledged fixes missing from the track');

    // Every acknowledged message is in the history, once.
    const texts: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await call(a, 'GET', `/v1/groups/${group}/messages?limit=100${after ? `&after=${after}` : '&after=1970-01-01T00:00:00.000Z'}`, { token: ann.token });
      assert.equal(page.status, 200, page.text);
      texts.push(...page.body.messages.filter((x: { kind: string }) => x.kind === 'user').map((x: { text: string }) => x.text));
      if (!page.body.hasMore) break;
      after = page.body.messages.at(-1).id;
    }
    assert.equal(new Set(texts).size, texts.length, 'a message stored twice');
    assert.deepEqual([...ackedTexts].filter((x) => !texts.includes(x)), [], 'acknowledged messages missing from the history');

    // Bob's stream comes back to the other gateway with its last id: it gets every message it
    // missed, once, then live ones.
    const back = await WsClient.open(`${b.url.replace(/^http/, 'ws')}/v1/stream`, bob.token, { 'last-event-id': last });
    await back.take((x) => x.type === 'ready', 10_000);
    const now = await call(a, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'All fine here', txnId: 'ann-after' } });
    assert.equal(now.status, 201, now.text);
    await back.take((x) => textOf(x) === 'All fine here', 15_000);
    assert.equal(back.inbox.filter((x) => x.type === 'reset').length, 0, 'resumed, not reset');
    const resumed = back.inbox.map(textOf).filter((x): x is string => x !== undefined);
    assert.equal(new Set(resumed).size, resumed.length, 'a message delivered twice');
    assert.deepEqual([...ackedTexts].filter((x) => !seenBefore.has(x) && !resumed.includes(x)), [], 'acknowledged messages the resumed stream missed');
    await back.close();
  });

  it('stops cleanly with a node gone', async () => {
    assert.equal(await gatewayB.stop('SIGTERM'), 0, gatewayB.output().slice(-2000));
    assert.equal(await hearth.stop('SIGTERM'), 0, hearth.output().slice(-2000));
  });
});
