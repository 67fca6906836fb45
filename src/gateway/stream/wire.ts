/**
 * Outgoing frames. An event is serialised once (cached on its entry) and framed for
 * each transport: `{"type":"event","id","groupId","event":{id,type,seq,at,data}}` on the
 * WebSocket, `id:` / `event:` / `data:` on SSE (`id` the resume cursor); a personal event
 * has `"groupId":null`.
 * Only type, seq, at and data of the envelope leave the gateway; correlation ids and the
 * producing service stay inside. A typing indicator is `{"type":"typing",…}` on the
 * WebSocket and `event: typing` without an `id:` on SSE (it must not move Last-Event-ID).
 */
import type { Entry } from './entry.ts';
import type { TypingSignal } from './typing.ts';

/** A message of the server to a WebSocket client, other than an event. */
export type ServerMessage =
  | { type: 'ready'; groups: string[]; expiresAt: string | null; lastEventId?: string }
  | { type: 'reauthenticated'; expiresAt: string | null }
  | { type: 'reset'; reason: string; lastEventId?: string }
  | { type: 'ping' }
  | { type: 'pong' }
  | { type: 'ack'; id: string | null; accepted: number; duplicates: number; expired: number }
  | { type: 'sent'; id: string | null; message: unknown; duplicate: boolean }
  | { type: 'error'; code: string; message: string; id?: string | null };

const encoder = new TextEncoder();

/** A typing indicator framed for each transport, made once per signal and shared by every connection. */
export interface TypingFrames {
  ws: string;
  sse: string;
  /** Bytes of the larger frame, for the connections' byte accounting. */
  bytes: number;
}

/** Frames a typing signal: `{"type":"typing","groupId","userId","name","at"}` / `event: typing`. */
export function typingFrames(t: TypingSignal): TypingFrames {
  const json = JSON.stringify({ groupId: t.groupId, userId: t.userId, name: t.name, at: t.at });
  const sse = `event: typing\ndata: ${json}\n\n`;
  return { ws: '{"type":"typing",' + json.slice(1), sse, bytes: encoder.encode(sse).byteLength };
}

/**
 * `{"id","groupId","event":{id,type,seq,at,data}}`: the outer `id` is the resume cursor
 * (cursor.ts), the inner one the event's own id. Serialised once per event for its own
 * cursor; `cursor` given (a stream that is ahead of this gateway: replay.ts), made for it.
 */
export function payloadJson(entry: Entry, cursor = entry.cursor): string {
  if (cursor === entry.cursor && entry.json !== undefined) return entry.json;
  const { id, type, seq, at, data } = entry.event;
  const json = JSON.stringify({ id: cursor, groupId: entry.groupId, event: { id, type, seq, at, data } });
  if (cursor === entry.cursor) entry.json = json;
  return json;
}

/** The WebSocket frame of an event, made once per event and shared by every watcher. */
export function wsEvent(entry: Entry, cursor = entry.cursor): string {
  if (cursor !== entry.cursor) return '{"type":"event",' + payloadJson(entry, cursor).slice(1);
  return (entry.ws ??= '{"type":"event",' + payloadJson(entry).slice(1));
}

/** The SSE frame of an event (`id:` is its cursor). */
export function sseEvent(entry: Entry, cursor = entry.cursor): string {
  return `id: ${oneLine(cursor)}\nevent: ${oneLine(entry.event.type)}\ndata: ${payloadJson(entry, cursor)}\n\n`;
}

/** An SSE frame other than an event's (ready, reset, end); `id` only where the stream's position starts (ready, reset). */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${oneLine(id)}\n`}event: ${oneLine(event)}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An SSE comment: keeps proxies and clients from timing the stream out. */
export const SSE_HEARTBEAT = ': ping\n\n';

/** Epoch milliseconds as ISO-8601, or null. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

// A line break inside a field would end the field and let data forge SSE fields.
const oneLine = (s: string): string => s.replace(/[\r\n]/g, '');
