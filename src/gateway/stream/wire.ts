/**
 * Outgoing frames. An event is serialised once (cached on its buffer entry) and framed for
 * each transport: `{"type":"event","id","groupId","event":{type,seq,at,data}}` on the
 * WebSocket, `id:` / `event:` / `data:` on SSE. Only type, seq, at and data of the
 * envelope leave the gateway; correlation ids and the producing service stay inside.
 */
import type { Entry } from './replay-buffer.ts';

/** A message of the server to a WebSocket client, other than an event. */
export type ServerMessage =
  | { type: 'ready'; groups: string[]; expiresAt: string | null }
  | { type: 'reauthenticated'; expiresAt: string | null }
  | { type: 'reset'; reason: string }
  | { type: 'ping' }
  | { type: 'pong' }
  | { type: 'ack'; id: string | null; accepted: number; duplicates: number; expired: number }
  | { type: 'sent'; id: string | null; message: unknown; duplicate: boolean }
  | { type: 'error'; code: string; message: string; id?: string | null };

/** `{"id","groupId","event":{type,seq,at,data}}`, serialised once per event. */
export function payloadJson(entry: Entry): string {
  const { id, type, seq, at, data } = entry.event;
  return (entry.json ??= JSON.stringify({ id, groupId: entry.groupId, event: { type, seq, at, data } }));
}

/** The WebSocket frame of an event. */
export function wsEvent(entry: Entry): string {
  return '{"type":"event",' + payloadJson(entry).slice(1);
}

/** The SSE frame of an event. */
export function sseEvent(entry: Entry): string {
  return `id: ${oneLine(entry.event.id)}\nevent: ${oneLine(entry.event.type)}\ndata: ${payloadJson(entry)}\n\n`;
}

/** An SSE frame without id (ready, reset, end). */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${oneLine(event)}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An SSE comment: keeps proxies and clients from timing the stream out. */
export const SSE_HEARTBEAT = ': ping\n\n';

/** Epoch milliseconds as ISO-8601, or null. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

// A line break inside a field would end the field and let data forge SSE fields.
const oneLine = (s: string): string => s.replace(/[\r\n]/g, '');
