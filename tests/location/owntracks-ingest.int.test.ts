/**
 * `/v1/owntracks` never loses and never poisons a phone (issue #16), through the real
 * gateway, users and location services on a real broker and libSQL files. Requests are
 * replayed as the apps send them in HTTP mode: Android (okhttp: `Content-Type:
 * application/json; charset=utf-8`, `X-Limit-U`/`X-Limit-D`, its User-Agent; a location
 * topic `owntracks/http/<tid>`) and iOS (`Content-Type: application/json`, `X-Limit-U`/
 * `X-Limit-D`, a topic `owntracks/<user>/<device>`, a POI photo as base64 `image`).
 * `tweetnacl` plays the phone's libsodium secretbox. The per-user and per-IP limits are put
 * back to their defaults here (the test config lifts them), so the backlog proves this
 * route does without them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { decode, encode } from '../../src/kit/index.ts';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const HELD_MAX = 10;
const key = (secret: string) => {
  const k = new Uint8Array(32);
  k.set(new TextEncoder().encode(secret).subarray(0, 32)); // as the apps: UTF-8 bytes, zero-padded to 32
  return k;
};
/** What the phone posts with encryption on: `{"_type":"encrypted","data": base64(nonce ‖ box)}`. */
const sealed = (msg: unknown, secret: string) => {
  const nonce = nacl.randomBytes(24);
  const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(msg)), nonce, key(secret));
  return { _type: 'encrypted', data: Buffer.concat([nonce, box]).toString('base64') };
};
/** What the phone reads out of a sealed answer (Android's Parser, iOS's decrypt). */
const unsealed = (reply: { _type: string; data: string }, secret: string) => {
  assert.equal(reply._type, 'encrypted');
  const wire = Buffer.from(reply.data, 'base64');
  const plain = nacl.secretbox.open(wire.subarray(24), wire.subarray(0, 24), key(secret));
  assert.ok(plain, 'the phone opens the answer with its secret');
  return JSON.parse(new TextDecoder().decode(plain));
};

const nowS = () => Math.floor(Date.now() / 1000);
const androidLocation = (tst: number) => ({
  _type: 'location', _id: '5b4c1f2e', acc: 12, alt: 41, batt: 87, bs: 1, cog: 0, conn: 'w', created_at: tst, lat: 52.3702, lon: 4.8952,
  m: 1, t: 'u', tid: 'bo', tst, vac: 3, vel: 0, BSSID: 'aa:bb:cc:dd:ee:ff', SSID: 'home', topic: 'owntracks/http/bo',
});
const iosLocation = (tst: number) => ({
  _type: 'location', acc: 5, alt: 3, batt: 64, bs: 1, conn: 'w', created_at: tst, lat: 51.5072, lon: -0.1276, m: 1, tid: 'bi', tst, vac: 4, vel: 0,
  topic: 'owntracks/bo/iphone',
});

