/**
 * `hearth restore --from-replica URL`: a Hearth replicating to a folder is stopped, its
 * replica restored into a new data directory through the same checks as an archive, and a
 * new Hearth serves it (the old password signs in, the old message is there). A replica
 * that is not there and a missing Litestream are clear errors that change nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeGroup, signIn, signUp } from '../support/accounts.ts';
import { serveAppliance, type Served } from '../support/appliance.ts';
import { spawnHearth } from '../support/hearth-process.ts';
import { call } from '../support/http.ts';
import { useTempDir } from '../support/test-file.ts';

const OPEN = 'users { registration: "open" }';

async function hearth(args: string[], cwd: string): Promise<{ code: number | string; out: string }> {
  const p = spawnHearth('node', args, { cwd });
  return { code: await p.exited, out: p.output() };
}

describe('hearth restore --from-replica', { timeout: 180_000 }, () => {
  const dir = useTempDir('restore-replica');
  const replica = `file://${join(dir, 'replica')}`;
  const restored = join(dir, 'restored');
  const running: Served[] = [];
  after(async () => {
    for (const s of running) await s.hearth.stop();
  });

  it('rebuilds a data directory from the replica, and Hearth serves it', async () => {
    mkdirSync(join(dir, 'replica'));
    const first = await serveAppliance(`${OPEN}\nreplication { url: "${replica}", sync_interval_ms: 100 }`);
    running.push(first);
    const ann = await signUp(first, 'Ann');
    const group = await makeGroup(first, ann);
    const sent = await call(first, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'kept in the replica', txnId: 'r1' } });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(await first.hearth.stop(), 0, 'a clean stop ships the last writes');

    const r = await hearth(['restore', '--from-replica', replica, '--config', join(first.dir, 'hearth.conf'), '--data', restored], dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /restoring from the replica file:\/\//);
    for (const s of ['users', 'chat']) assert.match(r.out, new RegExp(`restored\\s+${s}\\s+\\d+ events`));

    const second = await serveAppliance(OPEN, { data: restored });
    running.push(second);
    const ann2 = await signIn(second, 'Ann', ann.email, ann.password);
    const page = await call(second, 'GET', `/v1/groups/${group}/messages?limit=100`, { token: ann2.token });
    assert.ok(page.body.messages.some((m: { text: string | null }) => m.text === 'kept in the replica'), page.text);
    await second.hearth.stop();
  });

  it('says so when the replica is not there, or Litestream is missing, and changes nothing', async () => {
    const target = join(dir, 'untouched');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    const conf = join(dir, 'hearth.conf');
    writeFileSync(conf, `data: "${target}"\n`);
    let r = await hearth(['restore', '--from-replica', `file://${join(dir, 'no-such-replica')}`, '--config', conf], dir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /no-such-replica does not exist or is not a folder/);
    writeFileSync(conf, `data: "${target}"\nreplication { litestream: "${join(dir, 'no-litestream')}" }\n`);
    r = await hearth(['restore', '--from-replica', replica, '--config', conf], dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /replication\.litestream/);
    assert.deepEqual(readdirSync(target), ['notes.txt']);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.restore-')), [], 'no staging directory left');
  });
});
