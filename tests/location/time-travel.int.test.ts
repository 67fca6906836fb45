/**
 * Time travel through the real gateway: the live view at a past instant must be exactly the
 * fold of each scope's events recorded by then. The oracle folds the location service's own
 * log from the empty scope with the domain's `evolve` and maps it with `memberView`; the
 * service instead starts from its newest snapshot, so a history of more than a hundred fixes
 * (a snapshot every hundred) with SOS, going offline and a journey checks the two agree.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import type { Envelope } from '../../src/kit/index.ts';
import { emptyScope, evolve, memberView, readSettings, recordedOf } from '../../services/location/index.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('location: time travel', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-time-travel');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  const instants: string[] = [];
  let t = Date.now() - 3_600_000;

  /** Records an instant between two steps: everything before it is at or before it, nothing after is. */
  const mark = async () => {
    await sleep(3);
    instants.push(new Date().toISOString());
    await sleep(3);
  };
  const fixes = async (u: User, n: number, from: { lat: number; lon: number }) => {
    const batch = Array.from({ length: n }, (_, i) => ({ lat: from.lat + i * 1e-4, lon: from.lon, timestamp: new Date((t += 1000)).toISOString(), accuracy: 5, battery: 90 - (i % 50) }));
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body: { fixes: batch } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.accepted, n);
  };
  const ok = async (method: string, path: string, u: User, body?: unknown) => {
    const r = await call(h, method, `/v1/groups/${group}${path}`, { token: u.token, ...(body === undefined ? {} : { body }) });
    assert.ok(r.status === 200 || r.status === 201, r.text);
    return r.body;
  };
  const state = async (u: User) => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    return r.body.members.find((m: any) => m.userId === u.userId).state;
  };

  /** The oracle: every member's view at `at`, folded from the whole log. */
  const expected = (log: Envelope[], members: { userId: string; displayName: string }[], at: string) => {
    const rules = readSettings(h.config).rules;
    return members.map((m) => {
      const scope = log
        .filter((e) => e.stream === `scope:${group}:${m.userId}` && e.at <= at)
        .reduce((s, e) => evolve(s, recordedOf(e), rules), emptyScope(group, m.userId));
      return JSON.parse(JSON.stringify(memberView(m, scope)));
    });
  };
  const liveAt = async (at: string) => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live?at=${encodeURIComponent(at)}`, { token: bo.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.at, at);
    return r.body.members as any[];
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.location.offline_grace_s = 1;
      c.location.max_report_interval_s = 2;
    });
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
  });
  after(() => h?.stop());

  it('records a history: fixes, SOS, going offline, a journey', async () => {
    await mark();
    await fixes(bo, 70, { lat: 52.5, lon: 13.4 });
    await mark();
    await ok('POST', '/sos', bo, {});
    await mark();
    await fixes(ann, 3, { lat: 48.1, lon: 11.5 });
    await waitFor('Bo offline (under the SOS)', async () => (await h.location.events.read(0, 100_000)).some((e) => e.type === 'state.went_offline' && e.stream.endsWith(bo.userId)) || undefined);
    await mark();
    await ok('DELETE', '/sos', bo);
    await mark();
    await fixes(bo, 130, { lat: 52.6, lon: 13.4 }); // more than a hundred in a row: a snapshot among them
    await mark();
    await ok('POST', '/journey', bo, { mode: 'driving', destination: { name: 'Lake', lat: 53.0, lon: 13.4 }, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() });
    await mark();
    await fixes(bo, 30, { lat: 52.7, lon: 13.4 });
    await mark();
    await waitFor('Bo warned (offline on a journey)', async () => (await state(bo)) === 'warning' || undefined);
    await mark();
    await ok('DELETE', '/journey', bo);
    await ok('POST', '/sos', ann, { lat: 48.2, lon: 11.6 });
    await mark();
    const log = await h.location.events.read(0, 100_000);
    assert.ok(log.filter((e) => e.type === 'location.sampled').length > 230);
  });

  it('takes snapshots along the fixes', async () => {
    const log = await h.location.events.read(0, 100_000);
    const sampled = new Set(log.filter((e) => e.type === 'location.sampled').map((e) => e.seq));
    const snaps = await h.location.db.query('SELECT seq FROM snapshots WHERE group_id = ? AND user_id = ?', [group, bo.userId]);
    assert.ok(snaps.filter((s) => sampled.has(Number(s.seq))).length >= 1, 'a snapshot taken after a hundred fixes');
  });

  it('shows at each recorded instant exactly the fold of the events up to it', async () => {
    const log = await h.location.events.read(0, 100_000);
    const now = await liveAt(instants.at(-1)!);
    const members = now.map((m) => ({ userId: m.userId, displayName: m.displayName }));
    assert.deepEqual(members.map((m) => m.displayName), ['Ann', 'Bo']);
    const states = new Set<string>();
    for (const at of instants) {
      const got = await liveAt(at);
      assert.deepEqual(got, expected(log, members, at), `at ${at}`);
      for (const m of got) states.add(m.state);
    }
    assert.deepEqual([...states].sort(), ['active', 'inactive', 'routing', 'sos', 'warning'], 'the instants cover every state');
    const first = await liveAt(instants[0]!);
    assert.ok(first.every((m) => m.lastFix === null && m.state === 'inactive'), 'before anything: nothing known');
  });

  it('agrees with the fold at and just before every snapshot, and inside batches', async () => {
    const log = await h.location.events.read(0, 100_000);
    const members = [ann, bo].map((u) => ({ userId: u.userId, displayName: u.name }));
    const snaps = await h.location.db.query('SELECT at FROM snapshots WHERE group_id = ?', [group]);
    const bySeq = log.filter((e) => e.stream.startsWith(`scope:${group}:`));
    const ats = new Set<string>();
    for (const s of snaps) {
      const at = Date.parse(String(s.at));
      for (const d of [-1, 0, 1]) ats.add(new Date(at + d).toISOString());
    }
    for (let i = 0; i < bySeq.length; i += 17) ats.add(bySeq[i]!.at);
    assert.ok(ats.size > 20);
    for (const at of ats) assert.deepEqual(await liveAt(at), expected(log, members, at), `at ${at}`);
  });

  it('refuses an instant in the future', async () => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live?at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: bo.token });
    assertProblem(r, 400, 'location.at_in_future');
    assertProblem(await call(h, 'GET', `/v1/groups/${group}/live?at=yesterday`, { token: bo.token }), 400);
  });
});
