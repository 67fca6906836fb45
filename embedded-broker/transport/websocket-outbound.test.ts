import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateMessage } from './websocket-deflate.ts';
import { FrameDecoder } from './websocket-frame.ts';
import type { WsSession } from './websocket-handshake.ts';
import { encodeOutbound } from './websocket-outbound.ts';

const plain: WsSession = { compress: false, noMasking: false, browser: false, noCompressedFragments: false };
const fill = (n: number, byte = 0x78): Uint8Array => new Uint8Array(n).fill(byte);
// Incompressible bytes, so compressed messages stay bigger than a browser frame.
const noise = (n: number): Uint8Array => {
  let x = 0x12345678;
  return new Uint8Array(n).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
};

interface Frame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** Splits server wire bytes (unmasked) into frames. */
function frames(wire: Uint8Array): Frame[] {
  const out: Frame[] = [];
  for (let at = 0; at < wire.length; ) {
    const view = new DataView(wire.buffer, wire.byteOffset);
    let len = wire[at + 1] & 0x7f;
    let head = 2;
    if (len === 126) [len, head] = [view.getUint16(at + 2), 4];
    else if (len === 127) [len, head] = [Number(view.getBigUint64(at + 2)), 10];
    out.push({
      fin: (wire[at] & 0x80) !== 0,
      rsv1: (wire[at] & 0x40) !== 0,
      opcode: wire[at] & 0x0f,
      payload: wire.slice(at + head, at + head + len),
    });
    at += head + len;
  }
  return out;
}

const shape = (fs: Frame[]) => fs.map((f) => [f.opcode, f.fin, f.rsv1, f.payload.length]);

describe('encodeOutbound', () => {
  it('sends all writes of a flush as one binary frame', () => {
    const fs = frames(encodeOutbound([fill(17), fill(10_002), fill(6)], plain));
    assert.deepEqual(shape(fs), [[2, true, false, 10_025]]);
  });

  it('sends nothing for an empty flush', () => {
    assert.equal(encodeOutbound([new Uint8Array(0)], plain).length, 0);
  });

  it('cuts browser frames at 4096 bytes the way nats-server does', () => {
    // The same writes as a MSG of 10000 bytes then PONG, which nats-server 2.9.10 sent to
    // a "Mozilla/" client as frames of 17, 4096, 4096 and 1816 bytes.
    const fs = frames(encodeOutbound([fill(17), fill(10_002), fill(6)], { ...plain, browser: true }));
    assert.deepEqual(shape(fs), [
      [2, true, false, 17],
      [2, true, false, 4096],
      [2, true, false, 4096],
      [2, true, false, 1816],
    ]);
    const small = frames(encodeOutbound([fill(100), fill(200)], { ...plain, browser: true }));
    assert.deepEqual(shape(small), [[2, true, false, 300]]);
  });

  it('does not compress a flush of 64 bytes or fewer', () => {
    const session = { ...plain, compress: true };
    assert.deepEqual(shape(frames(encodeOutbound([fill(60), fill(4)], session))), [[2, true, false, 64]]);
    const [f] = frames(encodeOutbound([fill(60), fill(5)], session));
    assert.equal(f.rsv1, true);
    const inflated = inflateMessage([f.payload], 1 << 20);
    assert.deepEqual(inflated, { ok: true, bytes: Buffer.from(fill(65)) });
  });

  it('strips the sync-flush tail from compressed messages', () => {
    const [f] = frames(encodeOutbound([fill(1000)], { ...plain, compress: true }));
    assert.notDeepEqual([...f.payload.subarray(-4)], [0, 0, 0xff, 0xff]);
  });

  it('fragments a big compressed message for browsers, RSV1 on the first frame only', () => {
    const data = noise(10_000);
    const session = { ...plain, compress: true, browser: true };
    const fs = frames(encodeOutbound([data], session));
    assert.ok(fs.length >= 3);
    assert.deepEqual(shape(fs)[0], [2, false, true, 4096]);
    assert.ok(fs.slice(1).every((f) => f.opcode === 0 && !f.rsv1));
    assert.deepEqual(fs.map((f) => f.fin), [...fs.slice(1).map(() => false), true]);
    const inflated = inflateMessage(fs.map((f) => f.payload), 1 << 20);
    assert.ok(inflated.ok && Buffer.from(inflated.bytes).equals(data));
    // Safari gets it whole
    const safari = frames(encodeOutbound([data], { ...session, noCompressedFragments: true }));
    assert.deepEqual(shape(safari).map((s) => s.slice(0, 3)), [[2, true, true]]);
  });

  it('produces frames a decoder reads back', () => {
    const decoder = new FrameDecoder(false);
    const events = decoder.push(encodeOutbound([fill(3, 0x41), fill(2, 0x42)], plain));
    assert.deepEqual(events, [{ kind: 'data', payload: Uint8Array.of(0x41, 0x41, 0x41, 0x42, 0x42), compressed: false, last: true }]);
  });
});

describe('inflateMessage', () => {
  it('refuses a message that inflates beyond the limit', () => {
    const [f] = frames(encodeOutbound([fill(100_000)], { ...plain, compress: true }));
    assert.deepEqual(inflateMessage([f.payload], 10_000), { ok: false, reason: 'too_big' });
    assert.equal(inflateMessage([f.payload], 200_000).ok, true);
  });

  it('refuses compressed bytes beyond the limit before inflating', () => {
    assert.deepEqual(inflateMessage([noise(100)], 50), { ok: false, reason: 'too_big' });
  });

  it('reports bytes that are not deflate data', () => {
    assert.deepEqual(inflateMessage([Uint8Array.of(0xff, 0xff, 0xff)], 1000), { ok: false, reason: 'corrupt' });
  });
});
