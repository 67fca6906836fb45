/**
 * Sends that must arrive even when the network does not: chat messages and location fixes
 * are queued here (in IndexedDB, so a closed tab or a reload loses nothing) and sent in
 * order as soon as the API can be reached. Each kind registers its sender; a send that
 * fails for a passing reason (offline, 429, 5xx) is tried again with backoff, one the API
 * refuses (4xx) is dropped and reported. Sending twice is harmless by design — a chat
 * message carries its `txnId`, a fix its device and time, and the API records each once —
 * so a send whose answer was lost is simply sent again.
 */
import { signal } from '@preact/signals';
import { createStore, del, get, set } from 'idb-keyval';
import { ApiError } from './http.ts';
import { auth, onSessionEnd } from './session.ts';

/** One queued send. */
export interface OutboxItem<T = unknown> {
  id: string;
  kind: string;
  payload: T;
  createdAt: string;
}

/** Sends one item; rejects with ApiError. */
export type Sender<T> = (payload: T) => Promise<void>;

/** What happened to an item (chat shows "not sent" for a refused one). */
export type Outcome = { item: OutboxItem; ok: true } | { item: OutboxItem; ok: false; error: ApiError };

const store = createStore('hearth-outbox', 'items');
const senders = new Map<string, Sender<any>>();
const listeners = new Set<(o: Outcome) => void>();

/** Items waiting, oldest first (the UI shows pending chat messages from here). */
export const pending = signal<OutboxItem[]>([]);

let flushing: Promise<void> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let backoff = 0;

const key = () => `outbox:${auth.value?.userId ?? ''}`;

/** Registers how items of `kind` are sent. */
export function registerSender<T>(kind: string, send: Sender<T>): void {
  senders.set(kind, send);
  void flush(); // items of this kind may be waiting for it (its part of the app loads later)
}

/** Calls `fn` when an item was sent, or refused for good. */
export function onOutcome(fn: (o: Outcome) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Queues a send and tries to send everything queued now.
 *
 * @example
 * await enqueue('message', { groupId, text, txnId }, txnId);
 */
export async function enqueue<T>(kind: string, payload: T, id: string): Promise<void> {
  const item: OutboxItem<T> = { id, kind, payload, createdAt: new Date().toISOString() };
  await mutate((items) => (items.some((i) => i.id === id) ? items : [...items, item]));
  void flush();
}

/** Loads the signed-in user's queue into `pending` (at start) and sends it. */
export async function resumeOutbox(): Promise<void> {
  pending.value = await load();
  void flush();
}

async function load(): Promise<OutboxItem[]> {
  if (!auth.value) return [];
  try {
    return (await get<OutboxItem[]>(key(), store)) ?? [];
  } catch {
    return pending.value; // storage unavailable: what this page holds
  }
}

async function save(items: OutboxItem[]): Promise<void> {
  pending.value = items;
  try {
    await set(key(), items, store);
  } catch {
    // storage unavailable: the queue lives as long as the page
  }
}

/** Sends the queue in order, one tab at a time; stops at the first passing failure. */
export function flush(): Promise<void> {
  if (!auth.value?.token) return Promise.resolve();
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  const run = () => (locks ? locks.request('hearth.outbox', drain) : drain());
  flushing ??= run().finally(() => (flushing = undefined));
  return flushing;
}

async function drain(): Promise<void> {
  for (;;) {
    const items = await load();
    const item = items[0];
    if (!item) {
      pending.value = [];
      backoff = 0;
      return;
    }
    const send = senders.get(item.kind);
    if (!send) return; // its sender registers when its part of the app loads
    try {
      await send(item.payload);
      await remove(item.id);
      backoff = 0;
      for (const fn of listeners) fn({ item, ok: true });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      if (e.transient || e.status === 401) {
        later(e.retryAfter);
        return;
      }
      await remove(item.id);
      for (const fn of listeners) fn({ item, ok: false, error: e });
    }
  }
}

async function remove(id: string): Promise<void> {
  await mutate((items) => items.filter((i) => i.id !== id));
}

let queueTail: Promise<unknown> = Promise.resolve();
/**
 * Reads, changes and writes the queue as one step — in this tab (a chain) and across tabs
 * (a Web Lock) — so a fix queued while a message is being taken off is never lost.
 */
function mutate(change: (items: OutboxItem[]) => OutboxItem[]): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  const step = async () => save(change(await load()));
  const run = queueTail.then(() => (locks ? locks.request('hearth.outbox.queue', step) : step()));
  queueTail = run.catch(() => undefined);
  return run;
}

function later(retryAfter?: number): void {
  clearTimeout(timer);
  backoff = Math.min(60_000, backoff ? backoff * 2 : 1000);
  timer = setTimeout(() => void flush(), retryAfter ? retryAfter * 1000 : backoff);
}

window.addEventListener('online', () => {
  backoff = 0;
  void flush();
});
auth.subscribe((a) => {
  if (a?.token) void flush();
});
// Signing out (or deleting the account) forgets what was queued; a session that merely
// ran out keeps it for the next sign-in.
onSessionEnd((userId, reason) => {
  clearTimeout(timer);
  pending.value = [];
  if (reason === 'signed_out' || reason === 'deleted') void del(`outbox:${userId}`, store).catch(() => undefined);
});
