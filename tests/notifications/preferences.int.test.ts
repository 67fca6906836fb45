/**
 * Preferences through the gateway: a muted group (for N minutes) and a type turned off
 * drop notifications, quiet hours keep them in the inbox but off the phone, and an SOS
 * comes through all of it — in the inbox and at the phone. Each "nothing came" is checked
 * after a later notification from the same source arrived, so it is not just "not yet".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { inbox, notifiedFamily, recorder, waitInbox, type Recorder } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: preferences', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-prefs');
  let h: InProcessHearth;
  let ntfy: Recorder;
  let ann: User;
  let bo: User;
  let family: string;
  let club: string;
  let n = 0;
  const say = async (groupId: string, text: string) => {
    const r = await call(h, 'POST', `/v1/groups/${groupId}/messages`, { token: ann.token, body: { text, txnId: `p${++n}` } });
    assert.equal(r.status, 201, r.text);
  };
  const prefs = (body: unknown) => call(h, 'PUT', '/v1/notifications/preferences', { token: bo.token, body });
  const bodies = async () => (await inbox(h, bo, '?limit=100')).items.map((x) => x.body);

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { forwarder: { tickMs: 50 } });
    ntfy = await recorder();
    ({ users: [ann, bo], group: family } = await notifiedFamily(h, ['Ann', 'Bo']));
    club = await makeGroup(h, ann, 'Club');
    await joinGroup(h, club, ann, bo);
    await waitInbox(h, ann, 2, (x) => x.type === 'invite_accepted');
    const t = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'ntfy', url: `${ntfy.url}/bo-phone` } });
    assert.equal(t.status, 201, t.text);
  });
  after(async () => {
    await h?.stop();
    await ntfy?.close();
  });

  it('reads back the defaults, then what was set (a mute "for 8 hours" as the instant it ends)', async () => {
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/preferences', { token: bo.token })).body, { mutes: [], types: {}, quietHours: null, watches: [] });
    const before = Date.now();
    const set = await prefs({ mutes: [{ groupId: family, forMinutes: 480 }], types: { place_left: false }, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' } });
    assert.equal(set.status, 200, set.text);
    const until = Date.parse(set.body.mutes[0].until);
    assert.ok(until >= before + 480 * 60_000 && until <= Date.now() + 480 * 60_000, set.text);
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/preferences', { token: bo.token })).body, set.body);
  });

  it('drops what a muted group says, but an SOS comes through, in the inbox and at the phone', async () => {
    assert.equal((await prefs({ mutes: [{ groupId: family, forMinutes: 60 }] })).status, 200);
    await say(family, '@Bo muted one');
    await say(club, '@Bo from the club');
    await waitInbox(h, bo, 1, (x) => x.body === '@Bo from the club');
    assert.ok(!(await bodies()).includes('@Bo muted one'));
    assert.equal((await call(h, 'POST', `/v1/groups/${family}/sos`, { token: ann.token, body: {} })).status, 201);
    const [sos] = await waitInbox(h, bo, 1, (x) => x.type === 'sos_raised');
    assert.equal(sos.quiet, false);
    await waitFor('the SOS at the phone', () => ntfy.received.some((r) => r.json?.title === 'SOS from Ann') || undefined);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${family}/sos`, { token: ann.token })).status, 200);
    await waitInbox(h, bo, 1, (x) => x.type === 'sos_cleared');
  });

  it('drops a type that is turned off, in every group', async () => {
    assert.equal((await prefs({ types: { mention: false } })).status, 200);
    await say(club, '@Bo switched off');
    assert.equal((await prefs({})).status, 200);
    await say(club, '@Bo back on');
    await waitInbox(h, bo, 1, (x) => x.body === '@Bo back on');
    assert.ok(!(await bodies()).includes('@Bo switched off'));
  });

  it('keeps notifications quiet during quiet hours: in the inbox, marked quiet, not forwarded', async () => {
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const window = { start: hhmm(new Date(now.getTime() - 3_600_000)), end: hhmm(new Date(now.getTime() + 3_600_000)), timeZone: 'UTC' };
    assert.equal((await prefs({ quietHours: window })).status, 200);
    await say(club, '@Bo during quiet hours');
    const [quiet] = await waitInbox(h, bo, 1, (x) => x.body === '@Bo during quiet hours');
    assert.equal(quiet.quiet, true);
    assert.equal((await prefs({})).status, 200);
    await say(club, '@Bo after quiet hours');
    const [loud] = await waitInbox(h, bo, 1, (x) => x.body === '@Bo after quiet hours');
    assert.equal(loud.quiet, false);
    await waitFor('the loud one at the phone', () => ntfy.received.some((r) => r.json?.message === '@Bo after quiet hours') || undefined);
    assert.ok(!ntfy.received.some((r) => r.json?.message === '@Bo during quiet hours'), 'a quiet notification is never forwarded');
  });

  it('refuses bad preferences with the field at fault, and keeps the old ones', async () => {
    const kept = (await call(h, 'GET', '/v1/notifications/preferences', { token: bo.token })).body;
    const cases: [unknown, number, string][] = [
      [{ types: { sos_raised: false } }, 400, 'body.types'],
      [{ types: { sos_cleared: false } }, 400, 'body.types'],
      [{ types: { gossip: true } }, 400, 'body.types.gossip'],
      [{ quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, 400, 'body.quietHours.start'],
      [{ quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }, 400, 'body.quietHours.timeZone'],
      [{ mutes: [{ groupId: family, forMinutes: 0 }] }, 400, 'body.mutes.0.forMinutes'],
      [{ mutes: [{ groupId: family, forMinutes: 5, until: '2030-01-01T00:00:00Z' }] }, 400, 'body.mutes.0'],
      [{ mutes: [{ groupId: 'family' }] }, 400, 'body.mutes.0.groupId'],
      [{ colour: 'blue' }, 400, 'body.colour'],
    ];
    for (const [body, status, path] of cases) {
      const r = await prefs(body);
      assertProblem(r, status);
      assert.ok(r.body.errors?.some((e: { path: string }) => e.path === path), `${JSON.stringify(body)} → ${r.text}`);
    }
    assertProblem(await prefs({ mutes: [{ groupId: '01900000-0000-7000-8000-0000000000ee' }] }), 404, 'membership.not_a_member');
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/preferences', { token: bo.token })).body, kept);
  });
});
