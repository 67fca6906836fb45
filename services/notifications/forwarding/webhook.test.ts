import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { notifications } from '../../../src/contracts/index.ts';
import { sign, verifySignature, webhookRequest } from './webhook.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const T = 1_735_689_600; // 2025-01-01T00:00:00Z
const m: notifications.ForwardMessage = {
  notificationId: '01900000-0000-7000-8000-000000000001',
  type: 'mention',
  priority: 'high',
  title: 'Bo mentioned you — «Zoë»',
  body: 'Dinner at seven?',
  groupId: '01900000-0000-7000-8000-0000000000aa',
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('webhook signature', () => {
  it('matches a fixed vector (computed with openssl dgst -sha256 -hmac)', () => {
    const body = '{"deliveryId":7,"notification":{"title":"Ann needs help"}}';
    assert.equal(sign(SECRET, T, body), 'sha256=4eb0ac76b391f1b5142f753cc21ba1815a7d4a437be4dd044833cde160884ad7');
  });

  it('signs "<timestamp>.<raw body>" of the request it builds', () => {
    const { url, init } = webhookRequest({ url: 'https://example.org/hook?k=1', secret: SECRET }, m, 42, T * 1000 + 999);
    const h = init.headers as Record<string, string>;
    assert.equal(url, 'https://example.org/hook?k=1');
    assert.equal(init.method, 'POST');
    assert.equal(h['Content-Type'], 'application/json');
    assert.equal(h['User-Agent'], 'Hearth');
    assert.equal(h['X-Hearth-Delivery'], '42');
    assert.equal(h['X-Hearth-Timestamp'], String(T));
    const expected = createHmac('sha256', SECRET).update(`${T}.${String(init.body)}`, 'utf8').digest('hex');
    assert.equal(h['X-Hearth-Signature'], `sha256=${expected}`);
    assert.deepEqual(JSON.parse(String(init.body)), { deliveryId: 42, notification: m });
  });

  it('refuses to build an unsigned request', () => {
    assert.throws(() => webhookRequest({ url: 'https://example.org/hook', secret: null }, m, 1, T * 1000), /signing secret/);
  });
});

describe('verifySignature', () => {
  const { init } = webhookRequest({ url: 'https://example.org/hook', secret: SECRET }, m, 42, T * 1000);
  const body = String(init.body);
  const sent = init.headers as Record<string, string>;
  const lower = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), v]));
  const now = T * 1000 + 5_000;

  it('accepts the request as sent, as node:http headers, fetch Headers, text or bytes', () => {
    assert.equal(verifySignature(SECRET, lower, body, now), true);
    assert.equal(verifySignature(SECRET, new Headers(sent), new TextEncoder().encode(body), now), true);
    assert.equal(verifySignature(SECRET, sent, body, now), true);
  });

  it('rejects a wrong secret', () => {
    assert.equal(verifySignature(SECRET + 'x', lower, body, now), false);
  });

  it('rejects an altered body', () => {
    assert.equal(verifySignature(SECRET, lower, body.replace('seven', 'eight'), now), false);
  });

  it('rejects a stale or future timestamp, and one moved to look fresh', () => {
    assert.equal(verifySignature(SECRET, lower, body, T * 1000 + 301_000), false);
    assert.equal(verifySignature(SECRET, lower, body, T * 1000 - 301_000), false);
    assert.equal(verifySignature(SECRET, lower, body, T * 1000 + 299_000), true);
    assert.equal(verifySignature(SECRET, { ...lower, 'x-hearth-timestamp': String(T + 400) }, body, (T + 400) * 1000), false);
  });

  it('rejects missing or malformed headers', () => {
    assert.equal(verifySignature(SECRET, { ...lower, 'x-hearth-signature': undefined }, body, now), false);
    assert.equal(verifySignature(SECRET, { ...lower, 'x-hearth-timestamp': 'soon' }, body, now), false);
    assert.equal(verifySignature(SECRET, { ...lower, 'x-hearth-signature': 'sha256=00' }, body, now), false);
  });
});
