/**
 * How the bytes written to a WebSocket connection become frames, decided as nats-server
 * 2.9.10's wsCollapsePtoNB decides for one flush (server/websocket.go): everything pending
 * goes out as one binary message, compressed when deflate is on and it is over 64 bytes;
 * for browsers, frames are kept to 4096 bytes.
 */
import { deflateMessage } from './websocket-deflate.ts';
import { WsOpcode, frameHeader } from './websocket-frame.ts';
import type { WsSession } from './websocket-handshake.ts';

/** nats-server does not compress a flush of this many bytes or fewer. */
export const COMPRESS_THRESHOLD = 64;
/** nats-server's frame size for browsers ("from experiment, browsers behave better"). */
export const BROWSER_FRAME_SIZE = 4096;

/** The wire bytes for one flush of `chunks` (the writes since the last flush, in order). */
export function encodeOutbound(chunks: readonly Uint8Array[], session: WsSession): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (total === 0) return new Uint8Array(0);
  const frames: Uint8Array[] = [];
  if (session.compress && total > COMPRESS_THRESHOLD) {
    const body = deflateMessage(concat(chunks, total));
    const limit = session.browser && !session.noCompressedFragments ? BROWSER_FRAME_SIZE : Infinity;
    // A compressed message too big for one browser frame is fragmented: RSV1 on the first
    // frame only, continuation frames after it.
    for (let at = 0; at < body.length; at += limit) {
      const piece = body.subarray(at, at + limit);
      const first = at === 0;
      const opcode = first ? WsOpcode.BINARY : WsOpcode.CONTINUATION;
      frames.push(frameHeader(opcode, piece.length, at + limit >= body.length, first));
      frames.push(piece);
    }
  } else if (session.browser) {
    for (const frame of browserFrames(chunks)) {
      frames.push(frameHeader(WsOpcode.BINARY, frame.reduce((n, c) => n + c.length, 0)), ...frame);
    }
  } else {
    frames.push(frameHeader(WsOpcode.BINARY, total), ...chunks);
  }
  return concat(frames, frames.reduce((n, c) => n + c.length, 0));
}

/**
 * Uncompressed browser frames, cut as nats-server cuts them: whole writes are packed while
 * they fit in 4096 bytes; a write that does not fit closes the frame being packed and is
 * cut into 4096-byte frames, its tail staying open for the writes after it. Each frame is
 * a whole (final) binary message.
 */
function browserFrames(chunks: readonly Uint8Array[]): Uint8Array[][] {
  const frames: Uint8Array[][] = [[]];
  let size = 0;
  for (const chunk of chunks) {
    if (size + chunk.length <= BROWSER_FRAME_SIZE) {
      frames[frames.length - 1].push(chunk);
      size += chunk.length;
      continue;
    }
    for (let at = 0; at < chunk.length; at += BROWSER_FRAME_SIZE) {
      if (size !== 0) frames.push([]);
      const piece = chunk.subarray(at, at + BROWSER_FRAME_SIZE);
      frames[frames.length - 1].push(piece);
      size = piece.length;
    }
  }
  return frames;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
