/**
 * A connection after its WebSocket upgrade: frames in → protocol bytes for the handler;
 * protocol bytes out → frames. Writes made in one turn of the event loop go out as one
 * message, as nats-server sends what is pending at each flush as one.
 */
import type { Socket } from 'node:net';
import type { Accept, Conn, ConnHandler } from './types.ts';
import { WsCloseStatus, closePayload, closeReply, closeStatusFor } from './websocket-close.ts';
import { inflateMessage } from './websocket-deflate.ts';
import { FrameDecoder, WsOpcode, encodeFrame } from './websocket-frame.ts';
import type { FrameEvent } from './websocket-frame.ts';
import type { WsSession } from './websocket-handshake.ts';
import { encodeOutbound } from './websocket-outbound.ts';

// After our close frame, how long the peer has to close its side before we drop it.
const CLOSE_LINGER_MS = 5000;

/** The Conn the protocol layer sees for a WebSocket client. */
export class WebSocketConn implements Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;
  private handler: ConnHandler | undefined;
  private readonly decoder: FrameDecoder;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private flushScheduled = false;
  private closing = false;
  private wantDrain = false;
  private compressed: Uint8Array[] = [];
  private compressedSize = 0;

  private readonly socket: Socket;
  private readonly session: WsSession;
  private readonly maxCompressed: number;

  /** `maxCompressed`: the most a compressed message may hold, compressed or inflated. */
  constructor(socket: Socket, session: WsSession, maxCompressed: number) {
    this.socket = socket;
    this.session = session;
    this.maxCompressed = maxCompressed;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.decoder = new FrameDecoder(!session.noMasking);
  }

  /** Hands the connection to the protocol layer, then reads `leftover` and the socket. */
  start(accept: Accept, leftover: Uint8Array): void {
    const handler = accept(this);
    this.handler = handler;
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.socket.on('data', (chunk: Uint8Array) => this.receive(chunk));
    this.socket.on('drain', () => this.drained());
    this.socket.on('error', () => {
      // 'close' follows every error, and the handler learns of the end there.
    });
    this.socket.on('finish', () => {
      timer = setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS);
      (timer as { unref?: () => void }).unref?.();
    });
    this.socket.once('close', () => {
      clearTimeout(timer);
      this.closing = true;
      handler.closed();
    });
    if (leftover.length > 0) this.receive(leftover);
  }

  get pending(): number {
    return this.queued + this.socket.writableLength;
  }

  write(data: Uint8Array): boolean {
    if (this.closing) return false;
    this.queue.push(data);
    this.queued += data.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
    const ok = this.pending < this.socket.writableHighWaterMark;
    if (!ok) this.wantDrain = true;
    return ok;
  }

  /**
   * Sends what is queued, then a close frame, then closes. `reason` is the nats-server
   * close reason (its ClosedState text, e.g. "Protocol Violation"): it picks the status
   * and is sent as the close reason, as nats-server does; without it the status is 1000.
   */
  end(reason?: string): void {
    this.closeWith(
      reason === undefined ? closePayload(WsCloseStatus.NORMAL) : closePayload(closeStatusFor(reason), reason),
    );
  }

  destroy(): void {
    this.closing = true;
    this.queue = [];
    this.queued = 0;
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.socket.destroyed) this.socket.resume();
  }

  private receive(chunk: Uint8Array): void {
    if (this.closing) return;
    for (const event of this.decoder.push(chunk)) {
      // The handler may have ended the connection while taking the previous bytes.
      if (this.closing) return;
      this.dispatch(event);
    }
  }

  private dispatch(event: FrameEvent): void {
    switch (event.kind) {
      case 'data':
        return event.compressed ? this.takeCompressed(event.payload, event.last) : this.deliver(event.payload);
      case 'ping':
        // Control frames go ahead of queued data, as nats-server puts them first in a flush.
        this.socket.write(encodeFrame(WsOpcode.PONG, event.payload));
        return;
      case 'pong':
        return;
      case 'close':
        return this.closeWith(closeReply(event.payload));
      case 'error':
        return this.closeWith(closePayload(WsCloseStatus.PROTOCOL_ERROR, event.reason));
    }
  }

  private takeCompressed(payload: Uint8Array, last: boolean): void {
    this.compressed.push(payload);
    this.compressedSize += payload.length;
    if (this.compressedSize > this.maxCompressed) return this.destroy();
    if (!last) return;
    const inflated = inflateMessage(this.compressed, this.maxCompressed);
    this.compressed = [];
    this.compressedSize = 0;
    // nats-server treats a bad or oversized compressed message as a read error: it drops
    // the connection without a close frame.
    if (!inflated.ok) return this.destroy();
    this.deliver(inflated.bytes);
  }

  private deliver(bytes: Uint8Array): void {
    if (bytes.length > 0) this.handler?.data(bytes);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.socket.destroyed) return;
    const wire = encodeOutbound(this.queue, this.session);
    this.queue = [];
    this.queued = 0;
    if (this.socket.write(wire)) this.drained();
  }

  private drained(): void {
    if (!this.wantDrain || this.pending >= this.socket.writableHighWaterMark) return;
    this.wantDrain = false;
    this.handler?.drain();
  }

  // Queued data first, then the close frame, then our FIN; nothing is read after it.
  private closeWith(payload: Uint8Array): void {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    this.socket.write(encodeFrame(WsOpcode.CLOSE, payload));
    this.socket.end();
  }
}
