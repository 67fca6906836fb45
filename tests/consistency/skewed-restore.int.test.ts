/**
 * Skewed restores: one service's database put back to an earlier instant (its file copied
 * aside while Hearth was stopped, then copied back and stamped with `stampRestore`, as every
 * restore does), the others left newer. After the start the appliance is consistent: no
 * checkpoint ahead of its producer's head, the new events written after the restore reach
 * every consumer although they reuse seqs the consumers had seen, each reconciliation is
 * logged once, and events a rolled-back consumer reads again make nothing twice.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { openDb, stampRestore } from '../../src/kit/index.ts';
import { joinGroup, signUp, type User } from '../support/accounts.ts';
import { useBroker } from '../support/broker.ts';
import { family, knownToLocation } from '../support/family.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { logSink } from '../support/service.ts';
import { useTempDir } from '../support/test-file.ts';
import { checkpoints, CONSUMERS, dbFile, headOf, settled } from './support.ts';

/** Copies a closed database file with its WAL files (a stale WAL at the target is removed). */
function copyDb(from: string, to: string): void {
  for (const ext of ['', '-wal', '-shm']) {
    rmSync(to + ext, { force: true });
    if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
  }
}

/** Puts the copy back and stamps it, as a restore does. */
async function restore(copy: string, file: string): Promise<{ epoch: string; head: number }> {
  copyDb(copy, file);
  const db = await openDb({ path: file });
  try {
    return await stampRestore(db);
  } finally {
    db.close();
  }
}

