/**
 * The alert rules over location events: each `location.sampled` (one per group the member
 * shares with) judges the phone's battery (once per discharge, domain/battery.ts) and
 * restarts the member's silence watch (the timer in silence.ts tells when it runs out);
 * pausing sharing stops the watch; `phone.unreadable` tells the phone's owner, once.
 */
import { on, type EventHandler } from '../../../src/kit/index.ts';
import { location, type notifications } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { lowBatteryDrafts, phoneUnreadableDraft } from '../domain/alerts.ts';
import { judgeBattery, type BatteryMark } from '../domain/battery.ts';
import { fresh } from '../domain/fresh.ts';
import { batteryMark, groupAlerts, reported, saveBatteryMark, stopWatching } from '../store/alerts.ts';
import { notify } from '../store/inbox.ts';
import { tell } from './tell.ts';

/** The handlers of the alert rules. */
export const alertHandlers = (d: Deps): EventHandler[] => [
  on(location.LocationSampled, async (e, tx) => {
    const { groupId, userId, fix } = e.data;
    // Within one consumer transaction (a batch of fixes) the settings and each phone's mark are
    // read once: nothing else in it changes them (tx.memo; the users consumer's transactions do).
    const settingsKey = `group_alerts:${groupId}`;
    const settings = (tx.memo.get(settingsKey) as notifications.GroupAlerts | undefined) ?? (await groupAlerts(tx, groupId));
    tx.memo.set(settingsKey, settings);
    await reported(tx, groupId, userId, Date.parse(fix.receivedAt), settings.silenceMinutes);
    const markKey = `battery_mark:${groupId}:${userId}:${fix.device}`;
    const prev = tx.memo.has(markKey) ? (tx.memo.get(markKey) as BatteryMark | undefined) : await batteryMark(tx, groupId, userId, fix.device);
    const judged = judgeBattery(prev, fix, settings.lowBatteryPercent, d.now());
    // The same mark back (an older fix): the row holds it already.
    if (judged.mark !== prev) await saveBatteryMark(tx, groupId, userId, fix.device, judged.mark);
    tx.memo.set(markKey, judged.mark);
    // Keyed on the phone and the fix, not the event: a member of two of the groups hears it once.
    if (judged.tell) await tell(d, tx, e, groupId, (g) => lowBatteryDrafts(userId, fix.battery!, g), `low_battery:${userId}:${fix.device}:${fix.fixAt}`);
  }),
  on(location.SharingPaused, (e, tx) => stopWatching(tx, e.data.groupId, e.data.userId)),
  on(location.PhoneUnreadable, async (e, tx) => {
    if (!fresh(e, d.now(), d.settings.maxAgeMs)) return;
    if ((await notify(tx, e, [phoneUnreadableDraft(e.data)], d.now())) > 0) tx.afterCommit(d.kick);
  }),
];
