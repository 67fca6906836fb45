/**
 * Entering and leaving a group's places, judged on the server from each new fix. GPS noise
 * must not make a member flap in and out, so the rule has hysteresis: a member enters when
 * the fix is inside the circle and its accuracy is no worse than the radius, and leaves only
 * when even the nearest point of the fix's uncertainty is farther than the radius plus
 * `rules.placeHysteresisM`. A place that was removed is left with the next fix.
 */
import type { ScopeEvent } from './events.ts';
import { distanceM } from './geo.ts';
import type { Rules } from './rules.ts';
import type { Scope } from './state.ts';

/** A place as the domain needs it. */
export interface Circle {
  id: string;
  name: string;
  lat: number;
  lon: number;
  radius: number;
}

/**
 * The place events one new fix causes.
 *
 * @example
 * placeEvents(scope, { lat, lon, accuracy: 12 }, places, rules); // [{ type: 'place.entered', … }]
 */
export function placeEvents(s: Scope, fix: { lat: number; lon: number; accuracy: number | null }, places: readonly Circle[], rules: Rules): ScopeEvent[] {
  const out: ScopeEvent[] = [];
  const accuracy = fix.accuracy ?? 0;
  for (const inside of s.places) {
    if (!places.some((p) => p.id === inside.id)) out.push({ type: 'place.left', data: { placeId: inside.id, name: inside.name } });
  }
  for (const p of places) {
    const d = distanceM(p, fix);
    const isIn = s.places.some((q) => q.id === p.id);
    if (!isIn && d <= p.radius && accuracy <= p.radius) out.push({ type: 'place.entered', data: { placeId: p.id, name: p.name } });
    else if (isIn && d - accuracy > p.radius + rules.placeHysteresisM) out.push({ type: 'place.left', data: { placeId: p.id, name: p.name } });
  }
  return out;
}
