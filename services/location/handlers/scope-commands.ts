/**
 * The member's own actions in one group: start and pause sharing, start and stop a
 * journey, raise and clear an SOS. Each loads the scope, lets the domain decide, records
 * what it decided and answers the member's view as the group now sees it. Repeating an
 * action that is already in effect decides nothing and answers the same view.
 */
import type { Operation } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { decide, memberView, type Command } from '../domain/index.ts';
import { inTx, requireMember } from '../store/members.ts';
import { loadCircles } from '../store/places.ts';

type Req = { actor: { userId: string }; groupId: string };

function scopeCommand<R extends Req>(d: Deps, op: Operation<R, location.MemberView, any>, toCommand: (req: R) => Command): void {
  d.api.handle(op, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      const me = await requireMember(read, req.groupId, req.actor.userId);
      const scope = await d.scopes.load(read, req.groupId, req.actor.userId);
      const events = decide(toCommand(req), scope, { now: d.api.now(), rules: d.settings.rules, places: await loadCircles(read, req.groupId) });
      const after = await d.scopes.record(tx, scope, events);
      return memberView(me, after);
    }),
  );
}

/** Registers the handlers. */
export function handleScopeCommands(d: Deps): void {
  scopeCommand(d, location.StartSharing, () => ({ type: 'start_sharing' }));
  scopeCommand(d, location.PauseSharing, () => ({ type: 'pause_sharing' }));
  scopeCommand(d, location.StartJourney, (r) => ({ type: 'start_journey', mode: r.mode, destination: r.destination, expectedArrival: r.expectedArrival }));
  scopeCommand(d, location.StopJourney, () => ({ type: 'stop_journey' }));
  scopeCommand(d, location.RaiseSos, (r) => ({ type: 'raise_sos', lat: r.lat, lon: r.lon }));
  scopeCommand(d, location.ClearSos, () => ({ type: 'clear_sos' }));
}
