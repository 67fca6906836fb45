/**
 * `record_fixes`: a batch of fixes from one of the actor's devices, applied to every group
 * they share with, in fix-time order. A fix already recorded for (device, fix time) is a
 * duplicate and is skipped, so a phone may upload the same batch again; a fix stamped
 * further in the future than `location.max_future_s` fails the whole batch (nothing is
 * stored) — or, with `clampFuture` (the OwnTracks route), is recorded at the time it was
 * received with its own stamp kept as `clampedFrom`; one older than the retention window is skipped as expired.
 */
import { AppError } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { decide, type Circle } from '../domain/index.ts';
import { groupsOf, inTx } from '../store/members.ts';
import { loadCircles } from '../store/places.ts';

/** Registers the handler. */
export function handleFixes(d: Deps): void {
  d.api.handle(location.RecordFixes, async (req, ctx) => {
    const now = d.api.now();
    const receivedAt = new Date(now).toISOString();
    const ahead = (f: location.Fix) => Date.parse(f.timestamp) > now + d.settings.maxFutureMs;
    const future = req.clampFuture ? [] : req.fixes.flatMap((f, i) => (ahead(f) ? [{ path: `fixes.${i}.timestamp`, message: 'is in the future' }] : []));
    if (future.length) throw new AppError('validation', 'location.fix_in_future', `${future.length} fix(es) are stamped in the future; nothing was stored`, { issues: future });
    const horizon = now - d.settings.retentionMs;
    const samples = req.fixes
      .filter((f) => Date.parse(f.timestamp) >= horizon)
      .map((f): location.Sample => ({
        lat: f.lat,
        lon: f.lon,
        accuracy: f.accuracy ?? null,
        altitude: f.altitude ?? null,
        speed: f.speed ?? null,
        course: f.course ?? null,
        battery: f.battery ?? null,
        batteryState: f.batteryState ?? null,
        device: f.device ?? req.device ?? 'default',
        // Clamped (OwnTracks: a phone must never be refused): recorded as received, its own stamp kept.
        ...(req.clampFuture && ahead(f) ? { fixAt: receivedAt, clampedFrom: f.timestamp } : { fixAt: new Date(Date.parse(f.timestamp)).toISOString() }),
        receivedAt,
      }))
      .sort((a, b) => Date.parse(a.fixAt) - Date.parse(b.fixAt));
    const expired = req.fixes.length - samples.length;
    // Phones post often and all at once: concurrent batches share a transaction (group commit).
    return ctx.write(async (tx) => {
      const read = inTx(tx);
      const shared: string[] = [];
      // A fix is a duplicate when no group took it: every group has it already.
      const taken = new Set<location.Sample>();
      for (const { groupId } of await groupsOf(read, req.actor.userId)) {
        let scope = await d.scopes.load(read, groupId, req.actor.userId);
        if (!scope.sharing) continue;
        shared.push(groupId);
        const circles: Circle[] = await loadCircles(read, groupId);
        const seen = new Set<string>();
        for (const fix of samples) {
          const key = `${fix.device}\u0000${fix.fixAt}`;
          const again = seen.has(key) || (await read('SELECT 1 FROM fixes WHERE group_id = ? AND user_id = ? AND device = ? AND fix_at = ?', [groupId, req.actor.userId, fix.device, Date.parse(fix.fixAt)])).length > 0;
          seen.add(key);
          if (again) continue;
          taken.add(fix);
          scope = await d.scopes.record(tx, scope, decide({ type: 'sample', fix }, scope, { now, rules: d.settings.rules, places: circles }));
        }
      }
      // With no group to share with, a fix is accepted and goes nowhere.
      const accepted = shared.length ? taken.size : samples.length;
      return { accepted, duplicates: samples.length - accepted, expired, groups: shared };
    }, { group: true });
  });
}
