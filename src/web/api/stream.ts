/**
 * The one live connection: a WebSocket to `/v1/stream` that authenticates in its first
 * message, resumes from the last event id it saw (an opaque cursor that any gateway of the
 * instance can resume from: kept as it came, never parsed), re-authenticates when the access token
 * is renewed, and reconnects with backoff (0.5 s doubling to 30 s, with jitter) whenever it
 * drops. Where a WebSocket never gets going (a proxy that does not pass upgrades) it falls
 * back to Server-Sent Events on `/v1/events`, read with fetch so the token travels in a
 * header. Stores subscribe by event type prefix (`onEvent('chat.', …)`, `onEvent('message.', …)`)
 * and reload what they show on `onSync` (the first connection, and a `reset` when the server
 * cannot replay what was missed).
 *
 * When the server ends this connection because the user opened too many elsewhere (close
 * 4429, SSE `end` `too_many_streams`: a newer tab or device took its place), it does not
 * reconnect on its own — that would end the next-oldest, which would do the same, round
 * and round. It waits until this tab is looked at again (focus, visible, back online).
 */
import { signal } from '@preact/signals';
import { createParser } from 'eventsource-parser';
import { ApiError } from './http.ts';
import { accessToken, auth, renew } from './session.ts';

/** An event as the stream sends it (`groupId` null: one of my own, such as a notification). */
export interface StreamEvent {
  /** The resume cursor (opaque): sent back as `lastEventId` / `Last-Event-ID` on reconnect. */
  id: string;
  groupId: string | null;
  /** `id`: the event's own id. */
  event: { id: string; type: string; seq: number; at: string; data: any };
}

/** A typing indicator of another member. */
export interface Typing {
  groupId: string;
  userId: string;
  name: string | null;
  at: string;
}

/** The connection as the header shows it ('paused': displaced by the user's newer streams, see above). */
export type Connection = 'connecting' | 'live' | 'offline' | 'paused';

/** Why stores should reload: the first connection, or the server lost track (`reset`). */
export type SyncReason = 'connected' | 'reset';

export const connection = signal<Connection>('connecting');
/** The transport in use (tests and the admin page show it). */
export const transport = signal<'websocket' | 'sse'>('websocket');

const eventListeners = new Map<string, Set<(e: StreamEvent) => void>>();
const typingListeners = new Set<(t: Typing) => void>();
const syncListeners = new Set<(why: SyncReason) => void>();

/**
 * Calls `fn` for every event whose type starts with `prefix`; returns the unsubscribe.
 *
 * @example
 * onEvent('sos.', (e) => console.log(e.event.data.userId));
 */
