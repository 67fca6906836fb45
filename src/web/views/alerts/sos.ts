/**
 * Every SOS in progress in any of my groups, mine included — derived from the live store
 * (stores/live.ts is the one source of truth: each member's view has `sos` set while an SOS
 * is on, loaded for every group and kept live from `sos.raised` / `sos.cleared`). A new SOS
 * from someone else also vibrates the phone and, when the page is in the background and
 * notifications were already allowed, shows a system notification (this never asks).
 */
import { computed, effect } from '@preact/signals';
import { api } from '../../api/client.ts';
import { auth } from '../../api/session.ts';
import type { Group, MemberView } from '../../api/types.ts';
import { distanceM, formatDistance, type LatLon } from '../../lib/geo.ts';
import { groups } from '../../stores/groups.ts';
import { live, putMember } from '../../stores/live.ts';
import { t } from '../../strings.ts';

/** One SOS in progress. */
export interface SosNow {
  key: string;
  group: Group;
  member: MemberView;
  /** Raised by me. */
  mine: boolean;
  at: string;
  /** Where it was raised (else the member's last fix), if known. */
  where: LatLon | null;
  /** How far from my own last position, in metres, if both are known. */
  distance: number | null;
}

/** Every SOS in progress, others' first, newest first. */
export const sosNow = computed<SosNow[]>(() => {
  const me = auth.value?.userId;
  const list: SosNow[] = [];
  for (const group of groups.value) {
    const members = live.value[group.id] ?? [];
    const mine = members.find((m) => m.userId === me)?.lastFix ?? null;
    for (const member of members) {
      const sos = member.sos;
      if (!sos) continue;
      const where = sos.lat !== null && sos.lon !== null ? { lat: sos.lat, lon: sos.lon } : member.lastFix;
      const isMine = member.userId === me;
      list.push({
        key: `${group.id}:${member.userId}:${sos.at}`,
        group,
        member,
        mine: isMine,
        at: sos.at,
        where: where ? { lat: where.lat, lon: where.lon } : null,
        distance: !isMine && where && mine ? distanceM(mine, where) : null,
      });
    }
  }
  return list.sort((a, b) => Number(a.mine) - Number(b.mine) || (a.at < b.at ? 1 : -1));
});

/** Where an SOS is, in words: how far from me, else its coordinates. */
export function whereText(s: SosNow): string {
  if (s.distance !== null) return t.alerts.sosAway(formatDistance(s.distance));
  if (s.where) return t.alerts.sosAt(s.where.lat, s.where.lon);
  return t.alerts.sosNoPosition;
}

/** Ends my SOS in a group ("I'm safe"); the answer is my view, shown at once. */
export async function clearMySos(groupId: string): Promise<void> {
  const view = await api<MemberView>('DELETE', `/v1/groups/${groupId}/sos`);
  putMember(groupId, view);
}

const rung = new Set<string>();

/** Buzzes and, in the background, notifies — once per SOS. */
function ring(s: SosNow): void {
  const activated = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive ?? true;
  // Browsers refuse (and complain about) a vibration before the person has touched the page.
  if (activated && 'vibrate' in navigator) navigator.vibrate([400, 150, 400, 150, 400]);
  if (document.visibilityState !== 'hidden' || !('Notification' in window) || Notification.permission !== 'granted') return;
  const title = t.alerts.systemSos(s.member.displayName, s.group.name);
  const o: NotificationOptions = { body: whereText(s), tag: s.key, requireInteraction: true, icon: '/icons/icon-192.png' };
  // Android's Chrome only shows notifications through the service worker.
  const show = async () => {
    const reg = await navigator.serviceWorker?.getRegistration();
    if (reg) await reg.showNotification(title, o);
    else new Notification(title, o);
  };
  show().catch(() => undefined); // not allowed after all: the banner is on screen anyway
}

effect(() => {
  for (const s of sosNow.value) {
    if (rung.has(s.key)) continue;
    rung.add(s.key);
    if (!s.mine) ring(s);
  }
});
