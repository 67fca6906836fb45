/**
 * Each group's conversation as this page holds it: a window of messages, oldest first —
 * normally the newest pages (the newest page on opening, older pages as the reader scrolls
 * up), or the messages around a search result. Live events change it in place (chat.ts
 * wires them); the newest messages are kept in the cache so the chat opens offline.
 */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth } from '../api/session.ts';
import type { Message } from '../api/types.ts';

/** A message, with the `txnId` it was sent with when this page knows it (my pending sends match on it). */
export type ChatMessage = Message & { txnId?: string | null };

/** One group's window on its conversation. */
export interface Thread {
  /** Oldest first (by seq). */
  messages: ChatMessage[];
  /** There are older messages to load. */
  hasOlder: boolean;
  /** The window reaches the newest message: live messages are appended to it. */
  atNewest: boolean;
  /** Loaded from the server in this page's life (false: the offline copy). */
  fresh: boolean;
  loadingOlder: boolean;
  error: unknown;
}

/** A page as the API answers it. */
interface Page {
  messages: Message[];
  hasMore: boolean;
}

const PAGE = 50;
/** How many of the newest messages the offline copy keeps. */
const CACHED = 100;

/** The threads by group id. */
export const threads = signal<Record<string, Thread>>({});

const empty = (): Thread => ({ messages: [], hasOlder: false, atNewest: true, fresh: false, loadingOlder: false, error: null });

function put(groupId: string, patch: Partial<Thread>): Thread {
  const next = { ...(threads.value[groupId] ?? empty()), ...patch };
  threads.value = { ...threads.value, [groupId]: next };
  if (next.fresh && next.atNewest) persist(groupId, next);
  return next;
}

/** Messages of both lists, each once, in seq order; of two copies the later state wins (a page
 * loaded before an edit or a deletion arrived must not undo it). */
function merged(a: ChatMessage[], b: ChatMessage[]): ChatMessage[] {
  const byId = new Map(a.map((m) => [m.id, m]));
  for (const m of b) {
    const had = byId.get(m.id);
    if (had && later(had, m)) continue;
    byId.set(m.id, { ...m, txnId: m.txnId ?? had?.txnId });
  }
  return [...byId.values()].sort((x, y) => x.seq - y.seq);
}

/** Whether `a` is a later state of the same message than `b` (deleted, or edited since). */
const later = (a: Message, b: Message) => (a.deletedAt ? !b.deletedAt : !b.deletedAt && (a.editedAt ?? '') > (b.editedAt ?? ''));

const loading = new Map<string, Promise<void>>();

/** Shows a group's conversation: the offline copy at once, then the newest page. */
export async function openThread(groupId: string): Promise<void> {
  const userId = auth.value?.userId;
  if (!threads.value[groupId] && userId) {
    const cached = await recall<{ messages: ChatMessage[]; hasOlder: boolean }>(userId, `chat:${groupId}`);
    if (cached && !threads.value[groupId]) put(groupId, { messages: cached.messages, hasOlder: cached.hasOlder });
  }
  if (!threads.value[groupId]?.fresh) await loadNewest(groupId);
}

/** Loads the newest page; it joins what is held when the two meet, else replaces it. */
export function loadNewest(groupId: string): Promise<void> {
  let p = loading.get(groupId);
  if (p) return p;
  p = (async () => {
    try {
      const page = await api<Page>('GET', `/v1/groups/${groupId}/messages?limit=${PAGE}`);
      const held = threads.value[groupId];
      const first = page.messages[0];
      const last = page.messages[page.messages.length - 1];
      if (held?.atNewest && first && page.hasMore && held.messages.some((m) => m.id === first.id)) {
        // The page meets what is held: the older pages stay.
        put(groupId, { messages: merged(held.messages, page.messages), fresh: true, error: null });
      } else {
        // A gap (or the whole conversation): the page replaces what is held, but a live
        // message that arrived while it was on its way stays.
        const newer = held?.atNewest ? held.messages.filter((m) => !last || m.seq > last.seq) : [];
        put(groupId, { messages: merged(page.messages, newer), hasOlder: page.hasMore, atNewest: true, fresh: true, error: null });
      }
    } catch (err) {
      put(groupId, { error: err });
    } finally {
      loading.delete(groupId);
    }
  })();
  loading.set(groupId, p);
  return p;
}

/** Loads the page before the oldest message held. */
export async function loadOlder(groupId: string): Promise<void> {
  const held = threads.value[groupId];
  const oldest = held?.messages[0];
  if (!held || !oldest || !held.hasOlder || held.loadingOlder) return;
  put(groupId, { loadingOlder: true, error: null });
  try {
    const page = await api<Page>('GET', `/v1/groups/${groupId}/messages?limit=${PAGE}&before=${oldest.id}`);
    const now = threads.value[groupId] ?? held;
    put(groupId, { messages: merged(page.messages, now.messages), hasOlder: page.hasMore, loadingOlder: false });
  } catch (err) {
    put(groupId, { loadingOlder: false, error: err });
  }
}

/** Makes sure `message` is in the window: when it is not, the window becomes the messages around it. */
export async function showAround(groupId: string, message: Message): Promise<void> {
  if (threads.value[groupId]?.messages.some((m) => m.id === message.id)) return;
  const half = PAGE / 2;
  const [before, after] = await Promise.all([
    api<Page>('GET', `/v1/groups/${groupId}/messages?limit=${half}&before=${message.id}`),
    api<Page>('GET', `/v1/groups/${groupId}/messages?limit=${half}&after=${message.id}`),
  ]);
  put(groupId, { messages: merged([...before.messages, message], after.messages), hasOlder: before.hasMore, atNewest: !after.hasMore, fresh: true, error: null });
}

/** Goes back to the newest messages (after looking at a search result). */
export function showNewest(groupId: string): Promise<void> {
  put(groupId, { messages: [], atNewest: true, hasOlder: false });
  return loadNewest(groupId);
}

/** Adds or replaces a message (an answer or a live event); a window away from the newest ignores new ones. */
export function upsert(groupId: string, m: ChatMessage): void {
  const held = threads.value[groupId];
  if (!held) return;
  const known = held.messages.some((x) => x.id === m.id);
  const last = held.messages[held.messages.length - 1];
  if (!known && !held.atNewest && (!last || m.seq > last.seq)) return;
  put(groupId, { messages: merged(held.messages, [m]) });
}

/** Changes a held message in place (edited, deleted). */
export function patchMessage(groupId: string, messageId: string, patch: Partial<Message>): void {
  const held = threads.value[groupId];
  if (!held?.messages.some((m) => m.id === messageId)) return;
  put(groupId, { messages: held.messages.map((m) => (m.id === messageId ? { ...m, ...patch } : m)) });
}

/** Forgets every thread (sign-out). */
export function clearThreads(): void {
  threads.value = {};
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** Keeps the newest messages for an offline start, a second behind (a burst is written once). */
function persist(groupId: string, th: Thread): void {
  const userId = auth.value?.userId;
  if (!userId) return;
  clearTimeout(timers.get(groupId));
  timers.set(
    groupId,
    setTimeout(() => {
      const messages = th.messages.slice(-CACHED);
      void remember(userId, `chat:${groupId}`, { messages, hasOlder: th.hasOlder || messages.length < th.messages.length });
    }, 1000),
  );
}
