/**
 * A client's outbound bytes, gathered into one buffer between flushes so that many
 * small MSGs leave in one write. Each flush hands its buffer to the transport and the
 * next one is sized from the last, so an idle client holds no buffer at all.
 */

const MIN = 512;
const MAX = 64 * 1024;
/** Bodies this large are passed by reference rather than copied. */
export const BIG = 16 * 1024;

/** Outbound byte queue with batched flushing. */
export class Outbound {
  private buf?: Buffer;
  private off = 0;
  private chunks: Buffer[] = [];
  private chunkLen = 0;
  private nextSize = MIN;

  /** Bytes queued. */
  get length(): number {
    return this.chunkLen + this.off;
  }

  /** Queues a latin1 string (protocol lines). */
  string(s: string): void {
    this.reserve(s.length);
    const b = this.buf as Buffer & { latin1Write?: (s: string, off: number) => number };
    this.off += b.latin1Write ? b.latin1Write(s, this.off) : b.write(s, this.off, 'latin1');
  }

  /** Queues bytes. */
  bytes(b: Uint8Array): void {
    if (b.length >= BIG) {
      this.seal();
      const ref = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
      this.chunks.push(ref);
      this.chunkLen += ref.length;
      return;
    }
    this.reserve(b.length);
    this.buf!.set(b, this.off);
    this.off += b.length;
  }

  /** Takes everything queued as one buffer (or undefined when empty). */
  take(): Buffer | undefined {
    const total = this.length;
    if (total === 0) return undefined;
    this.seal();
    const out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.chunkLen);
    this.chunks = [];
    this.chunkLen = 0;
    this.nextSize = Math.min(MAX, Math.max(MIN, total * 2));
    return out;
  }

  /** Drops everything queued. */
  clear(): void {
    this.buf = undefined;
    this.off = 0;
    this.chunks = [];
    this.chunkLen = 0;
  }

  private reserve(n: number): void {
    if (this.buf && this.off + n <= this.buf.length) return;
    this.seal();
    this.buf = Buffer.allocUnsafe(Math.max(n, this.nextSize));
    this.off = 0;
  }

  /** Moves the current buffer's filled part to the chunk list. */
  private seal(): void {
    if (this.buf && this.off > 0) {
      this.chunks.push(this.buf.subarray(0, this.off));
      this.chunkLen += this.off;
      // The rest of this buffer stays usable for later writes: it is never shared.
      this.buf = this.buf.subarray(this.off);
      this.off = 0;
    }
  }
}
