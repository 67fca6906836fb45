/**
 * Malformed stream frames for `/v1/stream` (see src/gateway/stream/protocol.ts): messages
 * of unknown or missing types, every known type with wrong fields, text that is not JSON,
 * binary frames, frames over the 16 KiB limit, invalid UTF-8, authentication with bad
 * tokens, and raw bytes that break the WebSocket framing itself.
 */
import type { Rng } from './rng.ts';
import { malformedJson, oddObject, oddValue } from './values.ts';

/** One frame to send: text, binary, or bytes written straight to the socket. */
export type FuzzFrame = { kind: 'text'; data: string } | { kind: 'binary'; data: Buffer } | { kind: 'raw'; data: Buffer };

const TYPES = ['auth', 'ping', 'pong', 'location', 'message', 'typing', 'AUTH', '', 'event', 'ready', 'error', '__proto__'];

/** Builds one malformed frame; `ctx` gives a real group id and token to mix in. */
export function makeFrame(r: Rng, ctx: { token: string; groupId: string }): { category: string; frame: FuzzFrame } {
  const category = r.weighted<string>([
    [4, 'wrong-fields'],
    [2, 'not-json'],
    [1, 'bad-auth'],
    [1, 'binary'],
    [0.5, 'too-big'],
    [0.5, 'bad-utf8'],
    [0.5, 'raw-bytes'],
  ]);
  const text = (v: unknown) => ({ category, frame: { kind: 'text', data: typeof v === 'string' ? v : JSON.stringify(v) } as FuzzFrame });
  switch (category) {
    case 'wrong-fields': {
      const msg: Record<string, unknown> = { type: r.chance(0.8) ? r.pick(TYPES) : oddValue(r) };
      for (const f of ['id', 'token', 'lastEventId', 'fixes', 'groupId', 'text', 'txnId', 'replyTo']) if (r.chance(0.35)) msg[f] = fieldValue(r, f, ctx);
      if (r.chance(0.2)) Object.assign(msg, oddObject(r));
      return text(r.chance(0.05) ? oddValue(r) : msg);
    }
    case 'not-json':
      return text(malformedJson(r).toString('utf8').slice(0, 15_000));
    case 'bad-auth':
      return text({ type: 'auth', token: r.pick(['', 'x', 'a.b.c', ctx.token.slice(0, -3) + 'AAA', ctx.token + '.', 'e'.repeat(8193), 42]), lastEventId: r.pick([undefined, '', 'x'.repeat(65), '0', oddValue(r)]) });
    case 'binary':
      return { category, frame: { kind: 'binary', data: r.chance(0.5) ? Buffer.from(JSON.stringify({ type: 'ping' })) : r.bytes(r.int(0, 500)) } };
    case 'too-big':
      return text(JSON.stringify({ type: 'message', groupId: ctx.groupId, text: 'x'.repeat(r.int(17_000, 200_000)), txnId: 'a' }));
    case 'bad-utf8':
      return { category, frame: { kind: 'raw', data: maskedFrame(0x1, Buffer.concat([Buffer.from('{"type":"ping","x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])) } };
    default:
      return { category, frame: { kind: 'raw', data: r.chance(0.5) ? r.bytes(r.int(1, 64)) : maskedFrame(r.pick([0x3, 0x7, 0xb, 0xf, 0x0, 0x9]), r.bytes(r.int(0, 200))) } };
  }
}

function fieldValue(r: Rng, field: string, ctx: { token: string; groupId: string }): unknown {
  if (field === 'groupId' && r.chance(0.5)) return ctx.groupId;
  if (field === 'fixes' && r.chance(0.6)) return Array.from({ length: r.int(0, 60) }, () => ({ lat: oddValue(r), lon: oddValue(r), at: oddValue(r), accuracy: oddValue(r), ...(r.chance(0.3) ? oddObject(r) : {}) }));
  if (field === 'token' && r.chance(0.3)) return ctx.token;
  return oddValue(r);
}

/** A client-to-server WebSocket frame (masked, FIN set) with any opcode and payload. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}
