/**
 * WebSocket frames (RFC 6455 §5): a byte-level decoder that copes with frames split at any
 * byte, and the encoder for what the server sends (never masked). What the decoder rejects,
 * and with which words, follows nats-server 2.9.10's wsRead (server/websocket.go).
 */

/** Frame opcodes. */
export const WsOpcode = {
  CONTINUATION: 0,
  TEXT: 1,
  BINARY: 2,
  CLOSE: 8,
  PING: 9,
  PONG: 10,
} as const;
export type WsOpcode = (typeof WsOpcode)[keyof typeof WsOpcode];

/** What decoding produced, in wire order. */
export type FrameEvent =
  /**
   * Payload bytes of a data message, as they arrive (a frame may come in pieces).
   * `compressed` when the message's first frame had RSV1 set; `last` on its final byte.
   */
  | { kind: 'data'; payload: Uint8Array; compressed: boolean; last: boolean }
  | { kind: 'ping' | 'pong' | 'close'; payload: Uint8Array }
  /** A protocol error: the peer gets close 1002 with this reason. Decoding stops. */
  | { kind: 'error'; reason: string };

const MAX_CONTROL_PAYLOAD = 125;

/** Decodes client frames; feed it bytes as they come. Stops after a close or an error. */
export class FrameDecoder {
  private head = new Uint8Array(14);
  private headLen = 0;
  private headNeed = 2;
  private inPayload = false;
  private stopped = false;
  private opcode = 0;
  private fin = false;
  private masked = false;
  private keyPos = 0;
  private remaining = 0;
  private control = new Uint8Array(MAX_CONTROL_PAYLOAD);
  private controlLen = 0;
  // A data message whose final frame has not come yet, and whether it is compressed.
  private inMessage = false;
  private compressed = false;

  private readonly requireMask: boolean;

  /** With `requireMask`, an unmasked frame is an error (all but Nats-No-Masking clients). */
  constructor(requireMask: boolean) {
    this.requireMask = requireMask;
  }

