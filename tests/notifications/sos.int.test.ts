/**
 * The "done when", through the running appliance: one member raises an SOS and
 * each of the others gets one urgent notification — in their inbox, on their stream (WS
 * and SSE), and at their phone (a real local ntfy-compatible endpoint and a signed
 * webhook) — exactly once; the one who raised it gets nothing. Also the forwarding paths a
 * user sees: the test action, the delivery log, and a failing endpoint retried until it
 * answers.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient } from '../support/ws-client.ts';
import { inbox, notifiedFamily, recorder, waitInbox, type Recorder } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: an SOS reaches the others once, everywhere', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-sos');
  let h: InProcessHearth;
  let ntfy: Recorder;
  let hook: Recorder;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  let hookSecret: string;
  let boTarget: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { forwarder: { tickMs: 50, backoff: { initialMs: 100, maxMs: 400 } } });
    ntfy = await recorder();
    hook = await recorder();
    ({ users: [ann, bo, cy], group } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
    const t1 = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'ntfy', url: `${ntfy.url}/family-bo`, label: 'Bo\u2019s phone' } });
    assert.equal(t1.status, 201, t1.text);
    boTarget = t1.body.target.id;
    const t2 = await call(h, 'POST', '/v1/notifications/targets', { token: cy.token, body: { kind: 'webhook', url: `${hook.url}/hearth` } });
    assert.equal(t2.status, 201, t2.text);
    hookSecret = t2.body.secret;
    assert.equal((await call(h, 'POST', '/v1/notifications/targets', { token: ann.token, body: { kind: 'ntfy', url: `${ntfy.url}/family-ann` } })).status, 201);
  });
  after(async () => {
    await h?.stop();
    await ntfy?.close();
    await hook?.close();
  });

  it('raises once, and each of the others is told once: inbox, stream, phone', async () => {
    const ws = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', bo.token);
    await ws.take((m) => m.type === 'ready');
    const sse = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${cy.token}` });
    await sse.take((f) => f.event === 'ready');
    const annWs = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', ann.token);
    await annWs.take((m) => m.type === 'ready');

    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: { lat: 52.52, lon: 13.405 } })).status, 201);

    const [boN] = await waitInbox(h, bo, 1, (x) => x.type === 'sos_raised');
    const [cyN] = await waitInbox(h, cy, 1, (x) => x.type === 'sos_raised');
    for (const n of [boN, cyN]) {
      assert.equal(n.priority, 'urgent');
      assert.equal(n.title, 'SOS from Ann');
    }

    const live = await ws.take((m) => m.type === 'event' && (m.event as any).type === 'notification.created', 5000);
    assert.equal((live.event as any).data.notification.id, boN.id);
    assert.equal((live.event as any).data.userId, bo.userId);
    const frame = await sse.take((f) => f.event === 'notification.created', 5000);
    assert.equal(JSON.parse(frame.data!).event.data.notification.id, cyN.id);

    const atPhone = await waitFor('the SOS at Bo\u2019s ntfy topic', () => ntfy.received.find((r) => r.json?.topic === 'family-bo' && r.json?.title === 'SOS from Ann'));
    assert.equal(atPhone.method, 'POST');
    assert.equal(atPhone.path, '/');
    assert.equal(atPhone.json.priority, 5);
    assert.equal(atPhone.json.message, boN.body);
    const atHook = await waitFor('the SOS at Cy\u2019s webhook', () => hook.received.find((r) => r.json?.notification?.title === 'SOS from Ann'));
    const ts = String(atHook.headers['x-hearth-timestamp']);
    const expected = 'sha256=' + createHmac('sha256', hookSecret).update(`${ts}.${atHook.body}`).digest('hex');
    assert.equal(atHook.headers['x-hearth-signature'], expected, 'the signature is HMAC-SHA256 over "<timestamp>.<body>" with the secret');
    assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 60);

    // A later notification from the same source shows nothing more of the SOS is on its way.
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token })).status, 200);
    await waitInbox(h, bo, 1, (x) => x.type === 'sos_cleared');
    await waitFor('the clearance at the phone', () => ntfy.received.some((r) => r.json?.topic === 'family-bo' && r.json?.title === 'Ann is safe') || undefined);
    await waitFor('the clearance at the webhook', () => hook.received.some((r) => r.json?.notification?.title === 'Ann is safe') || undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await inbox(h, bo)).items.filter((x) => x.type === 'sos_raised').length, 1);
    assert.equal(ntfy.received.filter((r) => r.json?.topic === 'family-bo' && r.json?.title === 'SOS from Ann').length, 1);
    assert.equal(hook.received.filter((r) => r.json?.notification?.title === 'SOS from Ann').length, 1);
    assert.equal(ws.events().filter((m) => (m.event as any).type === 'notification.created' && (m.event as any).data.notification.type === 'sos_raised').length, 0, 'no second copy on the stream');
    assert.deepEqual(ntfy.received.filter((r) => r.json?.topic === 'family-ann'), [], 'the one who raised it gets nothing at her phone');
    assert.deepEqual((await inbox(h, ann)).items.filter((x) => x.type.startsWith('sos')), []);
    assert.equal(annWs.events().filter((m) => (m.event as any).type === 'notification.created').length, 0, 'nor on her stream');
    await ws.close();
    await sse.close();
    await annWs.close();
  });

  it('sends a test notification on request and logs the delivery', async () => {
    const sent = await call(h, 'POST', `/v1/notifications/targets/${boTarget}/test`, { token: bo.token });
    assert.equal(sent.status, 202, sent.text);
    await waitFor('the test at the phone', () => ntfy.received.find((r) => r.json?.title === 'Hearth test notification'));
    const log = await waitFor('the test delivery logged', async () => {
      const r = await call(h, 'GET', `/v1/notifications/targets/${boTarget}/deliveries`, { token: bo.token });
      return r.body.attempts.find((a: any) => a.deliveryId === sent.body.deliveryId) ?? undefined;
    });
    assert.equal(log.outcome, 'delivered');
    assert.equal(log.httpStatus, 200);
    assert.equal(log.notificationId, null);
  });

  it('retries a failing phone endpoint with backoff until it answers, and the log says so', async () => {
    let failures = 2;
    ntfy.reply = (r) => (r.json?.title === 'Hearth test notification' && failures-- > 0 ? 503 : 200);
    const sent = await call(h, 'POST', `/v1/notifications/targets/${boTarget}/test`, { token: bo.token });
    assert.equal(sent.status, 202);
    const attempts = await waitFor('three attempts logged', async () => {
      const r = await call(h, 'GET', `/v1/notifications/targets/${boTarget}/deliveries`, { token: bo.token });
      const mine = r.body.attempts.filter((a: any) => a.deliveryId === sent.body.deliveryId);
      return mine.length === 3 ? mine : undefined;
    }, 10_000);
    assert.deepEqual(attempts.map((a: any) => [a.attempt, a.outcome, a.httpStatus]), [[3, 'delivered', 200], [2, 'retrying', 503], [1, 'retrying', 503]]);
    ntfy.reply = () => 200;
  });
});
