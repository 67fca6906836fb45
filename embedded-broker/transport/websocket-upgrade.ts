/**
 * Turns the bytes a new connection sends before it is a WebSocket into what to answer:
 * a request may arrive split over any number of reads, a rejected request may be followed
 * by another on the same connection (Go's keep-alive), and the head is capped in size.
 */
import { decideUpgrade } from './websocket-handshake.ts';
import type { WsSession } from './websocket-handshake.ts';
import { HeadScanner, MAX_HEAD_BYTES, fatalResponse, parseRequestHead } from './websocket-http.ts';

/** One thing the socket must do, in order. */
export type UpgradeStep =
  | { kind: 'write'; data: string }
  /** Close once the writes before it are flushed; nothing more will be read. */
  | { kind: 'close' }
  /** The connection is a WebSocket now; `leftover` are frame bytes that came with the request. */
  | { kind: 'upgrade'; session: WsSession; leftover: Uint8Array };

/** Reads upgrade requests off one connection until it upgrades or must close. */
export class UpgradeReader {
  private buf = new Uint8Array(1024);
  private len = 0;
  private scanner = new HeadScanner();
  private skip = 0;
  private done = false;

  private readonly compression: boolean;
  private readonly maxHead: number;

  /** `compression`: the server offers permessage-deflate; `maxHead` caps a request head. */
  constructor(compression: boolean, maxHead = MAX_HEAD_BYTES) {
    this.compression = compression;
    this.maxHead = maxHead;
  }

  /** Feeds bytes from the socket; returns the steps they complete. */
  push(chunk: Uint8Array): UpgradeStep[] {
    if (this.done) return [];
    this.append(chunk);
    const steps: UpgradeStep[] = [];
    // Every pass consumes a whole head (or body bytes), so this ends with the buffer.
    while (!this.done) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.len);
        this.consume(n);
        this.skip -= n;
        if (this.skip > 0) break;
      }
      const end = this.scanner.scan(this.buf.subarray(0, this.len));
      if (end < 0 ? this.len > this.maxHead : end > this.maxHead) {
        this.finish(steps, fatalResponse(431));
        break;
      }
      if (end < 0) break;
      const parsed = parseRequestHead(latin1(this.buf.subarray(0, end)));
      this.consume(end);
      if (parsed.kind === 'fatal') {
        this.finish(steps, parsed.response);
        break;
      }
      const decision = decideUpgrade(parsed.head, this.compression);
      if (decision.kind === 'upgrade') {
        this.done = true;
        steps.push({ kind: 'write', data: decision.response });
        if (decision.leafnode) {
          steps.push({ kind: 'close' });
          break;
        }
        // nats-server drops a client that sent frames before reading the 101 (it finds
        // them buffered by Go's reader); we keep them: the timing is not the client's.
        steps.push({ kind: 'upgrade', session: decision.session, leftover: this.buf.slice(0, this.len) });
        break;
      }
      if (!decision.keepAlive) {
        this.finish(steps, decision.response);
        break;
      }
      steps.push({ kind: 'write', data: decision.response });
      this.skip = parsed.head.bodyLength;
    }
    return steps;
  }

  private finish(steps: UpgradeStep[], response: string): void {
    this.done = true;
    steps.push({ kind: 'write', data: response }, { kind: 'close' });
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private consume(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    this.scanner.shift(n);
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}
