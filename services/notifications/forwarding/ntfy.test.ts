import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { notifications } from '../../../src/contracts/index.ts';
import { Buffer } from 'node:buffer';
import { clip, NTFY_TAGS, ntfyCredentials, ntfyRequest, OPEN_MAP, shownUrl, splitTopicUrl, webAppLink } from './ntfy.ts';

const message = (over: Partial<notifications.ForwardMessage> = {}): notifications.ForwardMessage => ({
  notificationId: '01900000-0000-7000-8000-000000000001',
  type: 'sos_raised',
  priority: 'urgent',
  title: 'Ann needs help',
  body: 'Tap to see where she is',
  groupId: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

const publish = (url: string, m = message(), secret: string | null = null) => {
  const { url: to, init } = ntfyRequest({ url, secret }, m);
  return { to, init, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) };
};

describe('ntfy: the topic URL', () => {
  const cases: [string, string, string][] = [
    ['https://ntfy.sh/family-x7', 'https://ntfy.sh/', 'family-x7'],
    ['https://ntfy.sh/family-x7/', 'https://ntfy.sh/', 'family-x7'],
    ['https://home.example/ntfy/family_x7', 'https://home.example/ntfy/', 'family_x7'],
    ['https://home.example/a/b/family/', 'https://home.example/a/b/', 'family'],
    ['http://127.0.0.1:8080/alerts?auth=abc#x', 'http://127.0.0.1:8080/?auth=abc', 'alerts'],
  ];
  for (const [url, root, topic] of cases) {
    it(`splits ${url} into ${root} and ${topic}`, () => {
      assert.deepEqual(splitTopicUrl(url), { root, topic });
    });
  }

  it('refuses a URL without a usable topic, without quoting the URL', () => {
    for (const url of ['https://push.example/', 'https://push.example', 'https://push.example/has%20space', 'https://push.example/bad%E0', 'https://push.example/' + 'x'.repeat(65)]) {
      assert.throws(() => splitTopicUrl(url), (err: Error & { code?: string }) => err.code === 'notifications.ntfy_bad_topic' && !err.message.includes('push.example'), url);
    }
  });
});

describe('ntfy: the published message', () => {
  it('posts JSON to the root with topic, title, message, priority and tags', () => {
    const { to, init, headers, body } = publish('https://ntfy.sh/family-x7');
    assert.equal(to, 'https://ntfy.sh/');
    assert.equal(init.method, 'POST');
    assert.equal(headers['Content-Type'], 'application/json');
    assert.equal(headers.Authorization, undefined);
    assert.deepEqual(body, { topic: 'family-x7', title: 'Ann needs help', message: 'Tap to see where she is', priority: 5, tags: ['rotating_light', 'sos'] });
  });

  it('maps urgent, high, default and low to 5, 4, 3 and 2', () => {
    const got = (['urgent', 'high', 'default', 'low'] as const).map((priority) => publish('https://ntfy.sh/t', message({ priority })).body.priority);
    assert.deepEqual(got, [5, 4, 3, 2]);
  });

  it('keeps a UTF-8 title intact in the JSON body', () => {
    const title = 'Zoë ist angekommen 🏠 — 到着しました';
    const { body, init } = publish('https://ntfy.sh/t', message({ title, type: 'destination_reached' }));
    assert.equal(body.title, title);
    assert.ok(String(init.body).includes(title), 'sent as UTF-8 text, not escaped away');
    assert.deepEqual(body.tags, ['white_check_mark']);
  });

  it('sends an access token as a bearer token', () => {
    assert.equal(publish('https://ntfy.sh/t', message(), 'tk_abcdef').headers.Authorization, 'Bearer tk_abcdef');
  });

  it('tags every type, the test message included', () => {
    for (const [type, tags] of Object.entries(NTFY_TAGS)) assert.ok(tags.length > 0, type);
    assert.deepEqual(publish('https://ntfy.sh/t', message({ type: 'test' })).body.tags, ['test_tube']);
  });

  it('cuts a long body under ntfy\u2019s message limit at a character boundary', () => {
    const long = 'é'.repeat(5000); // 10,000 bytes
    const { body } = publish('https://ntfy.sh/t', message({ body: long }));
    const bytes = new TextEncoder().encode(body.message).length;
    assert.ok(bytes <= 3800, `${bytes} bytes`);
    assert.ok(body.message.endsWith('…'));
    assert.ok(!body.message.includes('\uFFFD'), 'no broken character');
    assert.equal(clip('short', 10), 'short');
  });
});

describe('ntfy: links into the web app', () => {
  const G = '01900000-0000-7000-8000-0000000000aa';
  const links = { publicUrl: 'https://hearth.example.home/' };

  it('opens the group’s map on a click, and gives an SOS a button to open it', () => {
    const { init } = ntfyRequest({ url: 'https://ntfy.sh/t', secret: null }, message({ groupId: G }), links);
    const body = JSON.parse(String(init.body));
    assert.equal(body.click, `https://hearth.example.home/map?group=${G}`);
    assert.deepEqual(body.actions, [{ action: 'view', label: OPEN_MAP, url: body.click }]);
  });

  it('opens the chat for a mention, the alerts for a message of no group, and adds a button to nothing but an SOS', () => {
    assert.equal(webAppLink('https://h.example', { type: 'mention', groupId: G }), `https://h.example/chat?group=${G}`);
    assert.equal(webAppLink('https://h.example', { type: 'test', groupId: null }), 'https://h.example/alerts');
    const { init } = ntfyRequest({ url: 'https://ntfy.sh/t', secret: null }, message({ type: 'place_entered', priority: 'default', groupId: G }), links);
    const body = JSON.parse(String(init.body));
    assert.equal(body.click, `https://hearth.example.home/map?group=${G}`);
    assert.equal(body.actions, undefined);
  });

  it('sends no click when it knows no public URL', () => {
    assert.equal(publish('https://ntfy.sh/t', message({ groupId: G })).body.click, undefined);
  });
});

describe('ntfy: credentials in the URL', () => {
  it('turns user:pass@ into Basic (percent-decoded) and keeps the URL without it', () => {
    const { url, authorization } = ntfyCredentials('https://ann:p%40ss%3Aw@ntfy.example/ntfy/family');
    assert.equal(url, 'https://ntfy.example/ntfy/family');
    assert.equal(authorization, `Basic ${Buffer.from('ann:p@ss:w').toString('base64')}`);
  });

  it('takes ntfy’s ?auth= out, keeping other query parameters', () => {
    const auth = Buffer.from('Bearer tk_abc').toString('base64url');
    assert.deepEqual(ntfyCredentials(`https://ntfy.example/family?x=1&auth=${auth}`), { url: 'https://ntfy.example/family?x=1', authorization: 'Bearer tk_abc' });
    assert.deepEqual(ntfyCredentials('https://ntfy.example/family?auth=bm9wZQ'), { url: 'https://ntfy.example/family', authorization: null }, 'an unreadable auth is dropped, not sent');
    assert.deepEqual(ntfyCredentials('https://ntfy.example/family'), { url: 'https://ntfy.example/family', authorization: null });
  });

  it('sends a stored Authorization value as it is, a bare token as Bearer', () => {
    assert.equal(publish('https://ntfy.sh/t', message(), 'Basic YTpi').headers.Authorization, 'Basic YTpi');
    assert.equal(publish('https://ntfy.sh/t', message(), 'tk_abc').headers.Authorization, 'Bearer tk_abc');
  });

  it('shows a URL stored with credentials without them', () => {
    assert.equal(shownUrl('https://a:b@ntfy.example/t?auth=QmFzaWMgWVRwaQ'), 'https://ntfy.example/t');
    assert.equal(shownUrl('not a url //a:b@x'), 'not a url //x');
  });
});
