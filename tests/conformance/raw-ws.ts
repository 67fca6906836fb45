/**
 * A hand-written WebSocket client for conformance tests that must send frames no library
 * would: unmasked, fragmented control frames, reserved bits, unknown opcodes. Frames are
 * encoded and decoded here byte by byte (RFC 6455 §5.2) on top of the raw TCP client.
 */
import { randomBytes } from 'node:crypto';
import { rawConnect, type ConnectOptions, type RawClient } from './raw-client.ts';

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Op = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One frame as it is on the wire. */
export interface WsFrame {
  fin: boolean;
  /** The three reserved bits, as the value 0..7 (RSV1 = 4). */
  rsv: number;
  opcode: number;
  payload: Buffer;
}

/** What to put in a frame; anything left out is a well-formed default (final, masked). */
export interface FrameSpec {
  opcode: number;
  payload?: string | Uint8Array;
  fin?: boolean;
  rsv?: number;
  /** false sends the payload unmasked, which a server must reject unless it agreed not to. */
  mask?: boolean;
}

/** Encodes one frame exactly as specified, however invalid. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : Buffer.from(spec.payload ?? []);
  const mask = spec.mask ?? true;
  const len = payload.length;
  const head = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** Decodes one (unmasked, server-sent) frame from the front of latin1 text, if complete. */
export function decodeFrame(rest: string): [WsFrame, number] | undefined {
  if (rest.length < 2) return undefined;
  const b0 = rest.charCodeAt(0);
  const b1 = rest.charCodeAt(1);
  let len = b1 & 0x7f;
  let off = 2;
  if (len === 126) {
    if (rest.length < 4) return undefined;
    len = (rest.charCodeAt(2) << 8) | rest.charCodeAt(3);
    off = 4;
  } else if (len === 127) {
    if (rest.length < 10) return undefined;
    len = 0;
    for (let i = 2; i < 10; i++) len = len * 256 + rest.charCodeAt(i);
    off = 10;
  }
  const keyLen = b1 & 0x80 ? 4 : 0;
  if (rest.length < off + keyLen + len) return undefined;
  const payload = Buffer.from(rest.slice(off + keyLen, off + keyLen + len), 'latin1');
  if (keyLen) {
    for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ rest.charCodeAt(off + (i & 3));
  }
  return [{ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, payload }, off + keyLen + len];
}

/** A close frame's status code and reason, or undefined for an empty close payload. */
export function closeReason(frame: WsFrame): { code: number; reason: string } | undefined {
  if (frame.payload.length < 2) return undefined;
  return { code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString('utf8') };
}

/** The server's answer to an upgrade request. */
export interface WsUpgrade {
  client: RawClient;
  status: number;
  /** The response head, status line and headers, without the blank line. */
  head: string;
}

/** The headers of a valid upgrade request; a test deletes or replaces some. */
export function upgradeHeaders(port: number): Record<string, string> {
  return {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
  };
}

/** Sends an upgrade request with exactly `headers` and reads the response head. */
export async function wsUpgrade(port: number, headers = upgradeHeaders(port), method = 'GET'): Promise<WsUpgrade> {
  const client = await rawConnect(port);
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  client.write(`${method} / HTTP/1.1\r\n${lines.join('')}\r\n`);
  const head = (await client.readUntil('\r\n\r\n')).slice(0, -4);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? NaN);
  return { client, status, head };
}

/** Reads the next frame the server sends. */
export function readFrame(c: RawClient, timeoutMs = 1000): Promise<WsFrame> {
  return c.take(decodeFrame, timeoutMs);
}

/** Sends one frame built from `spec`. */
export function sendFrame(c: RawClient, spec: FrameSpec): void {
  c.write(encodeFrame(spec));
}

/**
 * Reads frames until the NATS text they carry (binary or text data frames, concatenated)
 * contains `pattern`, and returns that text. Control frames are returned in `control`.
 */
export async function readNats(c: RawClient, pattern: string, timeoutMs = 1000): Promise<{ text: string; control: WsFrame[] }> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  const control: WsFrame[] = [];
  while (!text.includes(pattern)) {
    const f = await readFrame(c, Math.max(1, deadline - Date.now()));
    if (f.opcode >= 0x8) control.push(f);
    else text += f.payload.toString('latin1');
  }
  return { text, control };
}

/** Upgrades, reads INFO, sends CONNECT and PING in one masked binary frame, and waits for PONG. */
export async function wsReady(port: number, opts: ConnectOptions = {}): Promise<RawClient> {
  const { client, status, head } = await wsUpgrade(port);
  if (status !== 101) throw new Error(`upgrade refused: ${head}`);
  await readNats(client, '\r\n');
  const connect = JSON.stringify({ verbose: false, pedantic: false, headers: true, protocol: 1, ...opts });
  sendFrame(client, { opcode: Op.binary, payload: `CONNECT ${connect}\r\nPING\r\n` });
  await readNats(client, 'PONG\r\n');
  return client;
}