  /** Decodes what `chunk` completes; keeps a partial frame for the next call. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let pos = 0;
    // A frame whose header is complete and whose payload is empty is finished without
    // more input: it still yields its (empty) data event, which may end a message.
    while (!this.stopped && (pos < chunk.length || (this.inPayload && this.remaining === 0))) {
      if (!this.inPayload) {
        const n = Math.min(this.headNeed - this.headLen, chunk.length - pos);
        this.head.set(chunk.subarray(pos, pos + n), this.headLen);
        this.headLen += n;
        pos += n;
        if (this.headLen === 2 && this.headNeed === 2) {
          const reason = this.startHeader();
          if (reason) this.fail(events, reason);
        }
        if (this.headLen === this.headNeed && !this.stopped) this.endHeader(events);
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - pos);
      const bytes = this.unmask(chunk.subarray(pos, pos + n));
      pos += n;
      this.remaining -= n;
      if (this.opcode >= WsOpcode.CLOSE) {
        this.control.set(bytes, this.controlLen);
        this.controlLen += n;
      } else {
        const last = this.fin && this.remaining === 0;
        events.push({ kind: 'data', payload: bytes, compressed: this.compressed, last });
      }
      if (this.remaining === 0) this.endFrame(events);
    }
    return events;
  }

  // Checks the first two bytes in wsRead's order; returns the error reason, if any.
  private startHeader(): string | undefined {
    const [b0, b1] = this.head;
    this.fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    this.opcode = b0 & 0x0f;
    this.masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if (this.requireMask && !this.masked) return 'mask bit missing';
    // RSV2/RSV3 are not checked, and RSV1 on a control frame is ignored, as in nats-server.
    switch (this.opcode) {
      case WsOpcode.CLOSE:
      case WsOpcode.PING:
      case WsOpcode.PONG:
        if (len7 > MAX_CONTROL_PAYLOAD) {
          return `control frame length bigger than maximum allowed of ${MAX_CONTROL_PAYLOAD} bytes`;
        }
        if (!this.fin) return 'control frame does not have final bit set';
        break;
      case WsOpcode.TEXT: // text is taken as binary: nats-server never checks it is UTF-8
      case WsOpcode.BINARY:
        if (this.inMessage) return 'new message started before final frame for previous message was received';
        this.inMessage = !this.fin;
        this.compressed = rsv1;
        break;
      case WsOpcode.CONTINUATION:
        // Only a message's first frame may carry RSV1 (RFC 7692 §6.1).
        if (!this.inMessage || rsv1) return 'invalid continuation frame';
        this.inMessage = !this.fin;
        break;
      default:
        return `unknown opcode ${this.opcode}`;
    }
    this.headNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.masked ? 4 : 0);
    return undefined;
  }

  private endHeader(events: FrameEvent[]): void {
    const h = this.head;
    const len7 = h[1] & 0x7f;
    if (len7 === 127 && h[2] & 0x80) {
      // nats-server 2.9.10 reads this as a negative int; later versions reject it so.
      this.fail(events, 'invalid 64-bit payload length');
      return;
    }
    const view = new DataView(h.buffer);
    if (len7 === 126) this.remaining = view.getUint16(2);
    // Beyond 2^53 this loses precision, which no connection lives long enough to notice.
    else if (len7 === 127) this.remaining = view.getUint32(2) * 2 ** 32 + view.getUint32(6);
    else this.remaining = len7;
    this.keyPos = 0;
    this.controlLen = 0;
    this.inPayload = true;
  }

  private endFrame(events: FrameEvent[]): void {
    this.inPayload = false;
    this.headLen = 0;
    this.headNeed = 2;
    if (this.opcode < WsOpcode.CLOSE) return;
    const payload = this.control.slice(0, this.controlLen);
    const kind = this.opcode === WsOpcode.CLOSE ? 'close' : this.opcode === WsOpcode.PING ? 'ping' : 'pong';
    events.push({ kind, payload });
    // nats-server stops reading at a close frame; what follows it is never looked at.
    if (kind === 'close') this.stopped = true;
  }

  private fail(events: FrameEvent[], reason: string): void {
    events.push({ kind: 'error', reason });
    this.stopped = true;
  }

  // Unmasks into a copy: the caller's chunk is left as it was. Four bytes at a time, since
  // the masking key repeats every four; the copy starts at offset 0, so it is aligned.
  private unmask(bytes: Uint8Array): Uint8Array {
    if (!this.masked) return bytes;
    const out = new Uint8Array(bytes);
    const key = this.head.subarray(this.headNeed - 4, this.headNeed);
    const p = this.keyPos;
    const words = out.length >>> 2;
    if (words > 0) {
      const rotated = Uint8Array.of(key[p & 3], key[(p + 1) & 3], key[(p + 2) & 3], key[(p + 3) & 3]);
      const k32 = new Uint32Array(rotated.buffer)[0];
      const w = new Uint32Array(out.buffer, 0, words);
      for (let i = 0; i < words; i++) w[i] ^= k32;
    }
    for (let i = words * 4; i < out.length; i++) out[i] ^= key[(p + i) & 3];
    this.keyPos = (p + out.length) & 3;
    return out;
  }
}

/** The header of a server frame (never masked). */
export function frameHeader(opcode: number, length: number, fin = true, rsv1 = false): Uint8Array {
  const b0 = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  if (length <= 125) return Uint8Array.of(b0, length);
  if (length < 65536) return Uint8Array.of(b0, 126, length >> 8, length & 0xff);
  const h = new Uint8Array(10);
  h[0] = b0;
  h[1] = 127;
  new DataView(h.buffer).setBigUint64(2, BigInt(length));
  return h;
}

/** One whole server frame: header then payload. */
export function encodeFrame(opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
  const h = frameHeader(opcode, payload.length, fin, rsv1);
  const out = new Uint8Array(h.length + payload.length);
  out.set(h);
  out.set(payload, h.length);
  return out;
}
