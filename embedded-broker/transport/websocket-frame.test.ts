import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, encodeFrame, frameHeader } from './websocket-frame.ts';
import type { FrameEvent } from './websocket-frame.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = bytes(0x37, 0xfa, 0x21, 0x3d);

/** A client frame: masked with KEY unless told otherwise, using the shortest length form. */
function clientFrame(b0: number, payload: Uint8Array, masked = true): Uint8Array {
  const h = frameHeader(0, payload.length);
  h[0] = b0;
  if (masked) h[1] |= 0x80;
  const body = masked ? payload.map((b, i) => b ^ KEY[i & 3]) : payload;
  return Uint8Array.from([...h, ...(masked ? KEY : []), ...body]);
}

function decode(chunks: Uint8Array[], requireMask = true): FrameEvent[] {
  const d = new FrameDecoder(requireMask);
  return chunks.flatMap((c) => d.push(c));
}

/** Events with data pieces merged, so a split frame compares equal to a whole one. */
function merged(events: FrameEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    const prev = out.at(-1) as { kind: string; payload: number[]; last: boolean } | undefined;
    if (e.kind === 'data' && prev?.kind === 'data' && !prev.last) {
      prev.payload.push(...e.payload);
      prev.last = e.last;
    } else if (e.kind === 'error') out.push({ ...e });
    else out.push({ ...e, payload: [...e.payload] });
  }
  return out;
}

/** Decodes `wire` whole, then split at every byte offset, then a byte at a time; all must agree. */
function assertEverySplit(wire: Uint8Array, expected: unknown[], requireMask = true): void {
  assert.deepEqual(merged(decode([wire], requireMask)), expected, 'whole');
  for (let i = 0; i <= wire.length; i++) {
    const got = merged(decode([wire.subarray(0, i), wire.subarray(i)], requireMask));
    assert.deepEqual(got, expected, `split at ${i}`);
  }
  const single = Array.from(wire, (b) => bytes(b));
  assert.deepEqual(merged(decode(single, requireMask)), expected, 'byte at a time');
}

const data = (s: string | number[], last = true, compressed = false) => ({
  kind: 'data',
  payload: typeof s === 'string' ? [...text(s)] : s,
  compressed,
  last,
});

