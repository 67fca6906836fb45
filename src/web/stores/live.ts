/**
 * Where everyone is, per group: each member's live view (`GET /v1/groups/{g}/live`) and the
 * group's places (`GET /v1/groups/{g}/places`), loaded for every group I am in and kept in
 * step with the stream's location events — so an SOS in any group reaches the screen
 * whatever view is open, and the map moves without a reload. `applyLocationEvent` is the one
 * place a stream event changes a member's view (it mirrors the service's own evolve: the
 * event's `state` is the member's state once it is applied).
 */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import { onEvent, onSync, type StreamEvent } from '../api/stream.ts';
import type { MemberView, Place } from '../api/types.ts';
import { groups } from './groups.ts';

/** Members' live views by group id. */
export const live = signal<Record<string, MemberView[]>>({});
/** Places by group id. */
export const places = signal<Record<string, Place[]>>({});

/** Loads a group's live view and places (the cached copies first). */
export async function loadLive(groupId: string): Promise<void> {
  const userId = auth.value?.userId;
  if (userId && !live.value[groupId]) {
    const [m, p] = await Promise.all([recall<MemberView[]>(userId, `live:${groupId}`), recall<Place[]>(userId, `places:${groupId}`)]);
    if (m && !live.value[groupId]) setLive(groupId, m);
    if (p && !places.value[groupId]) setPlaces(groupId, p);
  }
  // Events that arrive while the view is fetched may be missing from the answer (an SOS
  // raised just then): they are applied again on top of it.
  const arrived: StreamEvent[] = [];
  const buffers = fetching.get(groupId) ?? new Set();
  fetching.set(groupId, buffers.add(arrived));
  try {
    const [view, list] = await Promise.all([
      api<{ members: MemberView[] }>('GET', `/v1/groups/${groupId}/live`),
      api<{ places: Place[] }>('GET', `/v1/groups/${groupId}/places`),
    ]);
    setLive(groupId, view.members);
    setPlaces(groupId, list.places);
  } finally {
    buffers.delete(arrived);
  }
  for (const e of arrived) onScopeEvent(e);
}

/** Per group, the scope events seen by each fetch of its live view still under way. */
const fetching = new Map<string, Set<StreamEvent[]>>();

/** Replaces one member's view (after a command of mine answered with it). */
export function putMember(groupId: string, view: MemberView): void {
  const list = live.value[groupId] ?? [];
  setLive(groupId, list.some((m) => m.userId === view.userId) ? list.map((m) => (m.userId === view.userId ? view : m)) : [...list, view]);
}

/** Adds or replaces one place (after a command of mine answered with it). */
export function putPlace(place: Place): void {
  const list = places.value[place.groupId] ?? [];
  setPlaces(place.groupId, [...list.filter((p) => p.id !== place.id), place]);
}

/** Removes one place (after I deleted it). */
export function dropPlace(groupId: string, placeId: string): void {
  const list = places.value[groupId];
  if (list) setPlaces(groupId, list.filter((p) => p.id !== placeId));
}

function setLive(groupId: string, list: MemberView[]): void {
  live.value = { ...live.value, [groupId]: list };
  persist(`live:${groupId}`, list);
}

