/**
 * My notification preferences (`GET/PUT /v1/notifications/preferences`). A PUT replaces
 * them all, so every change sends the whole object, built from the last answer; changes
 * are sent one after another, so two quick clicks never undo each other.
 */
import { signal } from '@preact/signals';
import { api } from '../../api/client.ts';
import { onSessionEnd } from '../../api/session.ts';
import type { Preferences } from '../../api/types.ts';

/** A mute as a PUT takes it: until an instant, for some minutes from now, or (neither) until removed. */
export interface MuteIn {
  groupId: string;
  until?: string;
  forMinutes?: number;
}

/** Preferences as a PUT takes them. */
export interface PreferencesIn {
  mutes: MuteIn[];
  types: Record<string, boolean>;
  quietHours: Preferences['quietHours'];
  /** Arrival and departure watches; kept as they are by every change this app makes. */
  watches: Preferences['watches'];
}

/** The types that cannot be turned off: an SOS always comes through (contracts' `ALWAYS`). */
export const ALWAYS_ON: readonly string[] = ['sos_raised', 'sos_cleared'];

/** My preferences as last answered, or null before they are loaded. */
export const prefs = signal<Preferences | null>(null);

let queue: Promise<unknown> = Promise.resolve();

/** Loads them. */
export async function loadPrefs(): Promise<void> {
  prefs.value = await api<Preferences>('GET', '/v1/notifications/preferences');
}

/** What the server holds, in the shape a PUT takes (a mute keeps its end; null: until unmuted). */
function asInput(p: Preferences): PreferencesIn {
  return {
    mutes: p.mutes.map((m) => (m.until ? { groupId: m.groupId, until: m.until } : { groupId: m.groupId })),
    types: Object.fromEntries(Object.entries(p.types).filter(([k]) => !ALWAYS_ON.includes(k))),
    quietHours: p.quietHours,
    // A PUT replaces everything: watches set elsewhere (the API) must survive a switch flipped here.
    watches: p.watches ?? [],
  };
}

/**
 * Changes them: `change` gets the current preferences (as a PUT takes them) and returns the
 * new ones; the server's answer replaces what is shown.
 *
 * @example
 * await changePrefs((p) => ({ ...p, types: { ...p.types, place_left: false } }));
 */
export function changePrefs(change: (p: PreferencesIn) => PreferencesIn): Promise<void> {
  const run = queue.then(async () => {
    const current = prefs.value ?? (await api<Preferences>('GET', '/v1/notifications/preferences'));
    prefs.value = await api<Preferences>('PUT', '/v1/notifications/preferences', { body: change(asInput(current)) });
  });
  queue = run.catch(() => undefined); // one refused change does not block the next
  return run;
}

onSessionEnd(() => (prefs.value = null));
