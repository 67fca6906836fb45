/**
 * The alert rules over location events: each `location.sampled` (one per group the member
 * shares with) judges the phone's battery (once per discharge, domain/battery.ts) and
 * restarts the member's silence watch (the timer in silence.ts tells when it runs out);
 * pausing sharing stops the watch; `phone.unreadable` tells the phone's owner, once.
 */
import { on, type EventHandler } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { lowBatteryDrafts, phoneUnreadableDraft } from '../domain/alerts.ts';
import { judgeBattery } from '../domain/battery.ts';
import { fresh } from '../domain/fresh.ts';
import { batteryMark, groupAlerts, reported, saveBatteryMark, stopWatching } from '../store/alerts.ts';
import { notify } from '../store/inbox.ts';
import { tell } from './tell.ts';

/** The handlers of the alert rules. */
export const alertHandlers = (d: Deps): EventHandler[] => [
  on(location.LocationSampled, async (e, tx) => {
    const { groupId, userId, fix } = e.data;
    const settings = await groupAlerts(tx, groupId);
    await reported(tx, groupId, userId, Date.parse(fix.receivedAt), settings.silenceMinutes);
    const judged = judgeBattery(await batteryMark(tx, groupId, userId, fix.device), fix, settings.lowBatteryPercent, d.now());
    await saveBatteryMark(tx, groupId, userId, fix.device, judged.mark);
    // Keyed on the phone and the fix, not the event: a member of two of the groups hears it once.
    if (judged.tell) await tell(d, tx, e, groupId, (g) => lowBatteryDrafts(userId, fix.battery!, g), `low_battery:${userId}:${fix.device}:${fix.fixAt}`);
  }),
  on(location.SharingPaused, (e, tx) => stopWatching(tx, e.data.groupId, e.data.userId)),
  on(location.PhoneUnreadable, async (e, tx) => {
    if (!fresh(e, d.now(), d.settings.maxAgeMs)) return;
    if ((await notify(tx, e, [phoneUnreadableDraft(e.data)], d.now())) > 0) tx.afterCommit(d.kick);
  }),
];
