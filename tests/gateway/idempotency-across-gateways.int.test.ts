/**
 * `Idempotency-Key` whichever gateway the retry reaches (#19): two gateways on one broker,
 * as behind a load balancer, share no database; the services record each command applied
 * under a key in the command's own transaction, so a retry through the other gateway is
 * answered the same (status, body, `Location`, marked `Idempotent-Replayed: true`) and
 * applied once — even when the service was SIGKILLed after its commit and before its answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/kit/index.ts';
import { signUp, type User } from '../support/accounts.ts';
import { useBroker } from '../support/broker.ts';
import { spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { startSecondGateway } from '../support/gateways.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

describe('gateway: Idempotency-Key across two gateways', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-idem-two');
  let h: InProcessHearth;
  let second: RunningService;
  let a: { url: string };
  let b: { url: string };
  let ann: User;
  let groupId: string;

  before(async () => {
    // sameFiles: the users database is <dir>/users.db, where a spawned `hearth service users --data <dir>` finds it.
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.kit.request_timeout_ms = 1500), { sameFiles: true });
    const started = await startSecondGateway(h, broker().url, dir);
    [second, b] = [started.service, { url: started.url }];
    a = { url: h.url };
    ann = await signUp(a, 'Ann');
  });
  after(async () => {
    await second?.stop();
    await h?.stop();
  });

  const post = (g: { url: string }, path: string, key: string, body?: unknown) => call(g, 'POST', path, { token: ann.token, body, headers: { 'idempotency-key': key } });
  const groups = async () => (await call(a, 'GET', '/v1/groups', { token: ann.token })).body.groups as { id: string }[];
  const sameAnswer = (again: Answer, first: Answer) => {
    assert.deepEqual([again.status, again.body, again.headers.get('location')], [first.status, first.body, first.headers.get('location')]);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
  };

  it('creates a group once when the retry reaches the other gateway, and answers it the same', async () => {
    const first = await post(a, '/v1/groups', 'g-1', { name: 'Family' });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    sameAnswer(await post(b, '/v1/groups', 'g-1', { name: 'Family' }), first);
    assert.deepEqual((await groups()).map((g) => g.id), [first.body.id]);
    groupId = first.body.id;
  });

  it('applies the same request sent to both gateways at once only once', async () => {
    const before = (await groups()).length;
    const [x, y] = await Promise.all([post(a, '/v1/groups', 'g-race', { name: 'Race' }), post(b, '/v1/groups', 'g-race', { name: 'Race' })]);
    assert.deepEqual([x.status, y.status], [201, 201], `${x.text} ${y.text}`);
    assert.deepEqual(y.body, x.body);
    assert.equal([x, y].filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 1, 'one applied, the other replayed');
    assert.equal((await groups()).length, before + 1);
  });

  it('refuses the key with another request on the other gateway (422), and keeps it per user', async () => {
    const before = (await groups()).length;
    assertProblem(await post(b, '/v1/groups', 'g-1', { name: 'Other' }), 422, 'gateway.idempotency_mismatch');
    const bo = await signUp(b, 'Bo');
    const theirs = await call(b, 'POST', '/v1/groups', { token: bo.token, body: { name: 'Family' }, headers: { 'idempotency-key': 'g-1' } });
    assert.deepEqual([theirs.status, theirs.headers.get('idempotent-replayed')], [201, null]);
    assert.equal((await groups()).length, before);
  });

  it('sends a chat message and creates an invite once through either gateway', async () => {
    // The other gateway authorises by its own read model: it must know the group first.
    await waitFor('the other gateway to know the group', async () => (await call(b, 'GET', `/v1/groups/${groupId}`, { token: ann.token })).status === 200);
    const path = `/v1/groups/${groupId}/messages`;
    const sent = await post(b, path, 'm-1', { text: 'home by six', txnId: 't-1' });
    assert.equal(sent.status, 201, sent.text);
    // Without the record chat would answer its own txnId duplicate (`duplicate: true`): not the same answer.
    sameAnswer(await post(a, path, 'm-1', { text: 'home by six', txnId: 't-1' }), sent);
    const history = await call(a, 'GET', path, { token: ann.token });
    assert.equal(history.body.messages.filter((m: { text: string }) => m.text === 'home by six').length, 1);

    const invite = await post(a, `/v1/groups/${groupId}/invites`, 'i-1', { maxUses: 3 });
    assert.equal(invite.status, 201, invite.text);
    sameAnswer(await post(b, `/v1/groups/${groupId}/invites`, 'i-1', { maxUses: 3 }), invite);
    const invites = await call(b, 'GET', `/v1/groups/${groupId}/invites`, { token: ann.token });
    assert.deepEqual(invites.body.invites.map((i: { code: string }) => i.code), [invite.body.code]);
  });

  it('replays the Location of a started export on the other gateway, with the same saga', async () => {
    const first = await post(a, '/v1/me/export', 'e-1');
    assert.equal(first.status, 202, first.text);
    assert.equal(first.headers.get('location'), '/v1/me/export');
    sameAnswer(await post(b, '/v1/me/export', 'e-1'), first);
  });

  it('changes a password once: the retry through the other gateway is answered, not refused as a wrong password', async () => {
    const body = { currentPassword: ann.password, newPassword: 'a brand new passphrase' };
    const first = await post(a, '/v1/me/password', 'p-1', body);
    assert.equal(first.status, 200, first.text);
    // The current password is the new one now: only the record knows this retry was applied.
    sameAnswer(await post(b, '/v1/me/password', 'p-1', body), first);
    assertProblem(await call(b, 'POST', '/v1/me/password', { token: ann.token, body }), 403, 'users.wrong_password');
  });

  it('applies a command once when its service is SIGKILLed between commit and answer and the client retries on the other gateway', async () => {
    await h.stopUsers();
    const users = (kill: boolean): HearthProcess =>
      spawnHearth('node', ['service', 'users', '--data', dir, '--broker', broker().url], { env: kill ? { TEST_HEARTH_IDEMPOTENT_KILL: 'svc.users.create_group' } : {} });
    let child = users(true);
    try {
      await child.waitForOutput(/"msg":"ready"/, 60_000);
      const before = (await groups()).length;
      // The group is committed, then the process dies: gateway A hears nothing and answers 504.
      const lost = await post(a, '/v1/groups', 'g-kill', { name: 'Scouts' });
      assert.equal(lost.status, 504, lost.text);
      assert.equal(await child.exited, 'SIGKILL');
      child = users(false);
      await child.waitForOutput(/"msg":"ready"/, 60_000);
      const retried = await post(b, '/v1/groups', 'g-kill', { name: 'Scouts' });
      assert.deepEqual([retried.status, retried.body.name, retried.headers.get('idempotent-replayed')], [201, 'Scouts', 'true']);
      // Gateway A stored nothing for the 504: its own retry asks the service, which answers the same.
      sameAnswer(await post(a, '/v1/groups', 'g-kill', { name: 'Scouts' }), retried);
      const now = await groups();
      assert.equal(now.length, before + 1);
      assert.equal(now.filter((g) => g.id === retried.body.id).length, 1);
    } finally {
      await child.stop('SIGTERM');
    }
  });
});
