/**
 * `Idempotency-Key` on POST: through the real stack, a replay answers the first response
 * (marked `Idempotent-Replayed: true`) and the command runs once; another request under
 * the same key is 422; keys are per user. Through `app.request()` with a users service the
 * test controls: a duplicate while the first is in flight is 409, a 5xx is not stored (the
 * client may retry under the same key), and a stored answer expires.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../src/kit/index.ts';
import { mint, pureGateway, type Pure } from './pure.ts';
import { assertProblem, call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: idempotency through the real stack', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-idem');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [ann, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
  });
  after(() => h?.stop());

  const create = (u: User, key: string, name = 'Family') => call(h, 'POST', '/v1/groups', { token: u.token, body: { name }, headers: { 'idempotency-key': key } });

  it('replays the first answer and creates the group once', async () => {
    const first = await create(ann, 'k-1');
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const again = await create(ann, 'k-1');
    assert.deepEqual([again.status, again.body], [201, first.body]);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.headers.get('content-type'), 'application/json');
    const groups = await call(h, 'GET', '/v1/groups', { token: ann.token });
    assert.equal(groups.body.groups.length, 1);
  });

  it('refuses the same key with another body with 422', async () => {
    assertProblem(await create(ann, 'k-1', 'Other'), 422, 'gateway.idempotency_mismatch');
  });

  it('keeps keys per user', async () => {
    const theirs = await create(bo, 'k-1');
    assert.equal(theirs.status, 201);
    assert.equal(theirs.headers.get('idempotent-replayed'), null);
    assert.notEqual(theirs.body.id, (await create(ann, 'k-1')).body.id);
  });

  it('stores problem answers too (the command was decided)', async () => {
    const first = await call(h, 'POST', `/v1/invites/${'x'.repeat(22)}/accept`, { token: ann.token, headers: { 'idempotency-key': 'k-bad' } });
    assertProblem(first, 404);
    const again = await call(h, 'POST', `/v1/invites/${'x'.repeat(22)}/accept`, { token: ann.token, headers: { 'idempotency-key': 'k-bad' } });
    assert.deepEqual([again.status, again.headers.get('idempotent-replayed'), again.body.code], [404, 'true', first.body.code]);
  });
});

describe('gateway: idempotency edge cases', () => {
  const dir = useTempDir('gw-idem-pure');
  let g: Pure;
  let token: string;
  const USER = uuidv7();
  const post = (key: string, name = 'Family') =>
    g.request('/v1/groups', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ name }) });
  /** What users would answer, with its event applied to the read model (as the consumer would a moment later). */
  const group = async (name: string) => {
    const id = uuidv7();
    await g.feed({ type: 'group.created', data: { groupId: id, name, ownerId: USER, ownerName: 'A' } });
    return { id, name, role: 'owner', memberCount: 1, createdAt: new Date().toISOString() };
  };

  before(async () => {
    g = await pureGateway(dir, (c) => void (c.gateway.idempotency_hours = 1));
    token = await mint(g.keys[0]!, { sub: USER });
  });
  after(() => g?.close());

  it('answers 409 to a duplicate while the first is still running, then replays', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let runs = 0;
    g.answers['svc.users.create_group'] = async () => {
      runs++;
      await held;
      return group('Family');
    };
    const first = post('k-slow');
    await new Promise((r) => setTimeout(r, 50));
    const dup = await post('k-slow');
    assert.equal(dup.status, 409);
    assert.equal((await dup.json()).code, 'gateway.idempotency_in_flight');
    release();
    assert.equal((await first).status, 201);
    assert.equal((await post('k-slow')).headers.get('idempotent-replayed'), 'true');
    assert.equal(runs, 1);
  });

  it('does not store a 5xx: the same key may be retried', async () => {
    delete g.answers['svc.users.create_group'];
    assert.equal((await post('k-retry')).status, 503);
    g.answers['svc.users.create_group'] = () => group('Family');
    const retried = await post('k-retry');
    assert.equal(retried.status, 201);
    assert.equal(retried.headers.get('idempotent-replayed'), null);
  });

  it('replays the headers that are part of the answer: a started backup\'s Location', async () => {
    let runs = 0;
    g.answers['svc.users.me'] = () => ({ id: USER, email: 'a@example.org', displayName: 'A', avatar: null, admin: true, createdAt: new Date().toISOString() });
    g.answers['svc.supervisor.backup_start'] = () => (runs++, { name: 'hearth-backup-20261202T210000Z.tar.gz' });
    const start = () => g.request('/v1/admin/backups', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k-backup' } });
    const first = await start();
    const again = await start();
    assert.deepEqual([first.status, again.status, again.headers.get('idempotent-replayed')], [202, 202, 'true']);
    assert.equal(again.headers.get('location'), '/v1/admin/backups/hearth-backup-20261202T210000Z.tar.gz');
    assert.equal(again.headers.get('location'), first.headers.get('location'));
    assert.deepEqual(await again.json(), await first.json());
    assert.equal(runs, 1);
  });

  it('never keeps an answer that shows a secret: a retry signs in again, and the database holds no token', async () => {
    let runs = 0;
    g.answers['svc.users.login'] = () => (runs++, { accessToken: `access-${runs}`, refreshToken: `refresh-secret-${runs}`, expiresIn: 900, tokenType: 'Bearer', userId: USER, sessionId: uuidv7() });
    const login = () =>
      g.request('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-login' }, body: JSON.stringify({ email: 'a@example.org', password: 'a long password' }) });
    const [first, again] = [await login(), await login()];
    assert.deepEqual([first.status, again.status], [200, 200]);
    assert.equal(again.headers.get('idempotent-replayed'), null);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.notEqual((await first.json()).refreshToken, (await again.json()).refreshToken);
    assert.equal(runs, 2);
    const kept = await g.db.query("SELECT count(*) AS n FROM idempotency WHERE body LIKE '%refresh-secret%'");
    assert.equal(kept[0]!.n, 0);
  });

  it('forgets a stored answer after idempotency_hours', async () => {
    let runs = 0;
    g.answers['svc.users.create_group'] = () => (runs++, group('Family'));
    await post('k-old');
    assert.equal((await post('k-old')).headers.get('idempotent-replayed'), 'true');
    g.clock.offset += 3601_000;
    const later = await post('k-old');
    assert.equal(later.headers.get('idempotent-replayed'), null);
    assert.equal(runs, 2);
    assert.ok((await g.deps.idempotency.prune()) >= 1, 'expired rows are pruned');
  });
});
