/**
 * Request bodies: JSON only, at most `max_body_bytes`. The size is checked twice — a
 * declared `Content-Length` over the limit is refused before anything is read, and the
 * bytes actually streamed are counted (a chunked or lying body is cut off at the limit).
 * Then the bytes must be UTF-8 and JSON. An empty body reads as `{}`. A body that breaks
 * off because the client hung up is `gateway.client_aborted` — the client's doing, not
 * ours: nobody is left to read the answer, and errors.ts logs it at debug only.
 *
 * Under Node's HTTP server (@hono/node-server hands the `IncomingMessage` over as
 * `env.incoming`) the bytes are read from the message itself: the adapter's web `Request`,
 * its ReadableStream and AbortSignal are then never built, which was a tenth of the
 * gateway's CPU per fix (docs/benchmarks.md, #18). Same limit, same errors; a body over the
 * limit is left unread and the adapter drains it after the 413, as it does for the web
 * stream. Any other runtime, or `app.request()`, reads the web `Request`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../kit/index.ts';
import type { GatewayEnv } from '../context.ts';

/** A body read and parsed. */
export interface JsonBody {
  raw: Uint8Array;
  value: unknown;
}

const tooLarge = (limit: number) => new AppError('too_large', 'gateway.body_too_large', `The request body is larger than ${limit} bytes`, { limit });
/** The code of a body the client stopped sending (connection reset or closed mid-body). */
export const CLIENT_ABORTED = 'gateway.client_aborted';
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;

/** Refuses any request whose declared length is over the limit (before routing reads anything); `max` may depend on the request. */
export function declaredLength(limit: number | ((c: Context<GatewayEnv>) => number)): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const max = typeof limit === 'number' ? limit : limit(c);
    const length = c.req.header('content-length');
    if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > max)) {
      throw /^\d+$/.test(length) ? tooLarge(max) : new AppError('validation', 'gateway.bad_content_length', 'Content-Length is not a number');
    }
    await next();
  };
}

/** The part of Node's `IncomingMessage` read here (duck-typed: no import of node:http in the app). */
export interface NodeBody {
  readonly readableDidRead: boolean;
  readonly readableEnded: boolean;
  on(event: 'data', fn: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  off(event: string, fn: (...args: never[]) => void): unknown;
  pause(): unknown;
}

/** The unread Node message under a request, if there is one. */
export function nodeBodyOf(env: unknown): NodeBody | undefined {
  const incoming = (env as { incoming?: Partial<NodeBody> } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || typeof incoming.pause !== 'function') return undefined;
  return incoming.readableDidRead === false && incoming.readableEnded === false ? (incoming as NodeBody) : undefined;
}

/** Reads a JSON request body within `max` bytes (from `node`, the request's unread Node message, when given). */
export async function readJson(req: Request, max: number, node?: NodeBody): Promise<JsonBody> {
  const raw = node ? await readNode(node, max) : await readBytes(req, max);
  if (raw.length === 0) return { raw, value: {} };
  checkType(req.headers.get('content-type'));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new AppError('validation', 'gateway.invalid_utf8', 'The request body is not valid UTF-8');
  }
  try {
    return { raw, value: JSON.parse(text) };
  } catch {
    throw new AppError('validation', 'gateway.invalid_json', 'The request body is not valid JSON');
  }
}

function checkType(header: string | null): void {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (!JSON_TYPE.test(type) || (charset !== undefined && charset !== 'utf-8')) {
    throw new AppError('validation', 'gateway.unsupported_media_type', 'Send the body as application/json (UTF-8)', { accepted: 'application/json' });
  }
}

async function readBytes(req: Request, max: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      // The request body is the client's socket: it fails only when the client goes away.
      throw new AppError('validation', CLIENT_ABORTED, 'The client closed the connection before sending the whole body', undefined, { cause: err });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined); // the client is told 413; the rest of its body is not wanted
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

function readNode(incoming: NodeBody, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const done = (fn: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      fn();
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > max) {
        incoming.pause(); // the client is told 413; the adapter drains the rest afterwards
        return done(() => reject(tooLarge(max)));
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(chunks.length === 1 ? chunks[0]! : concat(chunks, size)));
    // The request body is the client's socket: it fails or closes early only when the client goes away.
    const aborted = (cause: unknown) =>
      done(() => reject(new AppError('validation', CLIENT_ABORTED, 'The client closed the connection before sending the whole body', undefined, { cause })));
    const onError = (err: Error) => aborted(err);
    const onClose = () => aborted(new Error('closed before the end of the body'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}
