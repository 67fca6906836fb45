/**
 * The narrow interface between a byte stream (TCP socket, WebSocket connection) and the
 * protocol layer. Transports deliver whole-or-partial protocol bytes; the parser copes
 * with any split.
 */

/** One connected peer, as the server sees it. */
export interface Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * True when the bytes handed to ConnHandler.data are valid only during that call (the
   * transport reads into one reused buffer); the protocol layer then copies what it keeps.
   */
  readonly transient?: boolean;
  /** Bytes accepted by write() but not yet handed to the kernel. */
  readonly pending: number;
  /** Queues bytes for the peer. Returns false when the transport wants the writer to wait. */
  write(data: Uint8Array): boolean;
  /**
   * Flushes what is queued, then closes. `reason` is nats-server's close-reason text
   * ("Protocol Violation", ...); WebSocket turns it into a close frame, TCP ignores it.
   */
  end(reason?: string): void;
  /** Closes at once, dropping what is queued. */
  destroy(): void;
  /**
   * Stops handing received bytes to the handler (the chunk being handled is finished);
   * the peer's further bytes wait in the kernel, so TCP slows the peer down.
   */
  pause(): void;
  /** Hands received bytes to the handler again. */
  resume(): void;
  /**
   * Present on a transport that starts TLS in-band (TCP with a tls block): the protocol
   * layer calls it once, right after writing INFO, which goes in clear. Later writes wait
   * for the handshake; a failed handshake is reported by ConnHandler.closed(error).
   */
  startTls?(): void;
}

/** What a transport calls as a connection lives. */
export interface ConnHandler {
  data(bytes: Uint8Array): void;
  /** The transport wrote out what it had been handed (pending fell, maybe to 0). */
  drain(): void;
  /** The connection is gone; `tlsError` when it ended because its TLS handshake failed. */
  closed(tlsError?: Error): void;
}

/** A listening transport, able to report its bound address and to stop. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Accepts new connections; returns the handler for each. */
export type Accept = (conn: Conn) => ConnHandler;
