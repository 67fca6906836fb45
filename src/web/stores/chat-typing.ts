/**
 * Typing indicators: who else is typing in each group (an indicator counts for a few
 * seconds after it arrives; they are never stored or replayed), and telling the others
 * that I am — over the open WebSocket, or `POST …/typing` when there is none, at most every
 * 2.5 s (the gateway passes one per 2 s and drops the rest).
 */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { auth } from '../api/session.ts';
import { send } from '../api/stream.ts';

/** How long an indicator counts after it arrived. */
const SHOWN_MS = 5000;
const EVERY_MS = 2500;

/** Until when each member is shown typing (epoch ms), by group and user id. */
export const typing = signal<Record<string, Record<string, number>>>({});

let prune: ReturnType<typeof setTimeout> | undefined;

/** Someone is typing (a stream indicator). */
export function sawTyping(groupId: string, userId: string): void {
  if (userId === auth.value?.userId) return;
  setUntil(groupId, userId, Date.now() + SHOWN_MS);
}

/** Someone stopped typing (their message arrived). */
export function stoppedTyping(groupId: string, userId: string | null): void {
  if (userId && typing.value[groupId]?.[userId]) setUntil(groupId, userId, 0);
}

function setUntil(groupId: string, userId: string, until: number): void {
  const now = Date.now();
  const next: Record<string, Record<string, number>> = {};
  for (const [g, who] of Object.entries({ ...typing.value, [groupId]: { ...typing.value[groupId], [userId]: until } })) {
    const live = Object.entries(who).filter(([, t]) => t > now);
    if (live.length) next[g] = Object.fromEntries(live);
  }
  typing.value = next;
  // Wake when the soonest indicator runs out, to take it away.
  clearTimeout(prune);
  const soonest = Math.min(...Object.values(next).flatMap((who) => Object.values(who)));
  if (Number.isFinite(soonest)) prune = setTimeout(sweep, soonest - now + 50);
}

/** Takes away the indicators that ran out (an entry that is already out changes nothing else). */
const sweep = () => setUntil('', '', 0);

/** Who is typing in a group now (user ids). */
export function typists(groupId: string): string[] {
  return Object.keys(typing.value[groupId] ?? {});
}

const lastSent = new Map<string, number>();

/** I am typing in a group: the others are told (throttled). */
export function tellTyping(groupId: string): void {
  const now = Date.now();
  if (now - (lastSent.get(groupId) ?? 0) < EVERY_MS) return;
  lastSent.set(groupId, now);
  if (send({ type: 'typing', groupId })) return;
  // Offline: nobody would hear it, and the failed request would only be noise.
  if (navigator.onLine) void api('POST', `/v1/groups/${groupId}/typing`).catch(() => undefined);
}

/** Forgets everything (sign-out). */
export function clearTyping(): void {
  clearTimeout(prune);
  typing.value = {};
  lastSent.clear();
}