describe('location: OwnTracks never loses, never poisons', { timeout: 300_000 }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-owntracks-ingest');
  let h: InProcessHearth;
  let ann: User;
  let group: string;
  const unreadable: any[] = [];

  const appPassword = async (u: User) => (await call(h, 'POST', '/v1/me/app-passwords', { token: u.token, body: { label: 'OwnTracks' } })).body.password as string;
  /** A member of the group with an app password, as a phone would sign in. */
  const member = async (name: string) => {
    const u = await signUp(h, name);
    await joinGroup(h, group, ann, u);
    const basic: [string, string] = [u.email, await appPassword(u)];
    await waitFor(`location knows ${name}`, async () => {
      const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return r.body.members?.some((m: any) => m.userId === u.userId) ? true : undefined;
    });
    return { ...u, basic };
  };
  const android = (basic: [string, string], body: unknown, device = 'pixel'): Promise<Answer> =>
    call(h, 'POST', '/v1/owntracks', {
      basic,
      raw: JSON.stringify(body),
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Owntracks-Android/gms/420509000', 'x-limit-u': basic[0], 'x-limit-d': device },
    });
  const ios = (basic: [string, string], body: unknown, device = 'iphone'): Promise<Answer> =>
    call(h, 'POST', '/v1/owntracks', { basic, raw: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-limit-u': basic[0], 'x-limit-d': device } });
  const track = async (u: User) => (await call(h, 'GET', `/v1/groups/${group}/members/${u.userId}/track?limit=10000`, { token: ann.token })).body;
  const lastFix = async (u: User) => (await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).body.members.find((m: any) => m.userId === u.userId).lastFix;
  const status = async (u: User) => (await call(h, 'GET', '/v1/me/owntracks', { token: u.token })).body;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.location.phone_held_max = HELD_MAX;
      c.gateway.user_rate_per_minute = 600;
      c.gateway.ip_rate_per_minute = 1200;
    });
    ann = await signUp(h, 'Ann');
    group = await makeGroup(h, ann, 'Family');
    const fix = await call(h, 'POST', '/v1/locations', { token: ann.token, body: { lat: 48.8606, lon: 2.3376, timestamp: new Date().toISOString() } });
    assert.equal(fix.status, 200, fix.text);
    const sub = h.nc.subscribe('evt.location.phone.unreadable');
    void (async () => {
      for await (const m of sub) unreadable.push((decode(m.data) as any).data);
    })();
  });
  after(() => h?.stop());

  it('Android: an encrypted location is opened, recorded, and answered sealed with the same secret', async () => {
    const bo = await member('Bo');
    const put = await call(h, 'PUT', '/v1/me/owntracks', { token: bo.token, body: { encryptionKey: 'correct horse battery staple' } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { encryptionKeySet: true, processed: 0, heldMessages: 0 });
    assert.ok(!put.text.includes('staple'), 'the secret is never shown back');

    const tst = nowS() - 5;
    const r = await android(bo.basic, sealed(androidLocation(tst), 'correct horse battery staple'));
    assert.equal(r.status, 200, r.text);
    const friends = unsealed(r.body, 'correct horse battery staple');
    assert.ok(friends.some((o: any) => o._type === 'card' && o.name === 'Ann'), JSON.stringify(friends));
    assert.ok(friends.some((o: any) => o._type === 'location' && o.lat === 48.8606));
    const fix = await lastFix(bo);
    assert.equal(fix.fixAt, new Date(tst * 1000).toISOString());
    assert.equal(fix.device, 'pixel');
    assert.equal(fix.battery, 87);
  });

  it('iOS: an encrypted location is opened and answered sealed; a plain post from the same phone is answered in the clear', async () => {
    const cy = await member('Cy');
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: cy.token, body: { encryptionKey: 'ünïcödé-secret-longer-than-thirty-two-bytes' } })).status, 200);
    const tst = nowS() - 3;
    const r = await ios(cy.basic, sealed(iosLocation(tst), 'ünïcödé-secret-longer-than-thirty-two-bytes'));
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(unsealed(r.body, 'ünïcödé-secret-longer-than-thirty-two-bytes')));
    assert.equal((await lastFix(cy)).fixAt, new Date(tst * 1000).toISOString());
    const plain = await ios(cy.basic, iosLocation(tst + 1));
    assert.equal(plain.status, 200, plain.text);
    assert.ok(Array.isArray(plain.body), 'iOS reads a plain answer even with a secret set');
    assert.equal((await status(cy)).encryptionKeySet, true);
  });

  it('answers every message type each app sends, sealed, with a sealed reply', async () => {
    const lu = await member('Lu');
    const secret = 'lu-secret';
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: lu.token, body: { encryptionKey: secret } })).status, 200);
    const tst = nowS() - 40;
    // Android names a non-location message's topic NOKEY in HTTP mode (HttpMessageProcessorEndpoint.onFinalizeMessage).
    const androidBodies = [
      androidLocation(tst),
      { _type: 'transition', acc: 10, desc: 'School', event: 'enter', lat: 52.37, lon: 4.89, rid: 'r1', t: 'c', tid: 'bo', tst: tst + 1, wtst: tst - 900, topic: 'NOKEY' },
      { _type: 'waypoint', desc: 'School', lat: 52.37, lon: 4.89, rad: 120, rid: 'r1', tst: tst - 900, topic: 'NOKEY' },
      { _type: 'waypoints', waypoints: [{ _type: 'waypoint', desc: 'Gym', lat: 52.36, lon: 4.9, rad: 80, rid: 'r2', tst: tst - 800 }], topic: 'NOKEY' },
      { _type: 'status', android: { hib: 1, bo: 1, loc: 0, ps: 0, wifi: 1 }, topic: 'NOKEY' },
    ];
    const iosBodies = [
      iosLocation(tst + 2),
      { _type: 'transition', acc: 5, desc: 'Office', event: 'leave', lat: 51.5, lon: -0.12, rid: 'x9', t: 'c', tid: 'bi', tst: tst + 3, wtst: tst - 500, topic: 'owntracks/lu/iphone' },
      { _type: 'card', name: 'Lu', tid: 'bi', face: Buffer.alloc(2000, 1).toString('base64') },
      { _type: 'status', iOS: { altimeter: true, backgroundRefreshStatus: 'available', locationManagerAuthorizationStatus: 'authorizedAlways' }, _id: 'abc' },
    ];
    for (const [post, bodies] of [[android, androidBodies], [ios, iosBodies]] as const) {
      for (const body of bodies) {
        const r = await post(lu.basic, sealed(body, secret));
        assert.equal(r.status, 200, `${body._type}: ${r.text}`);
        assert.ok(Array.isArray(unsealed(r.body, secret)), body._type);
      }
    }
    assert.equal((await track(lu)).total, 4, 'two locations and two transitions with a position');
    const suggestions = (await call(h, 'GET', `/v1/groups/${group}/place-suggestions`, { token: ann.token })).body.suggestions.filter((s: any) => s.userId === lu.userId);
    assert.deepEqual(suggestions.map((s: any) => s.name).sort(), ['Gym', 'School']);
  });

  it('holds encrypted messages until the right secret is set, tells the user once, then records them all', async () => {
    const di = await member('Di');
    const tst = nowS() - 60;
    const before = (await track(di)).total;
    for (let i = 0; i < 3; i++) {
      const r = await android(di.basic, sealed(androidLocation(tst + i), 'our family secret'));
      assert.equal(r.status, 200, r.text);
      assert.ok(Array.isArray(r.body), 'answered in the clear: Hearth cannot seal for this phone yet');
    }
    assert.equal((await track(di)).total, before, 'nothing readable yet');
    assert.deepEqual(await status(di), { encryptionKeySet: false, heldMessages: 3 });
    await waitFor('the unreadable event', () => unreadable.some((e) => e.userId === di.userId));
    assert.deepEqual(unreadable.filter((e) => e.userId === di.userId).map((e) => [e.device, e.reason]), [['pixel', 'no_key']], 'told once, not three times');

    // A wrong secret opens nothing: still held, and the user may be told again (reason wrong_key).
    const wrong = await call(h, 'PUT', '/v1/me/owntracks', { token: di.token, body: { encryptionKey: 'our family secreT' } });
    assert.deepEqual(wrong.body, { encryptionKeySet: true, processed: 0, heldMessages: 3 });
    const fourth = await ios(di.basic, sealed(iosLocation(tst + 3), 'our family secret'));
    assert.equal(fourth.status, 200, fourth.text);
    await waitFor('told again after the secret changed', () => unreadable.filter((e) => e.userId === di.userId).length === 2);
    assert.equal(unreadable.filter((e) => e.userId === di.userId)[1].reason, 'wrong_key');

    const right = await call(h, 'PUT', '/v1/me/owntracks', { token: di.token, body: { encryptionKey: 'our family secret' } });
    assert.equal(right.status, 200, right.text);
    assert.deepEqual(right.body, { encryptionKeySet: true, processed: 4, heldMessages: 0 });
    const t = await track(di);
    assert.equal(t.total, before + 4, JSON.stringify(t));
    assert.equal((await lastFix(di)).device, 'iphone', 'each held message keeps the device it came from');
    assert.equal(unreadable.filter((e) => e.userId === di.userId).length, 2);
  });

  it('drains what a crash left held on the phone\u2019s next readable post', async () => {
    const ed = await member('Ed');
    const tst = nowS() - 30;
    assert.equal((await android(ed.basic, sealed(androidLocation(tst), 'crash'))).status, 200);
    // The gateway set the secret and died before draining: the location service alone knows the secret.
    const set = decode((await h.nc.request('svc.location.set_phone_key', encode({ actor: { userId: ed.userId }, key: 'crash' }), { timeout: 5000 })).data) as any;
    assert.equal(set.ok.held, 1, JSON.stringify(set));
    assert.equal((await android(ed.basic, sealed(androidLocation(tst + 1), 'crash'))).status, 200);
    await waitFor('the held message recorded behind the new one', async () => ((await track(ed)).total === 2 ? true : undefined));
    assert.equal((await status(ed)).heldMessages, 0);
  });

  it('a full hold answers 503 (the phone keeps the message) until the secret is set', async () => {
    const fay = await member('Fay');
    const tst = nowS() - 100;
    for (let i = 0; i < HELD_MAX; i++) assert.equal((await android(fay.basic, sealed(androidLocation(tst + i), 'full'))).status, 200);
    const over = await android(fay.basic, sealed(androidLocation(tst + HELD_MAX), 'full'));
    assertProblem(over, 503, 'location.phone_hold_full');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: fay.token, body: { encryptionKey: 'full' } })).body.processed, HELD_MAX);
    assert.equal((await android(fay.basic, sealed(androidLocation(tst + HELD_MAX), 'full'))).status, 200, 'the phone\u2019s retry goes through');
    assert.equal((await track(fay)).total, HELD_MAX + 1);
  });

  it('records a fix stamped in the future at the time it arrived, keeping the phone\u2019s stamp', async () => {
    const gus = await member('Gus');
    const ahead = nowS() + 600; // a phone whose clock runs ten minutes fast
    const r = await android(gus.basic, androidLocation(ahead));
    assert.equal(r.status, 200, r.text);
    const fix = await lastFix(gus);
    assert.equal(fix.clampedFrom, new Date(ahead * 1000).toISOString());
    assert.equal(fix.fixAt, fix.receivedAt);
    assert.ok(Math.abs(Date.parse(fix.fixAt) - Date.now()) < 60_000);
    // The public API still refuses it: a program can fix its own clock.
    const rest = await call(h, 'POST', '/v1/locations', { token: gus.token, body: { lat: 1, lon: 2, timestamp: new Date(ahead * 1000).toISOString() } });
    assertProblem(rest, 400, 'location.fix_in_future');
  });

  it('keeps the location of an iOS POI post whose photo is far over the usual body limit, plain and encrypted', async () => {
    const hal = await member('Hal');
    const photo = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64'); // a 3 MiB JPEG, 4 MiB as base64
    const tst = nowS() - 20;
    const poi = { ...iosLocation(tst), poi: 'Beach', image: photo, imagename: 'IMG_0042.jpg' };
    const plain = await ios(hal.basic, poi);
    assert.equal(plain.status, 200, plain.text.slice(0, 300));
    assert.equal((await lastFix(hal)).fixAt, new Date(tst * 1000).toISOString());
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: hal.token, body: { encryptionKey: 'poi' } })).status, 200);
    const enc = await ios(hal.basic, sealed({ ...poi, tst: tst + 1 }, 'poi'));
    assert.equal(enc.status, 200, enc.text.slice(0, 300));
    assert.equal((await lastFix(hal)).fixAt, new Date((tst + 1) * 1000).toISOString());
    // Other routes keep their limit.
    assertProblem(await call(h, 'PATCH', '/v1/me', { token: hal.token, raw: JSON.stringify({ displayName: photo }), headers: { 'content-type': 'application/json' } }), 413);
  });

  it('takes an 800-message backlog from each of two phones with no non-2xx (past the per-user and per-IP limits)', async () => {
    const ivy = await member('Ivy');
    const N = 800;
    const start = nowS() - 2 * N;
    const statuses = new Map<number, number>();
    const flush = async (post: typeof android, make: (t: number) => object, device: string) => {
      // Each app sends its queue one message at a time, waiting for each answer.
      for (let i = 0; i < N; i++) {
        const r = await post(ivy.basic, make(start + i), device);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all([flush(android, androidLocation, 'pixel'), flush(ios, iosLocation, 'iphone')]);
    assert.deepEqual([...statuses], [[200, 2 * N]]);
    assert.equal((await track(ivy)).total, 2 * N);
  });

  it('answers 4xx only for a malformed body or a failed sign-in', async () => {
    const jo = await member('Jo');
    const garbage = await android(jo.basic, 'not json'.split('')); // an array: not one message
    assertProblem(garbage, 400);
    const broken = await call(h, 'POST', '/v1/owntracks', { basic: jo.basic, raw: '{"_type":"location",', headers: { 'content-type': 'application/json' } });
    assertProblem(broken, 400, 'gateway.invalid_json');
    assertProblem(await android(jo.basic, { _type: 'encrypted' }), 400, 'owntracks.invalid_payload');
    assertProblem(await android(jo.basic, { _type: 'encrypted', data: 42 }), 400, 'owntracks.invalid_payload');
    // A box that opens but holds no message is the phone's own malformed message.
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: jo.token, body: { encryptionKey: 'jo' } })).status, 200);
    const nonsense = nacl.randomBytes(24);
    const box = nacl.secretbox(new TextEncoder().encode('{"_type":"location","lat":"x"}'), nonsense, key('jo'));
    assertProblem(await android(jo.basic, { _type: 'encrypted', data: Buffer.concat([nonsense, box]).toString('base64') }), 400, 'owntracks.invalid_payload');
    // Sign-in failures: 401.
    assertProblem(await android([jo.email, 'wrong app password'], androidLocation(nowS())), 401);
    assertProblem(await call(h, 'POST', '/v1/owntracks', { body: androidLocation(nowS()) }), 401);
    // The secret: only a signed-in session sets or reads it, and it must be a string or null.
    assertProblem(await call(h, 'PUT', '/v1/me/owntracks', { basic: jo.basic, body: { encryptionKey: 'x' } }), 401);
    assertProblem(await call(h, 'GET', '/v1/me/owntracks', { basic: jo.basic }), 401);
    for (const body of [{}, { encryptionKey: '' }, { encryptionKey: 5 }, { encryptionKey: 'x'.repeat(257) }, { encryptionKey: 'x', extra: 1 }]) {
      assertProblem(await call(h, 'PUT', '/v1/me/owntracks', { token: jo.token, body }), 400);
    }
    const removed = await call(h, 'PUT', '/v1/me/owntracks', { token: jo.token, body: { encryptionKey: null } });
    assert.deepEqual(removed.body, { encryptionKeySet: false, processed: 0, heldMessages: 0 });
  });

  it('erases a deleted account\u2019s secret, held messages and phone events', async () => {
    const kim = await member('Kim');
    const count = async (sql: string) => Number((await h.location.db.query(sql, [kim.userId]))[0]!.n);
    assert.equal((await call(h, 'PUT', '/v1/me/owntracks', { token: kim.token, body: { encryptionKey: 'kim' } })).status, 200);
    assert.equal((await android(kim.basic, sealed(androidLocation(nowS()), 'not kim'))).status, 200);
    await waitFor('the unreadable event', () => unreadable.some((e) => e.userId === kim.userId));
    assert.equal(await count('SELECT count(*) AS n FROM phone_keys WHERE user_id = ?'), 1);
    assert.equal(await count('SELECT count(*) AS n FROM phone_held WHERE user_id = ?'), 1);
    assert.equal(await count("SELECT count(*) AS n FROM kit_events WHERE stream = 'phone:' || ?"), 1);
    assert.equal((await call(h, 'DELETE', '/v1/me', { token: kim.token, body: { password: kim.password } })).status, 202);
    await waitFor('Kim\u2019s phones erased', async () => ((await count('SELECT count(*) AS n FROM phone_keys WHERE user_id = ?')) === 0 ? true : undefined));
    assert.equal(await count('SELECT count(*) AS n FROM phone_held WHERE user_id = ?'), 0);
    assert.equal(await count("SELECT count(*) AS n FROM kit_events WHERE stream = 'phone:' || ?"), 0);
  });
});

