/**
 * "Export my data" through the gateway, with every service in this process (their clock
 * movable, for the link's expiry): the archive of a member with data in every service parses
 * and holds it all, without a secret; bad input and the wrong caller are refused; a new
 * export removes the old one's files; a deleted account's exports go; and the link expires
 * (410, files gone).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeGroup, joinGroup, signUp, type User } from '../support/accounts.ts';
import { rawRequest, useBroker } from '../support/broker.ts';
import { encode } from '../../src/kit/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { allText, readArchive } from './export-archive.ts';

describe('export my data (in process)', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('export');
  let h: InProcessHearth;
  let offset = 0;
  let ann: User;
  let bo: User;
  let group: string;
  const secrets: string[] = [];
  let exportsDir: string;

  const status = async (u: User) => (await call(h, 'GET', '/v1/me/export', { token: u.token })).body;
  const exportOf = async (u: User) => {
    const started = await call(h, 'POST', '/v1/me/export', { token: u.token });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.body.status, 'running');
    await waitFor('the export to be ready', async () => ((await status(u)).state === 'ready' ? true : undefined), 20_000);
    return started.body.sagaId as string;
  };
  const download = async (u: User) => {
    const res = await fetch(`${h.url}/v1/me/export/download`, { headers: { authorization: `Bearer ${u.token}` } });
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { usersNow: () => Date.now() + offset });
    exportsDir = join(h.config.data, 'exports');
    ann = await signUp(h, 'Ann');
    bo = await signUp(h, 'Bo');
    group = await makeGroup(h, ann, 'Family & <Friends>');
    await joinGroup(h, group, ann, bo);
    secrets.push(ann.password, ann.refreshToken, ann.token, bo.password);
    const fixes = Array.from({ length: 30 }, (_, i) => ({ lat: 52.5 + i / 1000, lon: 13.4, timestamp: new Date(Date.now() - (40 - i) * 60_000).toISOString(), accuracy: 5, altitude: 30 }));
    await waitFor('Ann known to location', async () => (await call(h, 'POST', '/v1/locations', { body: { fixes: fixes.slice(0, 1) }, token: ann.token })).body?.groups?.length === 1 || undefined, 10_000);
    assert.equal((await call(h, 'POST', '/v1/locations', { body: { fixes: fixes.slice(1) }, token: ann.token })).status, 200);
    for (const text of ['Hello from Ann', 'Ann says <b>hi</b> & "bye"', 'a message Ann deletes']) {
      const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { body: { text, txnId: crypto.randomUUID() }, token: ann.token });
      assert.equal(r.status, 201, r.text);
      if (text.includes('deletes')) assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/messages/${r.body.message.id}`, { token: ann.token })).status, 200);
    }
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/messages`, { body: { text: 'Bo writes this', txnId: crypto.randomUUID() }, token: bo.token })).status, 201);
    const journey = await call(h, 'POST', `/v1/groups/${group}/journey`, { body: { mode: 'walking', destination: { name: 'Grandma', lat: 52.6, lon: 13.5 }, expectedArrival: new Date(Date.now() + 3600_000).toISOString() }, token: ann.token });
    assert.equal(journey.status, 201, journey.text);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/journey`, { token: ann.token })).status, 200);
    const place = await call(h, 'POST', `/v1/groups/${group}/places`, { body: { name: 'Home', lat: 52.5, lon: 13.4, radius: 100 }, token: ann.token });
    assert.equal(place.status, 201, place.text);
    const app = await call(h, 'POST', '/v1/me/app-passwords', { body: { label: 'OwnTracks phone' }, token: ann.token });
    assert.equal(app.status, 201, app.text);
    secrets.push(app.body.password);
    const ntfy = await call(h, 'POST', '/v1/notifications/targets', { body: { kind: 'ntfy', url: 'https://ann:ntfy-pass-4u7@ntfy.example.org/ann-topic' }, token: ann.token });
    assert.equal(ntfy.status, 201, ntfy.text);
    secrets.push('ntfy-pass-4u7');
    const hook = await call(h, 'POST', '/v1/notifications/targets', { body: { kind: 'webhook', url: 'https://hooks.example.org/ann' }, token: ann.token });
    assert.equal(hook.status, 201, hook.text);
    secrets.push(hook.body.secret);
  });
  after(() => h?.stop());

  it('refuses a caller without a session, and has nothing before the first export', async () => {
    assertProblem(await call(h, 'POST', '/v1/me/export', {}), 401);
    assertProblem(await call(h, 'GET', '/v1/me/export', {}), 401);
    assertProblem(await call(h, 'GET', '/v1/me/export/download', {}), 401);
    assert.deepEqual(await status(ann), { state: 'none', sagaId: null, step: null, startedAt: null, expiresAt: null, size: null, download: null, error: null });
    assertProblem(await call(h, 'GET', '/v1/me/export/download', { token: ann.token }), 404, 'export.not_found');
    // An app password (a phone's) cannot take everything out: exports need a signed-in session.
    const app = await call(h, 'POST', '/v1/me/app-passwords', { body: { label: 'script' }, token: ann.token });
    const basic = `Basic ${Buffer.from(`${ann.email}:${app.body.password}`).toString('base64')}`;
    const refused = await fetch(`${h.url}/v1/me/export`, { method: 'POST', headers: { authorization: basic } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json');
    assert.equal((await call(h, 'DELETE', `/v1/me/app-passwords/${app.body.id}`, { token: ann.token })).status, 204);
  });

  it("refuses a participant's page request it cannot answer (a cursor it did not write, a bad limit)", async () => {
    const ask = (data: unknown) => rawRequest(h.nc, 'saga.location.export_page', encode({ sagaId: 'test', step: 'location', data }));
    assert.equal((await ask({ userId: ann.userId, cursor: '0|0|{', limit: 10 })).error?.code, 'kit.bad_cursor');
    assert.equal((await ask({ userId: ann.userId, cursor: '0|7|', limit: 10 })).error?.code, 'kit.bad_cursor');
    assert.equal((await ask({ userId: ann.userId, limit: 0 })).error?.kind, 'validation');
    assert.equal((await ask({ userId: 'not-a-uuid', limit: 10 })).error?.kind, 'validation');
    const first = (await ask({ userId: ann.userId, limit: 10 })).ok as { page: number; section: string; lines: string[]; next: string };
    assert.deepEqual([first.page, first.section, first.lines.length], [0, 'fixes', 10]);
  });

  it("puts all of Ann's data, and nobody else's and no secret, in one archive that parses", async () => {
    const sagaId = await exportOf(ann);
    const s = await status(ann);
    assert.equal(s.sagaId, sagaId);
    assert.equal(s.download, '/v1/me/export/download');
    assert.ok(Date.parse(s.expiresAt) - Date.now() > 23.9 * 3600_000, 'valid for 24 hours by default');
    const { res, bytes } = await download(ann);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="hearth-export-\d{4}-\d\d-\d\d\.zip"$/);
    assert.equal(Number(res.headers.get('content-length')), bytes.length);
    assert.equal(bytes.length, s.size);
    const a = readArchive(bytes);
    assert.deepEqual(a.names.filter((n) => !n.endsWith('.gpx')).sort(), [
      'README.txt', 'chat/messages.json', 'location/fixes.json', 'location/journeys-and-alerts.json', 'location/place-suggestions.json', 'location/places.json', 'location/sharing-and-journeys.json',
      'notifications/notifications.json', 'notifications/preferences.json', 'notifications/targets.json',
      'users/app-passwords.json', 'users/groups.json', 'users/profile.json', 'users/sessions.json',
    ]);
    const j = (n: string) => a.json.get(n) as Record<string, any>[];
    assert.deepEqual(j('users/profile.json').map((p) => [p.email, p.displayName]), [[ann.email, 'Ann']]);
    assert.deepEqual(j('users/groups.json').map((g) => [g.groupId, g.name, g.role]), [[group, 'Family & <Friends>', 'owner']]);
    assert.ok(j('users/sessions.json').some((x) => x.id === ann.sessionId));
    assert.ok(j('users/app-passwords.json').some((x) => x.label === 'OwnTracks phone'));
    for (const x of j('users/app-passwords.json')) assert.deepEqual(Object.keys(x).sort(), ['createdAt', 'id', 'label', 'lastUsedAt']);
    assert.equal(j('location/fixes.json').length, 30);
    assert.deepEqual(j('location/places.json').map((p) => p.name), ['Home']);
    const history = j('location/journeys-and-alerts.json');
    assert.deepEqual(history.filter((e) => e.type.startsWith('journey.')).map((e) => [e.type, e.groupId, e.destination?.name]), [['journey.routing_started', group, 'Grandma'], ['journey.routing_stopped', group, undefined]]);
    assert.ok(history.every((e) => e.type !== 'location.sampled' && !('userId' in e)));
    assert.deepEqual(j('chat/messages.json').map((m) => m.text), ['Hello from Ann', 'Ann says <b>hi</b> & "bye"']);
    assert.deepEqual(j('notifications/targets.json').map((t) => [t.kind, t.url]), [['ntfy', 'https://ntfy.example.org/ann-topic'], ['webhook', 'https://hooks.example.org/ann']]);
    assert.ok(j('notifications/notifications.json').length >= 1, 'Bo joining was told to Ann');
    assert.deepEqual([...a.gpxPoints.values()], [30]);
    const text = allText(a);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret is in the archive: ${secret.slice(0, 6)}…`);
    assert.doesNotMatch(text, /scrypt\$|password_?hash|refresh_?token|"secret"/i);
    assert.ok(!text.includes('Bo writes this'), "Bo's message is not in Ann's export");
    // Private on disk: the archive 0600, its directory 0700, the parts gone.
    const files = readdirSync(join(exportsDir, sagaId)).sort();
    assert.deepEqual(files, ['archive.zip', 'meta.json']);
    assert.equal(statSync(join(exportsDir, sagaId, 'archive.zip')).mode & 0o777, 0o600);
    assert.equal(statSync(join(exportsDir, sagaId)).mode & 0o777, 0o700);
    // Bo has none of Ann's.
    assert.equal((await status(bo)).state, 'none');
    assertProblem(await call(h, 'GET', '/v1/me/export/download', { token: bo.token }), 404, 'export.not_found');
  });

  it("removes an account's exports when the account is deleted (the archive holds its e-mail)", async () => {
    const cy = await signUp(h, 'Cy');
    const sagaId = await exportOf(cy);
    assert.equal(existsSync(join(exportsDir, sagaId)), true);
    const gone = await call(h, 'DELETE', '/v1/me', { body: { password: cy.password }, token: cy.token });
    assert.ok([202, 204].includes(gone.status), gone.text);
    await waitFor("Cy's export removed", () => !existsSync(join(exportsDir, sagaId)) || undefined, 20_000);
  });

  it('removes the earlier export when a new one is made, then expires the link', async () => {
    const first = (await status(ann)).sagaId as string;
    const second = await exportOf(ann);
    assert.notEqual(second, first);
    assert.equal(existsSync(join(exportsDir, first)), false, 'the earlier archive is gone');
    assert.equal((await download(ann)).res.status, 200);
    offset = 24 * 3600_000 + 60_000; // a day and a minute later
    assert.equal((await status(ann)).state, 'expired');
    assertProblem(await call(h, 'GET', '/v1/me/export/download', { token: ann.token }), 410, 'export.expired');
    assert.equal(existsSync(join(exportsDir, second)), false, 'the expired archive is gone');
  });
});
