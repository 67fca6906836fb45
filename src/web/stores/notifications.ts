/**
 * My notifications inbox (`GET /v1/notifications`), newest first, with its unread count —
 * the Alerts tab's badge. Kept live from my personal stream events: `notification.created`
 * prepends, `notification.read` (from any of my devices) marks read. On sync (the first
 * connection, or a `reset` when the server lost track) it catches up with
 * `?since=<newest id seen>`; the first page is kept for an offline start.
 */
import { signal } from '@preact/signals';
import { api, ApiError } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import { onEvent, onSync } from '../api/stream.ts';
import type { Notification } from '../api/types.ts';

/** One answer of `GET /v1/notifications`. */
interface Page {
  items: Notification[];
  unread: number;
  hasMore: boolean;
}

/** The inbox as loaded so far, newest first. */
export const inbox = signal<Notification[]>([]);
/** Unread notifications (the Alerts tab's badge). */
export const unreadAlerts = signal(0);
/** More, older notifications can be loaded. */
export const hasOlder = signal(false);
/** True once the inbox was loaded (from the cache or the server). */
export const inboxLoaded = signal(false);

/** Catch-up pages read before giving up and loading the newest page afresh. */
const MAX_CATCH_UP_PAGES = 5;
const PAGE = 50;
/** Notifications that arrived on the stream while a page was being fetched. */
let arrived: Notification[] | null = null;

function set(items: Notification[], unread: number, older: boolean): void {
  inbox.value = items;
  unreadAlerts.value = unread;
  hasOlder.value = older;
  inboxLoaded.value = true;
  const userId = auth.value?.userId;
  // Only the first page is kept: enough to open offline, never the whole history.
  if (userId) void remember(userId, 'inbox', { items: items.slice(0, PAGE), unread, hasMore: older || items.length > PAGE } satisfies Page);
}

/** `items` with `more` merged in by id (the newer copy wins), newest first. */
function merge(items: Notification[], more: Notification[]): Notification[] {
  const byId = new Map(items.map((n) => [n.id, n]));
  for (const n of more) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
}

/**
 * Fetches while noting what the stream delivers meanwhile, so a notification that arrives
 * between the server's answer and ours is neither lost nor counted twice.
 */
async function fetchPage(query: string): Promise<{ page: Page; during: Notification[] }> {
  const mine = (arrived ??= []);
  try {
    const page = await api<Page>('GET', `/v1/notifications?limit=${PAGE}${query}`);
    const during = mine.filter((n) => !page.items.some((x) => x.id === n.id));
    return { page, during };
  } finally {
    if (arrived === mine) arrived = null;
  }
}

/** Loads the newest page, replacing what is shown. */
export async function loadInbox(): Promise<void> {
  const { page, during } = await fetchPage('');
  set(merge(page.items, during), page.unread + during.filter((n) => !n.readAt).length, page.hasMore);
}

/** Loads the page before the oldest one shown ("Load older"). */
export async function loadOlder(): Promise<void> {
  const oldest = inbox.value.at(-1);
  if (!oldest) return loadInbox();
  const page = await api<Page>('GET', `/v1/notifications?limit=${PAGE}&before=${oldest.id}`);
  set(merge(inbox.value, page.items), page.unread, page.hasMore);
}

/** Fetches what came after the newest notification seen; the newest page when that is too much or unknown. */
export async function catchUp(): Promise<void> {
  let items = inbox.value;
  const unreadShown = items.filter((n) => !n.readAt).length;
  const unreadBefore = unreadAlerts.value;
  for (let i = 0; i < MAX_CATCH_UP_PAGES; i++) {
    const newest = items[0];
    if (!newest) return loadInbox();
    let got;
    try {
      got = await fetchPage(`&since=${newest.id}`);
    } catch (err) {
      // The newest one seen was erased (retention, a group left): start from the newest page.
      if (err instanceof ApiError && err.code === 'notifications.no_cursor') return loadInbox();
      throw err;
    }
    items = merge(items, [...got.page.items, ...got.during]);
    if (!got.page.hasMore) {
      const added = items.filter((n) => !n.readAt).length - unreadShown;
      // Some were read elsewhere while this page was away: what is shown is stale, reload it.
      if (got.page.unread !== unreadBefore + added) return loadInbox();
      return set(items, got.page.unread, hasOlder.value);
    }
  }
  return loadInbox();
}

/** Marks some notifications read (opened, clicked). */
export async function markRead(ids: string[]): Promise<void> {
  const todo = ids.filter((id) => inbox.value.some((n) => n.id === id && !n.readAt));
  if (todo.length === 0) return;
  applyRead(todo, null, Math.max(0, unreadAlerts.value - todo.length));
  try {
    const r = await api<{ unread: number }>('POST', '/v1/notifications/read', { body: { ids: todo } });
    unreadAlerts.value = r.unread;
  } catch (err) {
    void loadInbox().catch(() => undefined); // shown as read, but it is not: show the truth
    throw err;
  }
}

/** Marks every notification read. */
export async function markAllRead(): Promise<void> {
  const r = await api<{ unread: number }>('POST', '/v1/notifications/read', { body: { all: true } });
  applyRead(null, null, r.unread);
}

/** Marks read what an answer or a `notification.read` event says (ids, all up to one, or all). */
function applyRead(ids: string[] | null, upTo: string | null, unread: number): void {
  const at = new Date().toISOString();
  const cut = upTo ? inbox.value.findIndex((n) => n.id === upTo) : -1;
  const hit = (n: Notification, i: number) => (ids ? ids.includes(n.id) : upTo ? cut >= 0 && i >= cut : true) || unread === 0;
  set(
    inbox.value.map((n, i) => (!n.readAt && hit(n, i) ? { ...n, readAt: at } : n)),
    unread,
    hasOlder.value,
  );
}

onEvent('notification.created', (e) => {
  const n = e.event.data.notification as Notification;
  arrived?.push(n);
  if (inbox.value.some((x) => x.id === n.id)) return; // a replay after reconnecting
  set([n, ...inbox.value], unreadAlerts.value + (n.readAt ? 0 : 1), hasOlder.value);
});
onEvent('notification.read', (e) => {
  const d = e.event.data as { ids: string[] | null; upTo: string | null; unread: number };
  applyRead(d.ids, d.upTo, d.unread);
});
// A deleted group's notifications were erased with it (its deletion notice too): the inbox as it now is.
onEvent('group.deleted', () => void loadInbox().catch(() => undefined));
onSync(() => void catchUp().catch(() => undefined));

// Signing in shows the inbox as it was last known at once (also offline); the stream's
// first sync then brings it up to date.
let shownFor: string | null = null;
auth.subscribe((a) => {
  const userId = a?.userId ?? null;
  if (userId === shownFor) return;
  shownFor = userId;
  if (!userId) return;
  void recall<Page>(userId, 'inbox').then((p) => {
    if (p && !inboxLoaded.value && auth.value?.userId === userId) set(p.items, p.unread, p.hasMore);
  });
});
onSessionEnd(() => {
  inbox.value = [];
  unreadAlerts.value = 0;
  hasOlder.value = false;
  inboxLoaded.value = false;
  shownFor = null;
});