describe('location: OwnTracks per-device bounds', { timeout: 120_000 }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-owntracks-bounds');
  let h: InProcessHearth;
  after(() => h?.stop());

  it('refuses a device past gateway.owntracks_device_rate_per_minute with 429, and not the user\u2019s other phone', async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.owntracks_device_rate_per_minute = 60));
    const lee = await signUp(h, 'Lee');
    const basic: [string, string] = [lee.email, (await call(h, 'POST', '/v1/me/app-passwords', { token: lee.token, body: { label: 'OwnTracks' } })).body.password];
    const post = (device: string, tst: number) => call(h, 'POST', '/v1/owntracks', { basic, body: androidLocation(tst), headers: { 'x-limit-d': device } });
    const start = nowS() - 200;
    // A minute's worth at once, then one a second (the bucket refills while the test posts).
    let ok = 0;
    let over: Answer | undefined;
    for (let i = 0; i < 120 && !over; i++) {
      const r = await post('flooder', start + i);
      if (r.status === 200) ok += 1;
      else over = r;
    }
    assert.ok(over, 'refused at last');
    assertProblem(over, 429, 'gateway.rate_limited');
    assert.ok(ok >= 60 && ok < 80, `${ok} accepted first`);
    assert.equal((await post('phone', start + 150)).status, 200, 'another device has its own bucket');
  });
});
