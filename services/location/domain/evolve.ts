/**
 * `evolve(scope, event) → scope`: the fold of a scope's events. Pure. The stuck watch's
 * anchor moves when a fix lands farther than `rules.stuckRadiusM` from it, so the radius is
 * part of the fold.
 */
import { distanceM } from './geo.ts';
import type { RecordedEvent } from './events.ts';
import type { Rules } from './rules.ts';
import type { Scope } from './state.ts';

const ms = (iso: string): number => Date.parse(iso);

/**
 * Applies one event.
 *
 * @example
 * const scope = events.reduce((s, e) => evolve(s, e, rules), emptyScope(groupId, userId));
 */
export function evolve(s: Scope, e: RecordedEvent, rules: Rules): Scope {
  switch (e.type) {
    case 'location.sampled': {
      const fix = e.data.fix;
      if (s.lastFix && ms(fix.fixAt) <= ms(s.lastFix.fixAt)) return s; // a late upload: history only
      const interval = s.lastFix ? ms(fix.fixAt) - ms(s.lastFix.fixAt) : 0;
      let anchor = s.anchor;
      if (s.journey && (!anchor || distanceM(anchor, fix) > rules.stuckRadiusM)) anchor = { lat: fix.lat, lon: fix.lon, at: ms(fix.fixAt) };
      return { ...s, lastFix: fix, interval, offline: false, anchor };
    }
    case 'state.sharing_started':
      // The last fix is from before the pause: the member is not known to be live until a new one.
      return { ...s, sharing: true, offline: s.sharing ? s.offline : s.lastFix !== null };
    case 'state.sharing_paused':
      return { ...s, sharing: false, places: [], anchor: null };
    case 'state.went_offline':
      return { ...s, offline: true };
    case 'state.history_erased':
      return { ...s, lastFix: null, interval: 0, places: [], anchor: null, sos: s.sos && { ...s.sos, lat: null, lon: null } };
    case 'journey.routing_started':
      return {
        ...s,
        journey: { mode: e.data.mode, destination: e.data.destination, expectedArrival: e.data.expectedArrival, startedAt: e.at, late: false, stuck: false },
        anchor: null,
      };
    case 'journey.routing_stopped':
    case 'journey.destination_reached':
      return { ...s, journey: null, anchor: null };
    case 'journey.stuck_alert_raised':
      return s.journey ? { ...s, journey: { ...s.journey, stuck: true } } : s;
    case 'journey.stuck_alert_cleared': {
      const fix = s.lastFix;
      const anchor = fix ? { lat: fix.lat, lon: fix.lon, at: ms(fix.fixAt) } : null;
      return s.journey ? { ...s, journey: { ...s.journey, stuck: false }, anchor } : s;
    }
    case 'journey.late_alert_raised':
      return s.journey ? { ...s, journey: { ...s.journey, late: true } } : s;
    case 'sos.raised':
      return { ...s, sos: { at: e.at, lat: e.data.lat, lon: e.data.lon } };
    case 'sos.cleared':
      return { ...s, sos: null };
    case 'place.entered':
      return s.places.some((p) => p.id === e.data.placeId) ? s : { ...s, places: [...s.places, { id: e.data.placeId, name: e.data.name }] };
    case 'place.left':
      return { ...s, places: s.places.filter((p) => p.id !== e.data.placeId) };
    default: {
      const never: never = e;
      return never;
    }
  }
}
