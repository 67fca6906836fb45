import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer, fromPublic } from '@nats-io/nkeys';
import { serverId } from './server-id.ts';

describe('serverId', () => {
  it('is a server public nkey that nkeys decodes, its checksum included, and new each time', () => {
    const id = serverId();
    assert.match(id, /^N[A-Z2-7]{55}$/);
    assert.equal(id.length, createServer().getPublicKey().length);
    assert.equal(fromPublic(id).getPublicKey(), id); // fromPublic checks the prefix and the CRC
    assert.notEqual(serverId(), id);
  });

  it('is refused by nkeys when a character is changed (the CRC is real)', () => {
    const id = serverId();
    const bad = id.slice(0, 10) + (id[10] === 'A' ? 'B' : 'A') + id.slice(11);
    assert.throws(() => fromPublic(bad));
  });
});