describe('FrameDecoder', () => {
  it('decodes the masked "Hello" of RFC 6455 §5.7 at every split point', () => {
    const wire = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
    assertEverySplit(wire, [data('Hello')]);
  });

  it('decodes 16-bit and 64-bit payload lengths at every split point', () => {
    const p300 = Array.from({ length: 300 }, (_, i) => i & 0xff);
    assertEverySplit(clientFrame(0x82, Uint8Array.from(p300)), [data(p300)]);
    const big = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    const h = bytes(0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70, ...KEY);
    const wire = Uint8Array.from([...h, ...big.map((b, i) => b ^ KEY[i & 3])]);
    // every split point of the 14-byte header and the first bytes of payload, then a few more
    for (const i of [...Array(20).keys(), 35_000, wire.length - 1]) {
      assert.deepEqual(merged(decode([wire.subarray(0, i), wire.subarray(i)])), [data([...big])], `split at ${i}`);
    }
  });

  it('rejects an unmasked frame unless the client asked for no masking', () => {
    const wire = clientFrame(0x82, text('PING\r\n'), false);
    assert.deepEqual(decode([wire]), [{ kind: 'error', reason: 'mask bit missing' }]);
    assertEverySplit(wire, [data('PING\r\n')], false);
  });

  it('still unmasks a masked frame from a client that asked for no masking', () => {
    assert.deepEqual(merged(decode([clientFrame(0x82, text('PING\r\n'))], false)), [data('PING\r\n')]);
  });

  it('takes a text frame as data, without checking UTF-8, as nats-server does', () => {
    assertEverySplit(clientFrame(0x81, bytes(0xff, 0xfe)), [data([0xff, 0xfe])]);
  });

  it('joins a fragmented message and answers control frames sent between its fragments', () => {
    const wire = Uint8Array.from([
      ...clientFrame(0x02, text('PI')),
      ...clientFrame(0x89, text('hi')),
      ...clientFrame(0x00, text('NG')),
      ...clientFrame(0x8a, text('')),
      ...clientFrame(0x80, text('\r\n')),
    ]);
    assertEverySplit(wire, [
      data('PI', false),
      { kind: 'ping', payload: [...text('hi')] },
      data('NG', false),
      { kind: 'pong', payload: [] },
      data('\r\n'),
    ]);
  });

  it('marks every piece of a message whose first frame has RSV1 as compressed', () => {
    const wire = Uint8Array.from([...clientFrame(0x42, bytes(1, 2)), ...clientFrame(0x80, bytes(3))]);
    assert.deepEqual(decode([wire]), [
      { kind: 'data', payload: bytes(1, 2), compressed: true, last: false },
      { kind: 'data', payload: bytes(3), compressed: true, last: true },
    ]);
  });

  it('ends a message with an empty final frame', () => {
    const wire = Uint8Array.from([...clientFrame(0x42, bytes(9)), ...clientFrame(0x80, bytes())]);
    assertEverySplit(wire, [data([9], true, true)]);
    const events = decode([wire]);
    assert.deepEqual(events.at(-1), { kind: 'data', payload: bytes(), compressed: true, last: true });
  });

  it('ignores RSV2 and RSV3, as nats-server 2.9.10 does', () => {
    assertEverySplit(clientFrame(0xb2, text('x')), [data('x')]);
  });

  it('stops at a close frame and ignores what follows it', () => {
    const close = clientFrame(0x88, bytes(0x03, 0xe8, 0x62));
    const wire = Uint8Array.from([...close, ...clientFrame(0x82, text('PING\r\n'))]);
    assertEverySplit(wire, [{ kind: 'close', payload: [0x03, 0xe8, 0x62] }]);
  });

  const protocolErrors: [string, Uint8Array, string][] = [
    ['unknown data opcode', clientFrame(0x83, text('x')), 'unknown opcode 3'],
    ['unknown control opcode', clientFrame(0x8b, text('x')), 'unknown opcode 11'],
    [
      'control frame over 125 bytes',
      clientFrame(0x89, new Uint8Array(126)),
      'control frame length bigger than maximum allowed of 125 bytes',
    ],
    ['fragmented control frame', clientFrame(0x09, text('x')), 'control frame does not have final bit set'],
    ['continuation with no message', clientFrame(0x80, text('x')), 'invalid continuation frame'],
    [
      'RSV1 on a continuation frame',
      Uint8Array.from([...clientFrame(0x02, text('x')), ...clientFrame(0xc0, text('y'))]),
      'invalid continuation frame',
    ],
    [
      'new message before the final frame',
      Uint8Array.from([...clientFrame(0x02, text('x')), ...clientFrame(0x82, text('y'))]),
      'new message started before final frame for previous message was received',
    ],
    ['64-bit length with its top bit set', bytes(0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, ...KEY), 'invalid 64-bit payload length'],
  ];
  for (const [name, wire, reason] of protocolErrors) {
    it(`reports a protocol error for a ${name}, at every split point`, () => {
      const expected = merged(decode([wire])).filter((e) => (e as FrameEvent).kind === 'error');
      assert.deepEqual(expected, [{ kind: 'error', reason }]);
      for (let i = 0; i <= wire.length; i++) {
        const got = decode([wire.subarray(0, i), wire.subarray(i)]);
        assert.deepEqual(got.at(-1), { kind: 'error', reason }, `split at ${i}`);
      }
    });
  }

  it('reads nothing after an error', () => {
    const d = new FrameDecoder(true);
    assert.equal(d.push(clientFrame(0x83, text('x'))).length, 1);
    assert.deepEqual(d.push(clientFrame(0x82, text('PING\r\n'))), []);
  });

  it('leaves the bytes it was given unchanged', () => {
    const wire = clientFrame(0x82, text('PING\r\n'));
    const copy = wire.slice();
    decode([wire]);
    assert.deepEqual(wire, copy);
  });
});

describe('frame encoding', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms at their boundaries', () => {
    assert.deepEqual(frameHeader(2, 125), bytes(0x82, 125));
    assert.deepEqual(frameHeader(2, 126), bytes(0x82, 126, 0, 126));
    assert.deepEqual(frameHeader(2, 65535), bytes(0x82, 126, 0xff, 0xff));
    assert.deepEqual(frameHeader(2, 65536), bytes(0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0));
  });

  it('sets FIN and RSV1 as asked and never masks', () => {
    assert.deepEqual(frameHeader(2, 5, false, true), bytes(0x42, 5));
    assert.deepEqual(frameHeader(0, 5, true, false), bytes(0x80, 5));
    assert.deepEqual(encodeFrame(0x9, text('Hello')), bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
  });

  it('round-trips through the decoder when masking is not required', () => {
    const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
    assert.deepEqual(merged(decode([encodeFrame(2, payload)], false)), [data([...payload])]);
  });
});
