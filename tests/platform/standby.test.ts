/**
 * `hearth standby` and `hearth promote` (#15, docs/operations.md "Standby and promote"):
 * a primary replicating with Litestream to a file target, a standby following it on another
 * data directory (its /readyz says standby and how far behind; every other path is a 503
 * problem; writes on the primary reach its files within a few seconds), the primary killed
 * outright, and `hearth promote`: the standby serves the family on the same address with
 * their old passwords, the data written before the kill (less at most the RPO window), new
 * writes, and events flowing between services. Bad requests get clear errors and change nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { signIn } from '../support/accounts.ts';
import { sql } from '../support/database.ts';
import { applianceGroups, drillConfig, drillFamily, freeHttp, killGroup, mentionReachesInbox, outcome, present, replicaUrl, spawnGroup, whenReady, Workload, WINDOW_MS } from '../support/drill.ts';
import { spawnHearth } from '../support/hearth-process.ts';
import { call, getJson } from '../support/http.ts';
import { sleep, waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

describe('hearth standby and hearth promote', { timeout: 240_000 }, () => {
  const dir = useTempDir('standby');

  it('follows the primary a few seconds behind, and once promoted serves the family', async (t) => {
    const replica = join(dir, 'replica');
    const primaryHttp = await freeHttp();
    const primaryFile = drillConfig(dir, { name: 'primary', data: join(dir, 'primary'), http: primaryHttp, replica });
    const primary = spawnGroup(['serve', '--config', primaryFile]);
    const standbyHttp = await freeHttp();
    // A new replica location for the promoted standby: the old primary may come back and write to the old one.
    const standbyFile = drillConfig(dir, { name: 'standby', data: join(dir, 'standby'), http: standbyHttp, replica: join(dir, 'replica-2') });
    const standby = spawnHearth('node', ['standby', '--from-replica', replicaUrl(replica), '--config', standbyFile]);
    let groups = [primary.child.pid!];
    try {
      await whenReady(primaryHttp, Date.now());
      groups = await applianceGroups(primaryHttp, primary.child.pid!);
      const who = await drillFamily(`http://${primaryHttp}`);
      const first = await call({ url: `http://${primaryHttp}` }, 'POST', `/v1/groups/${who.group}/messages`, { token: who.ann.token, body: { text: 'before the standby looked', txnId: 'first' } });
      assert.equal(first.status, 201, first.text);

      // The standby's face: 503 standby with its lag at /readyz, 200 at /healthz, a 503 problem elsewhere.
      const ready = await waitFor('the standby to have a copy', async () => {
        const r = await getJson(`http://${standbyHttp}/readyz`);
        return r.status === 503 && r.body.refreshedAt && r.body;
      }, 60_000);
      assert.equal(ready.status, 'standby');
      assert.equal(ready.replica, replicaUrl(replica));
      assert.equal(typeof ready.behindMs, 'number');
      assert.equal(typeof ready.refreshMs, 'number');
      assert.equal((await fetch(`http://${standbyHttp}/healthz`)).status, 200);
      const elsewhere = await call({ url: `http://${standbyHttp}` }, 'POST', '/v1/auth/login', { body: { email: who.ann.email, password: who.ann.password } });
      assert.equal(elsewhere.status, 503);
      assert.equal(elsewhere.headers.get('content-type'), 'application/problem+json');
      assert.match(elsewhere.body.detail, /standby/);

      // A write on the primary reaches the standby's files within a few seconds.
      const sent = Date.now();
      const m = await call({ url: `http://${primaryHttp}` }, 'POST', `/v1/groups/${who.group}/messages`, { token: who.ann.token, body: { text: 'does the standby see this', txnId: 'seen' } });
      assert.equal(m.status, 201, m.text);
      await waitFor('the message in the standby\'s chat.db', async () => (await sql(join(dir, 'standby', 'chat.db'), "SELECT 1 FROM messages WHERE txn_id = 'seen'")).length === 1, 30_000);
      const lag = (await getJson(`http://${standbyHttp}/readyz`)).body;
      t.diagnostic(`a write on the primary was in the standby's copy ${Date.now() - sent} ms later (its last refresh took ${lag.refreshMs} ms)`);

      const workload = new Workload();
      workload.start(`http://${primaryHttp}`, who);
      await sleep(4000);
      const killedAt = await killGroup(...groups);
      await workload.stop();

      const t0 = Date.now();
      const promote = spawnHearth('node', ['promote', '--config', standbyFile]);
      assert.equal(await promote.exited, 0, promote.output());
      t.diagnostic(`hearth promote took ${Date.now() - t0} ms:\n${promote.output()}`);
      assert.match(promote.output(), new RegExp(`http://${standbyHttp} is the primary now, and ready`));
      assert.equal((await getJson(`http://${standbyHttp}/readyz`)).status, 200);

      const url = `http://${standbyHttp}`;
      const counted = outcome(workload.acked, await present(join(dir, 'standby'), who), killedAt);
      t.diagnostic(`acknowledged ${counted.acked}, held ${counted.held}; RPO ${counted.rpoMs} ms`);
      assert.deepEqual(counted.lostOld, [], `acknowledged writes older than ${WINDOW_MS} ms missing after promotion`);
      const ann = await signIn({ url }, 'Ann', who.ann.email, who.ann.password);
      assert.equal(ann.userId, who.ann.userId);
      await mentionReachesInbox(url, { ...who, ann }, 'after promotion');

      // The promoted primary is a primary: promote again is refused, naming it.
      const again = spawnHearth('node', ['promote', '--config', standbyFile]);
      assert.equal(await again.exited, 1);
      assert.match(again.output(), /is not a standby: it is already a primary/);
      // It replicates to its own new location.
      await waitFor('the promoted primary\'s replica', () => existsSync(join(dir, 'replica-2', 'chat', 'generations')), 30_000);
      assert.equal(await standby.stop('SIGTERM'), 0, standby.output().slice(-2000));
    } finally {
      await killGroup(...groups).catch(() => undefined);
      await standby.stop('SIGKILL');
    }
  });

  it('refuses what would lose data, and promote says when there is no standby', async () => {
    const http = await freeHttp();
    const replica = join(dir, 'nowhere');
    const file = drillConfig(dir, { name: 'refusals', data: join(dir, 'refusals'), http, replica: '' });
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const h = spawnHearth('node', args, { env });
      return { code: await h.exited, out: h.output() };
    };

    let r = await run(['standby', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.out, /hearth standby needs --from-replica URL/);

    // Promoted, it would write where the old primary writes.
    const same = drillConfig(dir, { name: 'same', data: join(dir, 'same'), http, replica });
    r = await run(['standby', '--from-replica', replicaUrl(replica), '--config', same]);
    assert.equal(r.code, 2);
    assert.match(r.out, /replication\.url is .* the replica this standby follows/);

    // A data directory holding a Hearth's data is not a standby's to overwrite.
    const data = join(dir, 'somebody');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'chat.db'), 'the family\'s messages');
    const theirs = drillConfig(dir, { name: 'theirs', data, http, replica: '' });
    r = await run(['standby', '--from-replica', replicaUrl(replica), '--config', theirs]);
    assert.equal(r.code, 2);
    assert.match(r.out, /holds a Hearth's data \(chat\.db\) that a standby would overwrite/);
    assert.equal(readFileSync(join(data, 'chat.db'), 'utf8'), 'the family\'s messages');
    // … nor is another replica's standby copy.
    writeFileSync(join(data, 'hearth.standby.json'), JSON.stringify({ replica: 'file:///mnt/elsewhere' }));
    r = await run(['standby', '--from-replica', replicaUrl(replica), '--config', theirs]);
    assert.equal(r.code, 2);
    assert.match(r.out, /holds a standby's copy of file:\/\/\/mnt\/elsewhere, not of/);
    assert.equal(readFileSync(join(data, 'chat.db'), 'utf8'), 'the family\'s messages');

    // Without Litestream there is nothing to restore with.
    r = await run(['standby', '--from-replica', replicaUrl(replica), '--config', file], { HEARTH_REPLICATION__LITESTREAM: join(dir, 'no-such-litestream') });
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /no-such-litestream/);
    r = await run(['promote', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.out, /no standby is running on \S+refusals; start one with hearth standby --from-replica URL/);

    // A standby whose replica cannot be read runs, says why at /readyz, and has nothing to promote.
    const standby = spawnHearth('node', ['standby', '--from-replica', replicaUrl(replica), '--config', file]);
    try {
      const ready = await waitFor('the standby to report its error', async () => {
        const s = await getJson(`http://${http}/readyz`);
        return s.body.error && s.body;
      }, 60_000);
      assert.match(ready.error, /does not exist/);
      assert.equal(ready.refreshedAt, undefined);
      r = await run(['promote', '--config', file]);
      assert.equal(r.code, 1);
      assert.match(r.out, /not promoted: the replica cannot be read .* and this standby has no copy yet/);
      assert.equal((await getJson(`http://${http}/readyz`)).body.status, 'standby', 'still a standby');
      assert.deepEqual(readdirSync(join(dir, 'refusals')).filter((f) => f.endsWith('.db')), []);
    } finally {
      assert.equal(await standby.stop('SIGTERM'), 0, standby.output());
    }
  });
});
