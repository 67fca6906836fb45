/**
 * A raw HTTP/1.1 client over TCP, so the fuzzer can send what fetch refuses to (any
 * method, any bytes in a header, lying lengths, broken chunking, garbage request lines).
 * It reads the first answer: status, headers and body (by Content-Length, chunked, or to
 * the end); a stream (SSE, a WebSocket upgrade) counts as answered once its head arrives.
 */
import { connect } from 'node:net';

/** One answer as read off the wire. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ms: number;
}

/** No answer: the connection closed or reset first, or the time ran out. */
export interface NoAnswer {
  dropped: 'closed' | 'reset' | 'timeout';
  ms: number;
}

/** Sends `bytes` to host:port and reads the first answer (a HEAD answer has no body); `abortAfterMs`: hang up then instead. */
export function rawRequest(host: string, port: number, bytes: Buffer, o: { head?: boolean; timeoutMs?: number; abortAfterMs?: number } = {}): Promise<RawAnswer | NoAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let buf = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string>; bodyAt: number } | undefined;
    let settled = false;
    const done = (a: Omit<RawAnswer, 'ms'> | Omit<NoAnswer, 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...a, ms: performance.now() - t0 } as RawAnswer | NoAnswer);
    };
    const timer = setTimeout(() => done({ dropped: 'timeout' }), o.timeoutMs ?? 10_000);
    socket.on('error', (err: NodeJS.ErrnoException) => done((head && answer(true)) || { dropped: err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'closed' }));
    socket.on('close', () => done((head && answer(true)) || { dropped: 'closed' }));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        head = { status, headers, bodyAt: end + 4 };
        if (status === 100) {
          // An interim answer: the real one follows.
          buf = buf.subarray(end + 4);
          head = undefined;
          return;
        }
      }
      const a = answer(false);
      if (a) done(a);
    });
    socket.write(bytes);
    // A client that hangs up mid-request: no answer is awaited.
    if (o.abortAfterMs !== undefined) setTimeout(() => done({ dropped: 'closed' }), o.abortAfterMs);

    // The answer once complete (or, at the end of the connection, whatever came).
    function answer(atEnd: boolean): Omit<RawAnswer, 'ms'> | undefined {
      const h = head!;
      const body = buf.subarray(h.bodyAt);
      const whole = { status: h.status, headers: h.headers, body };
      if (o.head || h.status === 204 || h.status === 304 || h.status === 101 || (h.headers['content-type'] ?? '').startsWith('text/event-stream')) return { ...whole, body: Buffer.alloc(0) };
      const length = h.headers['content-length'];
      if (length !== undefined) return body.length >= Number(length) ? { ...whole, body: body.subarray(0, Number(length)) } : atEnd ? whole : undefined;
      if (/chunked/i.test(h.headers['transfer-encoding'] ?? '')) {
        const decoded = dechunk(body);
        return decoded ? { ...whole, body: decoded } : atEnd ? whole : undefined;
      }
      return atEnd ? whole : undefined;
    }
  });
}

/** The body of a complete chunked encoding, or undefined while it is incomplete. */
function dechunk(b: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol === -1) return undefined;
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (b.length < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