function setPlaces(groupId: string, list: Place[]): void {
  places.value = { ...places.value, [groupId]: list };
  persist(`places:${groupId}`, list);
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** Keeps the cache a second behind (a burst of fixes is written once). */
function persist(key: string, value: unknown): void {
  const userId = auth.value?.userId;
  if (!userId) return;
  clearTimeout(timers.get(key));
  timers.set(key, setTimeout(() => void remember(userId, key, value), 1000));
}

/**
 * A member's view after one of their scope events.
 *
 * @example
 * applyLocationEvent(view, 'sos.raised', { state: 'sos', lat: 1, lon: 2 }, at); // view.sos set
 */
export function applyLocationEvent(m: MemberView, type: string, d: any, at: string): MemberView {
  const next: MemberView = { ...m, state: d.state ?? m.state };
  switch (type) {
    case 'location.sampled':
      if (!m.lastFix || d.fix.fixAt >= m.lastFix.fixAt) next.lastFix = d.fix;
      if (!m.lastSeen || d.fix.fixAt > m.lastSeen) next.lastSeen = d.fix.fixAt;
      next.sharing = true;
      break;
    case 'state.sharing_started':
      next.sharing = true;
      break;
    case 'state.sharing_paused':
      return { ...next, sharing: false, lastFix: null, lastSeen: null, journey: null, sos: null, places: [] };
    case 'state.went_offline':
      next.lastSeen = d.lastSeen ?? m.lastSeen;
      break;
    case 'state.history_erased':
      next.lastFix = null;
      break;
    case 'journey.routing_started':
      next.journey = { mode: d.mode, destination: d.destination, expectedArrival: d.expectedArrival, startedAt: at, late: false, stuck: false };
      break;
    case 'journey.routing_stopped':
    case 'journey.destination_reached':
      next.journey = null;
      break;
    case 'journey.late_alert_raised':
      if (m.journey) next.journey = { ...m.journey, late: true };
      break;
    case 'journey.stuck_alert_raised':
      if (m.journey) next.journey = { ...m.journey, stuck: true };
      break;
    case 'journey.stuck_alert_cleared':
      if (m.journey) next.journey = { ...m.journey, stuck: false };
      break;
    case 'sos.raised':
      next.sos = { at, lat: d.lat, lon: d.lon };
      next.sharing = true;
      break;
    case 'sos.cleared':
      next.sos = null;
      break;
    case 'place.entered':
      next.places = [...m.places.filter((p) => p !== d.placeId), d.placeId];
      break;
    case 'place.left':
      next.places = m.places.filter((p) => p !== d.placeId);
      break;
  }
  return next;
}

function onScopeEvent(e: StreamEvent): void {
  const d = e.event.data as { groupId: string; userId: string };
  for (const seen of fetching.get(d.groupId) ?? []) seen.push(e);
  const list = live.value[d.groupId];
  if (!list) return; // not loaded yet: the load will include it
  const m = list.find((x) => x.userId === d.userId);
  if (!m) {
    reloadSoon(d.groupId); // a member this page has not seen yet
    return;
  }
  setLive(d.groupId, list.map((x) => (x === m ? applyLocationEvent(m, e.event.type, e.event.data, e.event.at) : x)));
}

function onPlaceEvent(e: StreamEvent): void {
  const d = e.event.data as { place?: Place; groupId?: string; placeId?: string };
  if (e.event.type === 'place.suggested') return;
  const groupId = d.place?.groupId ?? d.groupId!;
  const list = places.value[groupId];
  if (!list) return;
  if (e.event.type === 'place.removed') setPlaces(groupId, list.filter((p) => p.id !== d.placeId));
  else if (d.place) setPlaces(groupId, [...list.filter((p) => p.id !== d.place!.id), d.place]);
}

const reloads = new Map<string, ReturnType<typeof setTimeout>>();
function reloadSoon(groupId: string): void {
  clearTimeout(reloads.get(groupId));
  reloads.set(groupId, setTimeout(() => void loadLive(groupId).catch(() => undefined), 300));
}

for (const prefix of ['location.', 'state.', 'journey.', 'sos.']) onEvent(prefix, onScopeEvent);
onEvent('place.entered', onScopeEvent);
onEvent('place.left', onScopeEvent);
onEvent('place.added', onPlaceEvent);
onEvent('place.updated', onPlaceEvent);
onEvent('place.removed', onPlaceEvent);
onEvent('group.member_joined', (e) => reloadSoon(e.event.data.groupId));
onEvent('group.member_left', (e) => dropMember(e.event.data.groupId, e.event.data.userId));
onEvent('group.member_removed', (e) => dropMember(e.event.data.groupId, e.event.data.userId));

function dropMember(groupId: string, userId: string): void {
  if (userId === auth.value?.userId) {
    const { [groupId]: _m, ...rest } = live.value;
    live.value = rest;
    const { [groupId]: _p, ...others } = places.value;
    places.value = others;
    return;
  }
  const list = live.value[groupId];
  if (list) setLive(groupId, list.filter((m) => m.userId !== userId));
}

// Every group I am in is watched (an SOS must show whatever view is open).
onSync(() => {
  for (const g of groups.value) void loadLive(g.id).catch(() => undefined);
});
groups.subscribe((list) => {
  for (const g of list) if (!live.value[g.id]) void loadLive(g.id).catch(() => undefined);
});
onSessionEnd(() => {
  live.value = {};
  places.value = {};
});
