/**
 * What the map view is showing, shared by its parts (the Leaflet map, the lists, the
 * panels): the members and places of the current group — live, or as they were at a past
 * instant while time travelling — who or which place is selected, a point being picked on
 * the map (a journey's destination, a place's centre), the selected member's track, and
 * whether the tiles load. Switching group starts afresh.
 */
import { computed, signal } from '@preact/signals';
import { auth } from '../../api/session.ts';
import type { MemberView, Place } from '../../api/types.ts';
import type { LatLon } from '../../lib/geo.ts';
import { currentGroup } from '../../stores/groups.ts';
import { live, places } from '../../stores/live.ts';
import { myPosition } from '../../stores/sharing.ts';

/** A point being picked on the map, and what for. */
export interface Pick {
  kind: 'journey' | 'place';
  point: LatLon | null;
  /** A place's radius, for the preview circle. */
  radius?: number;
}

/** The selected member's user id. */
export const selected = signal<string | null>(null);
/** The selected place's id. */
export const selectedPlace = signal<string | null>(null);
/** A past state of the group (time travel); null: live. */
export const past = signal<{ at: string; members: MemberView[] } | null>(null);
/** A point being picked on the map, or null. */
export const pick = signal<Pick | null>(null);
/** The tiles failed to load (or there are none): the notice shows. */
export const tilesFailed = signal(false);
/** The selected member's track today, oldest first. */
export const track = signal<{ userId: string; points: LatLon[] } | null>(null);

/** The members shown: the past state while time travelling, else the live one. */
export const shown = computed<MemberView[]>(() => {
  const g = currentGroup.value;
  return past.value?.members ?? (g ? live.value[g.id] ?? [] : []);
});
/** The current group's places. */
export const shownPlaces = computed<Place[]>(() => {
  const g = currentGroup.value;
  return g ? places.value[g.id] ?? [] : [];
});
/** My own live view in the current group. */
export const myView = computed<MemberView | null>(() => {
  const g = currentGroup.value;
  const me = auth.value?.userId;
  return (g && live.value[g.id]?.find((m) => m.userId === me)) || null;
});
/** Where I am, for distances: this browser's position, else my last fix in the group. */
export const here = computed<LatLon | null>(() => myPosition.value ?? myView.value?.lastFix ?? null);
/** I may add and change places (admins and the owner). */
export const canEditPlaces = computed(() => currentGroup.value?.role === 'admin' || currentGroup.value?.role === 'owner');

/** What the Leaflet map offers the rest of the view (set while it is mounted). */
export interface MapHandle {
  centerOn(p: LatLon, zoom?: number): void;
  centre(): LatLon;
}
export const mapHandle: { current: MapHandle | null } = { current: null };

let groupId: string | undefined;
currentGroup.subscribe((g) => {
  if (g?.id === groupId) return;
  groupId = g?.id;
  selected.value = null;
  selectedPlace.value = null;
  past.value = null;
  pick.value = null;
  track.value = null;
});
