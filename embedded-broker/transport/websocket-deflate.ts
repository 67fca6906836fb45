/**
 * permessage-deflate (RFC 7692) as nats-server 2.9.10 runs it: no context takeover either
 * way, so every message is compressed and inflated on its own (server/websocket.go).
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

// RFC 7692 §7.2.2: the sender strips the 4-byte tail of a sync flush; the receiver puts it
// back. nats-server also appends an empty final block so the inflater sees a whole stream.
const SYNC_TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
const RESTORED_TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff);

/**
 * The most a compressed message may hold, in and out: nats-server 2.9.10 has no limit; its
 * later versions cap the compressed bytes at 8 × max_payload, at most 64 MiB. We apply
 * that cap to both sides so a small message cannot inflate without bound.
 */
export function maxCompressedMessage(maxPayload: number): number {
  return Math.min(Math.max(maxPayload, 1) * 8, 64 * 1024 * 1024);
}

/** Compresses one outgoing message at flate.BestSpeed (level 1), tail stripped. */
export function deflateMessage(data: Uint8Array): Uint8Array {
  const out = deflateRawSync(data, { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
  const tail = out.subarray(out.length - SYNC_TAIL.length);
  return SYNC_TAIL.every((b, i) => tail[i] === b) ? out.subarray(0, out.length - SYNC_TAIL.length) : out;
}

/** An inflated message, or why it could not be. */
export type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_big' | 'corrupt' };

/** Inflates the payloads of one compressed message's frames. */
export function inflateMessage(parts: readonly Uint8Array[], maxBytes: number): Inflated {
  const size = parts.reduce((n, p) => n + p.length, 0);
  if (size + RESTORED_TAIL.length > maxBytes) return { ok: false, reason: 'too_big' };
  const input = new Uint8Array(size + RESTORED_TAIL.length);
  let at = 0;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  input.set(RESTORED_TAIL, at);
  try {
    return { ok: true, bytes: inflateRawSync(input, { maxOutputLength: maxBytes }) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'too_big' : 'corrupt' };
  }
}
