import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerToken } from './auth.ts';
import { parseClientMessage } from './protocol.ts';

describe('parseClientMessage', () => {
  it('accepts auth (with an optional lastEventId), ping and pong', () => {
    assert.deepEqual(parseClientMessage('{"type":"auth","token":"t"}'), { type: 'auth', token: 't' });
    assert.deepEqual(parseClientMessage('{"type":"auth","token":"t","lastEventId":"e"}'), { type: 'auth', token: 't', lastEventId: 'e' });
    assert.deepEqual(parseClientMessage('{"type":"ping"}'), { type: 'ping' });
    const cursor = 'c1.' + 'x'.repeat(509); // the longest lastEventId taken: a cursor of many sources
    assert.deepEqual(parseClientMessage(JSON.stringify({ type: 'auth', token: 't', lastEventId: cursor })), { type: 'auth', token: 't', lastEventId: cursor });
  });

  it('accepts a typing indicator for a group', () => {
    const groupId = '01900000-0000-7000-8000-00000000000a';
    assert.deepEqual(parseClientMessage(JSON.stringify({ type: 'typing', groupId })), { type: 'typing', groupId });
  });

  const bad: Array<[string, string]> = [
    ['a typing indicator without groupId', '{"type":"typing"}'],
    ['a typing indicator whose groupId is not a UUID', '{"type":"typing","groupId":"family"}'],
    ['not JSON', 'nope'],
    ['an unknown type', '{"type":"subscribe"}'],
    ['an auth without token', '{"type":"auth"}'],
    ['an empty token', '{"type":"auth","token":""}'],
    ['a token that is not a string', '{"type":"auth","token":1}'],
    ['a lastEventId longer than any cursor', JSON.stringify({ type: 'auth', token: 't', lastEventId: 'c1.' + 'x'.repeat(510) })],
    ['a lastEventId that is not a string', '{"type":"auth","token":"t","lastEventId":7}'],
    ['an array', '[]'],
    ['null', 'null'],
  ];
  for (const [name, text] of bad) {
    it(`explains why it rejects ${name}`, () => assert.equal(typeof parseClientMessage(text), 'string'));
  }
});

describe('bearerToken', () => {
  it('takes the token of a Bearer header, whatever the scheme\'s case', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('bearer abc'), 'abc');
  });

  it('gives nothing for other schemes, a missing token or extra words', () => {
    for (const h of [undefined, '', 'Basic abc', 'Bearer', 'Bearer ', 'Bearer a b']) assert.equal(bearerToken(h), undefined, String(h));
  });
});
