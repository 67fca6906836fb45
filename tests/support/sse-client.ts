/** An SSE test client over `fetch` streaming: parses frames (id, event, data, comments). */

/** One SSE frame as received. */
export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** One open SSE response. */
export class SseClient {
  readonly response: Response;
  readonly frames: Frame[] = [];
  /** Resolves when the response ends (server closed it, or the client aborted). */
  readonly ended: Promise<void>;
  readonly #abort: AbortController;
  #wake: (() => void) | undefined;

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    this.ended = this.#read().finally(() => this.#wake?.());
  }

  /** GETs `url`; resolves with the client, or the Response when the status is not 200. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetch(url, { headers, signal: abort.signal });
    if (res.status !== 200) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
    return new SseClient(res, abort);
  }

  /** Removes and returns the first frame matching `pred`, waiting up to `timeoutMs`. */
  async take(pred: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i !== -1) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => (clearTimeout(t), r());
      });
    }
  }

  /** The next frame with `event: <type>`. */
  event(type: string, timeoutMs?: number): Promise<Frame> {
    return this.take((f) => f.event === type, timeoutMs);
  }

  /** Aborts the request. */
  close(): void {
    this.#abort.abort();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of this.response.body!) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) !== -1) {
          this.frames.push(parseFrame(text.slice(0, end)));
          text = text.slice(end + 2);
          this.#wake?.();
        }
      }
    } catch {
      // aborted by close(), or the server cut the response: `ended` resolves either way
    }
  }
}

function parseFrame(block: string): Frame {
  const frame: Frame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon) as 'id' | 'event' | 'data';
      frame[field] = line.slice(colon + 1).replace(/^ /, '');
    }
  }
  return frame;
}
