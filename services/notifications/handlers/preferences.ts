/**
 * Preferences: read them (mutes in force only) and replace them. A mute names one of the
 * actor's groups; "for N minutes" is stored as the instant it ends. A watch names one of
 * the actor's groups and, if it names a person, a member of that group.
 */
import type { ServiceApi } from '../../../src/kit/index.ts';
import { notifications } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { requireMemberOf, requireWatchable } from '../store/groups.ts';
import { fromRequest, loadPrefs, savePrefs, visiblePrefs } from '../store/preferences.ts';

/** Registers the preference handlers. */
export function handlePreferences(api: ServiceApi, d: Deps): void {
  api.handle(notifications.GetPreferences, async (req) => visiblePrefs(await loadPrefs(d.db, req.actor.userId), d.now()));

  api.handle(notifications.SetPreferences, async (req, ctx) => {
    await requireMemberOf(d.db, req.actor.userId, req.mutes.map((m) => m.groupId));
    await requireWatchable(d.db, req.actor.userId, req.watches);
    const prefs = fromRequest(req, d.now());
    await ctx.write((tx) => savePrefs(tx, req.actor.userId, prefs));
    return visiblePrefs(prefs, d.now());
  });
}