describe('skewed restores recover to a consistent appliance', { timeout: 300_000 }, () => {
  const broker = useBroker();
  const dir = useTempDir('skewed');
  const log = logSink();
  const start = () => startInProcessHearth(broker().url, dir, undefined, { sameFiles: true, log });
  let h: InProcessHearth | undefined;
  let ann: User;
  let bo: User;
  let group: string;
  after(() => h?.stop());

  const stop = async () => {
    await h!.stop();
    h = undefined;
  };
  const send = async (u: User, text: string) => {
    const r = await call(h!, 'POST', `/v1/groups/${group}/messages`, { token: u.token, body: { text, txnId: `t-${text.length}-${Math.random()}` } });
    assert.equal(r.status, 201, r.text);
  };
  const mentions = async (u: User) => {
    const r = await call(h!, 'GET', '/v1/notifications?limit=100', { token: u.token });
    assert.equal(r.status, 200, r.text);
    return (r.body.items as { type: string; body: string }[]).filter((x) => x.type === 'mention').map((x) => x.body);
  };
  const systemMessages = async () => {
    const r = await call(h!, 'GET', `/v1/groups/${group}/messages?limit=100`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return (r.body.messages as { kind: string; system: { type: string; name: string } | null }[]).filter((m) => m.kind === 'system').map((m) => `${m.system!.type} ${m.system!.name}`);
  };
  /** No checkpoint of any consumer ahead of its producer's head (Hearth stopped). */
  const assertNoneAhead = async () => {
    for (const [service, source] of CONSUMERS) {
      const cp = (await checkpoints(dbFile(dir, service)))[source] ?? 0;
      assert.ok(cp <= (await headOf(dbFile(dir, source))), `${service}'s checkpoint of ${source} (${cp}) is not ahead of its head`);
    }
  };
  const reconciled = (source: string) =>
    log.lines.filter((l) => l.msg === 'checkpoint moved back to reconcile with the producer' && l.source === source);

  it('a users database older than every consumer: a member added after the restore is known to every service', async () => {
    h = await start();
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
    await settled(h);
    await stop();
    copyDb(dbFile(dir, 'users'), `${dir}/users.a`);

    h = await start(); // after instant A: Cy joins, the consumers read users further
    const cy = await signUp(h, 'Cy');
    await joinGroup(h, group, ann, cy);
    await settled(h);
    await stop();
    const ahead = (await checkpoints(dbFile(dir, 'chat'))).users!;

    const { head } = await restore(`${dir}/users.a`, dbFile(dir, 'users'));
    assert.ok(head < ahead, `the restored users log (${head}) is behind chat's checkpoint (${ahead})`);
    log.lines.length = 0;
    h = await start();
    // Dee's events reuse the seqs Cy's had: every consumer must apply them.
    const dee = await signUp(h, 'Dee');
    await joinGroup(h, group, ann, dee);
    await knownToLocation(h, group, dee, ann);
    await waitFor('Dee joined, in chat', async () => (await systemMessages()).some((m) => /Dee/.test(m)));
    await send(dee, 'hello @Ann');
    await waitFor('the mention by Dee in Ann\u2019s inbox', async () => (await mentions(ann)).includes('hello @Ann'));
    const seen = await call(h, 'GET', `/v1/groups/${group}`, { token: dee.token });
    assert.equal(seen.status, 200, `the gateway knows Dee is a member: ${seen.text}`);
    await settled(h);
    // Each consumer of users moved its checkpoint back once, saying why.
    for (const [service, source] of CONSUMERS.filter(([, s]) => s === 'users')) {
      const lines = reconciled(source).filter((l) => l.service === service);
      assert.equal(lines.length, 1, `${service} logged one reconciliation with users: ${JSON.stringify(lines)}`);
      assert.equal(lines[0]!.level, 'warn');
      assert.equal(lines[0]!.to, head);
    }
    await stop();
    await assertNoneAhead();
  });

  it('a chat database older than notifications: a mention after the restore reaches the inbox', async () => {
    h = await start();
    await send(ann, 'first @Bo');
    await waitFor('the first mention', async () => (await mentions(bo)).includes('first @Bo'));
    await settled(h);
    await stop();
    copyDb(dbFile(dir, 'chat'), `${dir}/chat.a`);

    h = await start();
    for (let i = 0; i < 3; i++) await send(ann, `lost ${i} @Bo`);
    await waitFor('the lost mentions', async () => (await mentions(bo)).filter((b) => b.startsWith('lost')).length === 3);
    await settled(h);
    await stop();

    await restore(`${dir}/chat.a`, dbFile(dir, 'chat'));
    log.lines.length = 0;
    h = await start();
    await send(ann, 'after the restore @Bo');
    await waitFor('the mention after the restore', async () => (await mentions(bo)).includes('after the restore @Bo'), 15_000);
    assert.equal(reconciled('chat').length, 1, 'notifications reconciled once with chat');
    assert.deepEqual((await mentions(bo)).filter((b) => b === 'first @Bo'), ['first @Bo'], 'made once');
    await settled(h);
    await stop();
    await assertNoneAhead();
  });

  it('a notifications database older than its producers: what it reads again is notified once', async () => {
    h = await start();
    const before = await mentions(bo);
    await settled(h);
    await stop();
    copyDb(dbFile(dir, 'notifications'), `${dir}/notifications.a`);

    h = await start();
    for (let i = 0; i < 3; i++) await send(ann, `while it was newer ${i} @Bo`);
    await waitFor('three mentions', async () => (await mentions(bo)).filter((b) => b.startsWith('while')).length === 3);
    await settled(h);
    await stop();

    await restore(`${dir}/notifications.a`, dbFile(dir, 'notifications'));
    log.lines.length = 0;
    h = await start();
    await send(ann, 'later @Bo');
    await waitFor('the later mention', async () => (await mentions(bo)).includes('later @Bo'), 15_000);
    await settled(h);
    const now = await mentions(bo);
    assert.equal(new Set(now).size, now.length, `no mention twice: ${now.join(' | ')}`);
    assert.deepEqual(now.filter((b) => !before.includes(b)).sort(), ['later @Bo', 'while it was newer 0 @Bo', 'while it was newer 1 @Bo', 'while it was newer 2 @Bo']);
    assert.equal(reconciled('chat').length + reconciled('users').length, 0, 'a consumer behind its producers moves nothing back');
    await stop();
    await assertNoneAhead();
  });
});
