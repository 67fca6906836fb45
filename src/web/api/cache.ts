/**
 * The user's last known state, kept in IndexedDB (idb-keyval) so the app opens offline
 * with the map, chat and alerts as they were. Keys are per user; signing out forgets them
 * all, so the next person on a shared computer sees nothing of the last one's family.
 */
import { clear, createStore, del, get, set } from 'idb-keyval';
import { onSessionEnd } from './session.ts';

const store = createStore('hearth', 'cache');

/**
 * Keeps `value` under `key` for `userId`.
 *
 * @example
 * await remember(userId, 'groups', groups);
 */
export async function remember(userId: string, key: string, value: unknown): Promise<void> {
  try {
    await set(`${userId}:${key}`, value, store);
  } catch {
    // private browsing or a full disk: the app still works, only not offline
  }
}

/** What was kept under `key`, or undefined. */
export async function recall<T>(userId: string, key: string): Promise<T | undefined> {
  try {
    return await get<T>(`${userId}:${key}`, store);
  } catch {
    return undefined; // as if nothing had been kept
  }
}

/** Forgets one key. */
export async function forget(userId: string, key: string): Promise<void> {
  await del(`${userId}:${key}`, store).catch(() => undefined);
}

/** Forgets everything (on sign-out). */
export async function forgetAll(): Promise<void> {
  await clear(store).catch(() => undefined);
}

onSessionEnd(() => void forgetAll());
