/** A WebSocket test client (the `ws` package) that collects JSON messages and the close. */
import WebSocket from 'ws';

/** A parsed server message. */
export type Msg = Record<string, unknown> & { type: string };

/** How the server closed the socket. */
export interface Closed {
  code: number;
  reason: string;
}

/** One client connection. */
export class WsClient {
  readonly socket: WebSocket;
  readonly inbox: Msg[] = [];
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<Closed>;
  #wake: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as Msg);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.closed.then(() => this.#wake?.());
  }

  /** Opens `url` (optionally with an Authorization header) and waits for the handshake. */
  static open(url: string, token?: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers });
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Sends a JSON message. */
  send(msg: unknown): void {
    this.socket.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Removes and returns the first message matching `pred`, waiting up to `timeoutMs`. */
  async take(pred: (m: Msg) => boolean = () => true, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i !== -1) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => (clearTimeout(t), r());
      });
    }
  }

  /** The next event message of `type` (and group, if given). */
  event(type: string, groupId?: string, timeoutMs?: number): Promise<Msg> {
    return this.take((m) => m.type === 'event' && (m.event as { type: string }).type === type && (groupId === undefined || m.groupId === groupId), timeoutMs);
  }

  /** Event messages received and not taken yet. */
  events(): Msg[] {
    return this.inbox.filter((m) => m.type === 'event');
  }

  /** Closes from the client side and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    await this.closed;
  }
}
