/**
 * `decide(command, scope, context) → events`: what a member's action, a new fix or the
 * passing of time causes in one scope. Pure: the clock, the thresholds and the group's
 * places come in the context; refusals are AppErrors.
 */
import { AppError, type location } from './deps.ts';
import type { ScopeEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { distanceM } from './geo.ts';
import { placeEvents, type Circle } from './places.ts';
import type { Rules } from './rules.ts';
import type { Anchor, Scope } from './state.ts';

/** What can happen to a scope. */
export type Command =
  | { type: 'sample'; fix: location.Sample }
  | { type: 'tick' }
  | { type: 'start_sharing' }
  | { type: 'pause_sharing' }
  | { type: 'start_journey'; mode: location.Mode; destination: location.Destination; expectedArrival: string }
  | { type: 'stop_journey' }
  | { type: 'raise_sos'; lat?: number; lon?: number }
  | { type: 'clear_sos' }
  | { type: 'erase_history' };

/** What `decide` knows besides the scope. */
export interface DecideContext {
  /** Now, ms since the epoch. */
  now: number;
  rules: Rules;
  /** The group's places. */
  places: readonly Circle[];
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

/**
 * Decides the events of one command.
 *
 * @example
 * decide({ type: 'clear_sos' }, scope, { now: Date.now(), rules, places: [] }); // [{ type: 'sos.cleared', data: {} }]
 */
export function decide(c: Command, s: Scope, ctx: DecideContext): ScopeEvent[] {
  switch (c.type) {
    case 'sample':
      return sample(c.fix, s, ctx);
    case 'tick':
      return tick(s, ctx);
    case 'start_sharing':
      return s.sharing ? [] : [{ type: 'state.sharing_started', data: {} }];
    case 'pause_sharing':
      if (!s.sharing) return [];
      if (s.sos) throw new AppError('conflict', 'location.sos_active', 'Clear the SOS before pausing sharing');
      return [...(s.journey ? [{ type: 'journey.routing_stopped', data: {} } as const] : []), { type: 'state.sharing_paused', data: {} }];
    case 'start_journey':
      if (!s.sharing) throw new AppError('conflict', 'location.not_sharing', 'Start sharing with this group before starting a journey');
      if (s.journey) throw new AppError('conflict', 'location.journey_active', 'A journey is already under way; stop it first');
      if (ms(c.expectedArrival) <= ctx.now) throw new AppError('validation', 'location.arrival_in_past', 'The expected arrival must be in the future', { issues: [{ path: 'expectedArrival', message: 'must be in the future' }] });
      return [{ type: 'journey.routing_started', data: { mode: c.mode, destination: c.destination, expectedArrival: iso(ms(c.expectedArrival)) } }];
    case 'stop_journey':
      return s.journey ? [{ type: 'journey.routing_stopped', data: {} }] : [];
    case 'raise_sos': {
      if (s.sos) return [];
      const at = c.lat !== undefined && c.lon !== undefined ? { lat: c.lat, lon: c.lon } : s.lastFix ? { lat: s.lastFix.lat, lon: s.lastFix.lon } : { lat: null, lon: null };
      // An SOS overrides a pause: the group must see it.
      return [...(s.sharing ? [] : [{ type: 'state.sharing_started', data: {} } as const]), { type: 'sos.raised', data: at }];
    }
    case 'clear_sos':
      return s.sos ? [{ type: 'sos.cleared', data: {} }] : [];
    case 'erase_history':
      return [{ type: 'state.history_erased', data: {} }];
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** A new fix: recorded, then places, arrival, stuck and late judged on the scope it makes. */
function sample(fix: location.Sample, s: Scope, ctx: DecideContext): ScopeEvent[] {
  if (!s.sharing) return [];
  const sampled: ScopeEvent = { type: 'location.sampled', data: { fix } };
  if (s.lastFix && ms(fix.fixAt) <= ms(s.lastFix.fixAt)) return [sampled]; // an older fix: history only
  const next = evolve(s, { ...sampled, at: fix.receivedAt }, ctx.rules);
  const out: ScopeEvent[] = [sampled, ...placeEvents(next, fix, ctx.places, ctx.rules)];
  const j = next.journey;
  if (!j) return out;
  if (distanceM(fix, j.destination) <= ctx.rules.arrivalRadiusM) return [...out, { type: 'journey.destination_reached', data: { destination: j.destination } }];
  // With no anchor (history erased while stuck) there is no still spell to be in: a fix ends it.
  const moved = s.anchor === null || distanceM(s.anchor, fix) > ctx.rules.stuckRadiusM;
  if (j.stuck && moved) out.push({ type: 'journey.stuck_alert_cleared', data: {} });
  else if (!j.stuck && next.anchor && ms(fix.fixAt) - next.anchor.at >= ctx.rules.stuckAfterMs) out.push(stuck(next.anchor));
  if (!j.late && ctx.now >= ms(j.expectedArrival) + ctx.rules.lateGraceMs) out.push({ type: 'journey.late_alert_raised', data: { expectedArrival: j.expectedArrival } });
  return out;
}

/** The passing of time: offline, late and stuck without a new fix. */
function tick(s: Scope, ctx: DecideContext): ScopeEvent[] {
  const out: ScopeEvent[] = [];
  const offlineAt = offlineDeadline(s, ctx.rules);
  const goesOffline = offlineAt !== null && ctx.now >= offlineAt;
  if (goesOffline) out.push({ type: 'state.went_offline', data: { lastSeen: s.lastFix?.receivedAt ?? null } });
  const j = s.journey;
  if (j && !j.late && ctx.now >= ms(j.expectedArrival) + ctx.rules.lateGraceMs) out.push({ type: 'journey.late_alert_raised', data: { expectedArrival: j.expectedArrival } });
  if (j && !j.stuck && !goesOffline && !s.offline && s.anchor && ctx.now - s.anchor.at >= ctx.rules.stuckAfterMs) out.push(stuck(s.anchor));
  return out;
}

const stuck = (anchor: Anchor): ScopeEvent => ({ type: 'journey.stuck_alert_raised', data: { lat: anchor.lat, lon: anchor.lon, since: iso(anchor.at) } });

/** When the member counts as offline if no fix comes: the next expected fix plus the grace (null: not watched). */
export function offlineDeadline(s: Scope, rules: Rules): number | null {
  if (!s.sharing || !s.lastFix || s.offline) return null;
  return ms(s.lastFix.receivedAt) + Math.min(s.interval, rules.maxIntervalMs) + rules.offlineGraceMs;
}

/** The next moment `tick` could decide something for this scope (null: nothing pending). */
export function nextDeadline(s: Scope, rules: Rules): number | null {
  const times: number[] = [];
  const offline = offlineDeadline(s, rules);
  if (offline !== null) times.push(offline);
  if (s.journey && !s.journey.late) times.push(ms(s.journey.expectedArrival) + rules.lateGraceMs);
  if (s.journey && !s.journey.stuck && !s.offline && s.anchor) times.push(s.anchor.at + rules.stuckAfterMs);
  return times.length ? Math.min(...times) : null;
}