export function onEvent(prefix: string, fn: (e: StreamEvent) => void): () => void {
  let set = eventListeners.get(prefix);
  if (!set) eventListeners.set(prefix, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

/** Calls `fn` for every typing indicator. */
export function onTyping(fn: (t: Typing) => void): () => void {
  typingListeners.add(fn);
  return () => typingListeners.delete(fn);
}

/** Calls `fn` when what a store shows should be loaded again. */
export function onSync(fn: (why: SyncReason) => void): () => void {
  syncListeners.add(fn);
  return () => syncListeners.delete(fn);
}

const MIN_DELAY = 500;
const MAX_DELAY = 30_000;
/** Nothing heard for this long (the server pings every 15 s): the connection is dead. */
const SILENCE_MS = 40_000;
/** WebSocket attempts that never became ready before trying SSE. */
const WS_TRIES_BEFORE_SSE = 3;

let running = false;
let lastEventId: string | undefined;
let synced = false;
let attempt = 0;
let wsFailures = 0;
let socket: WebSocket | undefined;
let sse: AbortController | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let silenceTimer: ReturnType<typeof setTimeout> | undefined;
let sentToken = '';
/** The server refused the token (expired or revoked): renew before the next attempt. */
let needRenew = false;
/** A newer stream of this user took this one's place: wait for the user to come back to this tab. */
let displaced = false;

/** Starts the connection (after sign-in). */
export function startStream(): void {
  if (running) return;
  running = true;
  displaced = false;
  synced = false;
  lastEventId = undefined;
  attempt = 0;
  connect();
}

/** Stops it (sign-out). */
export function stopStream(): void {
  running = false;
  clearTimeout(retryTimer);
  clearTimeout(silenceTimer);
  socket?.close(1000);
  socket = undefined;
  sse?.abort();
  sse = undefined;
  connection.value = 'connecting';
}

/** Sends a message on the WebSocket; false when there is none open (the caller uses REST). */
export function send(msg: object): boolean {
  if (socket?.readyState !== WebSocket.OPEN || connection.value !== 'live') return false;
  socket.send(JSON.stringify(msg));
  return true;
}

function connect(): void {
  if (!running) return;
  connection.value = connection.value === 'live' ? 'connecting' : connection.value;
  const token = needRenew ? renew() : accessToken();
  needRenew = false;
  void token.then(
    (token) => (transport.value === 'sse' ? openSse(token) : openWs(token)),
    (err) => {
      // Offline (no token could be had): wait and try again. Signed out: session.ts ended it.
      if (err instanceof ApiError && err.offline) connection.value = 'offline';
      if (auth.value) retry();
    },
  );
}

function retry(): void {
  if (!running) return;
  if (displaced) {
    connection.value = 'paused';
    return;
  }
  clearTimeout(retryTimer);
  const delay = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt++);
  retryTimer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
}

function heard(): void {
  clearTimeout(silenceTimer);
  silenceTimer = setTimeout(() => {
    socket?.close(4000, 'silent');
    sse?.abort();
  }, SILENCE_MS);
}

function openWs(token: string): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`;
  // A socket counts as working once the server said `ready`: a proxy may pass the upgrade and
  // still lose every frame.
  let gotReady = false;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    sentToken = token;
    ws.send(JSON.stringify({ type: 'auth', token, ...(lastEventId ? { lastEventId } : {}) }));
    heard();
  };
  ws.onmessage = (m) => {
    heard();
    let msg: any;
    try {
      msg = JSON.parse(String(m.data));
    } catch {
      return; // not ours to read
    }
    if (msg.type === 'event') deliver(msg as StreamEvent);
    else if (msg.type === 'ready') {
      startAt(msg.lastEventId);
      gotReady = true;
      wsFailures = 0;
      ready();
    }
    else if (msg.type === 'reset') {
      startAt(msg.lastEventId);
      sync('reset');
    }
    else if (msg.type === 'typing') for (const fn of typingListeners) fn(msg as Typing);
    else if (msg.type === 'ping') ws.send('{"type":"pong"}');
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    socket = undefined;
    clearTimeout(silenceTimer);
    if (!running) return;
    connection.value = navigator.onLine ? 'connecting' : 'offline';
    if (!gotReady && e.code !== 4401 && ++wsFailures >= WS_TRIES_BEFORE_SSE && navigator.onLine) transport.value = 'sse';
    // 4401: the token ran out or the session ended; renewing tells which (session.ts signs out).
    if (e.code === 4401) {
      attempt = 0;
      needRenew = true;
    }
    if (e.code === 4429) displaced = true;
    retry();
  };
}

async function openSse(token: string): Promise<void> {
  const ctl = new AbortController();
  sse = ctl;
  try {
    const res = await fetch('/v1/events', {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: ctl.signal,
      cache: 'no-store',
    });
    if (res.status === 401) needRenew = true;
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    heard();
    const parser = createParser({
      onEvent: (ev) => {
        heard();
        const data = ev.data ? JSON.parse(ev.data) : {};
        if (ev.event === 'ready') {
          startAt(ev.id);
          ready();
        }
        else if (ev.event === 'reset') {
          startAt(ev.id);
          sync('reset');
        }
        else if (ev.event === 'end') {
          if (data.reason === 'too_many_streams') displaced = true;
          else needRenew = data.reason !== 'shutdown';
          ctl.abort();
        }
        else if (ev.event === 'typing') for (const fn of typingListeners) fn(data as Typing);
        else if (ev.id) deliver(data as StreamEvent);
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      heard();
      parser.feed(value);
    }
  } catch {
    // dropped, aborted or refused: reconnect below
  }
  if (sse !== ctl) return;
  sse = undefined;
  clearTimeout(silenceTimer);
  if (!running) return;
  connection.value = navigator.onLine ? 'connecting' : 'offline';
  retry();
}

function ready(): void {
  attempt = 0;
  connection.value = 'live';
  if (!synced) {
    synced = true;
    sync('connected');
  }
}

function sync(why: SyncReason): void {
  for (const fn of syncListeners) fn(why);
}

// `ready` of a fresh stream and `reset` say where the stream starts: resume from there, not from an older id.
function startAt(id: unknown): void {
  if (typeof id === 'string' && id) lastEventId = id;
}

function deliver(e: StreamEvent): void {
  lastEventId = e.id;
  for (const [prefix, fns] of eventListeners) if (e.event.type.startsWith(prefix)) for (const fn of fns) fn(e);
}

// A renewed token re-authenticates the open WebSocket, so it is not closed at expiry.
auth.subscribe((a) => {
  if (a?.token && a.token !== sentToken && socket?.readyState === WebSocket.OPEN) {
    sentToken = a.token;
    socket.send(JSON.stringify({ type: 'auth', token: a.token }));
  }
});
window.addEventListener('online', () => {
  if (running && connection.value !== 'live') {
    displaced = false;
    attempt = 0;
    clearTimeout(retryTimer);
    connect();
  }
});
// Only a displaced stream waits for these (see the header comment).
function comeBack(): void {
  if (!displaced || !running || socket || sse) return;
  displaced = false;
  attempt = 0;
  connect();
}
window.addEventListener('focus', comeBack);
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && comeBack());
window.addEventListener('offline', () => {
  if (running) connection.value = 'offline';
});
