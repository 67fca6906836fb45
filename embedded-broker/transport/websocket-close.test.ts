import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closePayload, closeReply, closeStatusFor } from './websocket-close.ts';

const text = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(2));
const status = (b: Uint8Array): number => (b[0] << 8) | b[1];

describe('close frames', () => {
  it('maps nats-server close reasons to its statuses', () => {
    assert.equal(closeStatusFor('Client Closed'), 1000);
    assert.equal(closeStatusFor('Server Shutdown'), 1001);
    assert.equal(closeStatusFor('Protocol Violation'), 1002);
    assert.equal(closeStatusFor('Authentication Failure'), 1008);
    assert.equal(closeStatusFor('Slow Consumer (Pending Bytes)'), 1008);
    assert.equal(closeStatusFor('Maximum Message Payload Exceeded'), 1009);
    assert.equal(closeStatusFor('Stale Connection'), 1006);
    assert.equal(closeStatusFor('Duplicate Route'), 1011);
  });

  it('puts the status before the reason', () => {
    assert.deepEqual(closePayload(1002, 'mask bit missing').subarray(0, 2), Uint8Array.of(0x03, 0xea));
    assert.equal(text(closePayload(1002, 'mask bit missing')), 'mask bit missing');
  });

  it('cuts a reason too long for a control frame to 120 bytes and "..."', () => {
    const p = closePayload(1002, 'x'.repeat(200));
    assert.equal(p.length, 125);
    assert.equal(text(p), `${'x'.repeat(120)}...`);
    assert.equal(closePayload(1002, 'y'.repeat(123)).length, 125);
  });

  it('echoes the client\'s status and reason', () => {
    const reply = closeReply(Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65));
    assert.deepEqual([status(reply), text(reply)], [1000, 'bye']);
    assert.deepEqual(closeReply(Uint8Array.of(0x0f, 0xa0)), Uint8Array.of(0x0f, 0xa0));
  });

  it('answers a close without status with 1005, as nats-server does', () => {
    assert.deepEqual(closeReply(new Uint8Array(0)), Uint8Array.of(0x03, 0xed));
    assert.deepEqual(closeReply(Uint8Array.of(0x78)), Uint8Array.of(0x03, 0xed));
  });

  it('answers a reason that is not UTF-8 with 1007', () => {
    const reply = closeReply(Uint8Array.of(0x03, 0xe8, 0xff, 0xfe));
    assert.deepEqual([status(reply), text(reply)], [1007, 'invalid utf8 body in close frame']);
  });
});
