/**
 * Unread messages per group (`GET /v1/me/unread`: messages by others after my read marker)
 * and the read marker, which follows what was seen: the chat view calls `markSeen` when the
 * newest message is on screen, and the marker moves forward (`PUT …/read-marker`), a few
 * times a second at most. The server's count is the truth: a new message from someone else,
 * a deleted one, or a marker moved on one of my other devices asks it again (once per
 * burst), so a count is never added twice when an answer and an event cross.
 */
import { computed, signal } from '@preact/signals';
import { api, ApiError } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth } from '../api/session.ts';
import { groups } from './groups.ts';

/** A group's count and my marker. */
export interface Unread {
  unread: number;
  readUpTo: string | null;
}

/** By group id. */
export const unread = signal<Record<string, Unread>>({});

/** Unread messages over all my groups (the Chat tab's badge). */
export const unreadChat = computed(() => groups.value.reduce((n, g) => n + (unread.value[g.id]?.unread ?? 0), 0));

function set(next: Record<string, Unread>): void {
  unread.value = next;
  const userId = auth.value?.userId;
  if (userId) void remember(userId, 'chat:unread', next);
}

/** Shows the last known counts (an offline start), until the server's arrive. */
export async function restoreUnread(): Promise<void> {
  const userId = auth.value?.userId;
  if (!userId) return;
  const cached = await recall<Record<string, Unread>>(userId, 'chat:unread');
  if (cached && !Object.keys(unread.value).length) unread.value = cached;
}

/** Asks the server. */
export async function loadUnread(): Promise<void> {
  if (!auth.value) return;
  const gen = moves;
  const { groups: list } = await api<{ groups: Array<Unread & { groupId: string }> }>('GET', '/v1/me/unread');
  // Counted before a marker of mine moved: it would bring back what was just read.
  if (gen !== moves || inFlight > 0 || waiting.size > 0) return reloadUnreadSoon();
  set(Object.fromEntries(list.map((g) => [g.groupId, { unread: g.unread, readUpTo: g.readUpTo }])));
}

let again: ReturnType<typeof setTimeout> | undefined;
let retryMs = 0;
/** Asks the server again soon (a burst of events asks once; a busy or unreachable server, again later). */
export function reloadUnreadSoon(delay = 300): void {
  clearTimeout(again);
  again = setTimeout(() => {
    loadUnread().then(
      () => (retryMs = 0),
      (err) => {
        if (!(err instanceof ApiError) || !err.transient || !auth.value) return;
        if (err.offline) return window.addEventListener('online', () => reloadUnreadSoon(), { once: true });
        retryMs = Math.min(30_000, retryMs ? retryMs * 2 : 2000);
        reloadUnreadSoon(err.retryAfter ? err.retryAfter * 1000 : retryMs);
      },
    );
  }, delay);
}

/** The newest marker asked for per group (seq), so the marker only moves forward. */
const asked = new Map<string, number>();
const waiting = new Map<string, { id: string; seq: number }>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const THROTTLE_MS = 800;
/** Markers sent so far, and being sent now. */
let moves = 0;
let inFlight = 0;

/**
 * The newest message of a group was seen: the marker moves to it (when anything is unread).
 * The count drops at once; the server's answer confirms it.
 */
export function markSeen(groupId: string, message: { id: string; seq: number }): void {
  const u = unread.value[groupId];
  if (!u || u.unread === 0 || (asked.get(groupId) ?? -1) >= message.seq) return;
  asked.set(groupId, message.seq);
  set({ ...unread.value, [groupId]: { unread: 0, readUpTo: message.id } });
  waiting.set(groupId, { id: message.id, seq: message.seq });
  if (!timers.has(groupId)) timers.set(groupId, setTimeout(() => void flushMarker(groupId), THROTTLE_MS));
}

async function flushMarker(groupId: string): Promise<void> {
  timers.delete(groupId);
  const target = waiting.get(groupId);
  if (!target) return;
  waiting.delete(groupId);
  moves++;
  inFlight++;
  try {
    const r = await api<{ messageId: string | null; unread: number }>('PUT', `/v1/groups/${groupId}/read-marker`, { body: { messageId: target.id } });
    if (!waiting.has(groupId)) set({ ...unread.value, [groupId]: { unread: r.unread, readUpTo: r.messageId } });
  } catch {
    // Offline or refused: the next sighting (or the next sync) tries again.
    if ((asked.get(groupId) ?? -1) === target.seq) asked.delete(groupId);
    reloadUnreadSoon();
  } finally {
    inFlight--;
  }
}

/** Forgets everything (sign-out). */
export function clearUnread(): void {
  unread.value = {};
  asked.clear();
  waiting.clear();
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
}
