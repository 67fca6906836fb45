/**
 * The body of every reply: `{ ok: result }` or `{ error: { code, kind, message, details } }`,
 * MessagePack-encoded; and the NATS headers that carry correlation, causation and version.
 */
import { headers as natsHeaders, type MsgHdrs } from 'nats';
import { decode, encode } from '../codec.ts';
import { AppError, type WireError } from '../errors.ts';
import { Headers } from '../envelope.ts';

/** Trace ids that travel with a message. */
export interface Trace {
  correlationId: string;
  causationId: string;
}

/** Encodes a successful reply. */
export function okReply(result: unknown): Uint8Array {
  return encode({ ok: result ?? null });
}

/** Encodes an error reply. */
export function errorReply(err: AppError): Uint8Array {
  return encode({ error: err.toWire() });
}

/** Decodes a reply: the result, or throws the AppError it carries. */
export function readReply(bytes: Uint8Array): unknown {
  let body: { ok?: unknown; error?: WireError } | null;
  try {
    body = decode(bytes) as typeof body;
  } catch (err) {
    throw new AppError('internal', 'kit.bad_reply', 'The service answered with a malformed reply', undefined, { cause: err });
  }
  if (body && typeof body === 'object' && 'error' in body) throw AppError.fromWire(body.error);
  if (body && typeof body === 'object' && 'ok' in body) return body.ok;
  throw new AppError('internal', 'kit.bad_reply', 'The service answered with a malformed reply');
}

/** NATS headers for a message with these trace ids (and a contract version). */
export function traceHeaders(trace: Partial<Trace>, version?: number): MsgHdrs {
  const h = natsHeaders();
  if (trace.correlationId) h.set(Headers.correlation, trace.correlationId);
  if (trace.causationId) h.set(Headers.causation, trace.causationId);
  if (version !== undefined) h.set(Headers.version, String(version));
  return h;
}

/** Reads the trace ids and version from a message's headers (absent → ""). */
export function readTrace(h: MsgHdrs | undefined): Trace & { version: number | undefined } {
  const version = h?.get(Headers.version);
  return {
    correlationId: h?.get(Headers.correlation) ?? '',
    causationId: h?.get(Headers.causation) ?? '',
    version: version ? Number(version) : undefined,
  };
}
