/**
 * Continuous replication of the whole appliance to a folder, end to end: a family signs up,
 * makes a group and chats through the API; once /readyz says every replica holds it,
 * `restoreReplica` rebuilds every service database in a new folder and the family's rows
 * are there. A message sent just before a SIGTERM is in the replica too: Litestream is
 * stopped after the services and ships their last writes. Litestream ships every 10 s here,
 * longer than the stop takes, so that last message can only arrive by that final shipment.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { restoreReplica } from '../../src/supervisor/index.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { serveAppliance, type Served } from '../support/appliance.ts';
import { testConfig } from '../support/config.ts';
import { sql } from '../support/database.ts';
import { call, getJson } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'];
const dir = useTempDir('replication');
const url = `file://${join(dir, 'replica')}`;
const config = testConfig(dir, (c) => (c.replication.url = url));

describe('a family replicated to a folder', { timeout: 180_000 }, () => {
  let s: Served;
  let ann: User;
  let group: string;
  after(() => s?.hearth.stop('SIGKILL'));

  const say = async (text: string) => {
    const r = await call(s, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text, txnId: randomUUID() } });
    assert.equal(r.status, 201, r.text);
  };

  it('ships what the family wrote, and restoreReplica brings every row back', async () => {
    s = await serveAppliance(`users { registration: "open" }\nreplication { url: "${url}", sync_interval_ms: 10000 }`);
    ann = await signUp(s, 'Ann');
    const bob = await signUp(s, 'Bob');
    group = await makeGroup(s, ann, 'Family');
    await joinGroup(s, group, ann, bob);
    for (const text of ['Dinner at seven?', 'Bringing bread', 'See you']) await say(text);
    const wrote = Date.now();

    const replication = await waitFor('every replica holding the writes', async () => {
      const r = (await getJson(`${s.url}/readyz`)).body.replication;
      const dbs = Object.values(r?.databases ?? {}) as { status: string; lagSeconds: number; shippedAt?: string }[];
      const chat = r?.databases?.chat;
      return dbs.length === SERVICES.length && dbs.every((d) => d.status === 'ok' && d.lagSeconds === 0) && chat?.shippedAt && Date.parse(chat.shippedAt) >= wrote ? r : undefined;
    }, 30_000);
    assert.equal(replication.status, 'ok');

    const into = join(dir, 'restored');
    const restored = await restoreReplica({ config, url, services: SERVICES, into });
    assert.deepEqual(restored.map((r) => [r.service, r.found]), SERVICES.map((x) => [x, true]));
    const people = await sql(join(into, 'users.db'), 'SELECT display_name AS name FROM users ORDER BY display_name');
    assert.deepEqual(people.map((p) => p.name), ['Ann', 'Bob']);
    const said = await sql(join(into, 'chat.db'), "SELECT text FROM messages WHERE kind = 'user' ORDER BY seq");
    assert.deepEqual(said.map((m) => m.text), ['Dinner at seven?', 'Bringing bread', 'See you']);
  });

  it('ships the last message before a SIGTERM', async () => {
    await say('Last words before the stop');
    assert.equal(await s.hearth.stop('SIGTERM'), 0);
    const into = join(dir, 'restored-after-stop');
    await restoreReplica({ config, url, services: ['chat'], into });
    const said = await sql(join(into, 'chat.db'), "SELECT text FROM messages WHERE kind = 'user' ORDER BY seq DESC LIMIT 1");
    assert.deepEqual(said.map((m) => m.text), ['Last words before the stop']);
  });
});
