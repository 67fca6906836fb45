/**
 * Sharing my location from this browser: an opt-in (remembered in localStorage) that
 * watches `navigator.geolocation` and turns positions into fixes. Fixes go through the
 * outbox (api/outbox.ts), so one taken offline is sent when the network is back; each is
 * queued once under a stable id, and the API records a (device, time) once, so a send
 * whose answer was lost and is sent again changes nothing. The opt-in resumes at the next
 * start only while the browser still grants the permission (no surprise prompt).
 */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { enqueue, registerSender } from '../api/outbox.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import type { Fix } from '../api/types.ts';
import { distanceM, type LatLon } from '../lib/geo.ts';

/** Why the browser gives no position (the Me panel says it in words). */
export type GeoProblem = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

/** True while this browser shares its position. */
export const sharingHere = signal(false);
/** The browser's last position (also used for "distance from me" and the SOS). */
export const myPosition = signal<(LatLon & { accuracy: number }) | null>(null);
/** What went wrong with the last attempt, if anything. */
export const geoProblem = signal<GeoProblem | null>(null);

const OPT_IN = 'hearth.share';
const DEVICE = 'hearth.device';
/** At most one fix this often unless the browser moved farther than `MOVED_M`. */
const MIN_GAP_MS = 5_000;
const MOVED_M = 20;

let watch: number | undefined;
let last: { at: number; lat: number; lon: number } | undefined;
let battery: { level: number; charging: boolean } | undefined;
let queued: Promise<void> = Promise.resolve();

/** This browser's device label (`web-xxxxxxxx`), made once and kept. */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE);
  if (!id || !/^[\w.@:-]{1,64}$/.test(id)) {
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    id = 'web-' + [...bytes].map((b) => letters[b % letters.length]).join('');
    localStorage.setItem(DEVICE, id);
  }
  return id;
}

/** Starts sharing from this browser (the browser asks for permission the first time). */
export function startSharingHere(): void {
  if (!('geolocation' in navigator)) {
    geoProblem.value = 'unsupported';
    return;
  }
  localStorage.setItem(OPT_IN, '1');
  geoProblem.value = null;
  sharingHere.value = true;
  void watchBattery();
  if (watch === undefined) watch = navigator.geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 60_000 });
}

/** Stops it (and forgets the opt-in unless `keepOptIn`, as when signing out). */
export function stopSharingHere(keepOptIn = false): void {
  if (!keepOptIn) localStorage.removeItem(OPT_IN);
  if (watch !== undefined) navigator.geolocation.clearWatch(watch);
  watch = undefined;
  last = undefined;
  sharingHere.value = false;
}

function onPosition(p: GeolocationPosition): void {
  const { latitude: lat, longitude: lon, accuracy, altitude, speed, heading } = p.coords;
  myPosition.value = { lat, lon, accuracy };
  geoProblem.value = null;
  const at = p.timestamp || Date.now();
  if (last && at <= last.at) return; // the same reading again
  if (last && at - last.at < MIN_GAP_MS && distanceM(last, { lat, lon }) <= MOVED_M) return;
  last = { at, lat, lon };
  const fix: Fix = { lat, lon, accuracy: Math.min(100_000, Math.max(0, accuracy)), timestamp: new Date(at).toISOString(), device: deviceId() };
  if (altitude !== null && Number.isFinite(altitude) && altitude >= -12_000 && altitude <= 100_000) fix.altitude = altitude;
  if (speed !== null && Number.isFinite(speed) && speed >= 0 && speed <= 1_000) fix.speed = speed;
  if (heading !== null && Number.isFinite(heading) && heading >= 0 && heading <= 360) fix.course = heading;
  if (battery) {
    fix.battery = Math.round(battery.level * 100);
    fix.batteryState = battery.charging ? (battery.level >= 1 ? 'full' : 'charging') : 'unplugged';
  }
  // The id names the fix itself: queued once, and the API would skip it if sent again.
  // One at a time: the outbox reads and rewrites its whole queue on each enqueue.
  queued = queued.then(() => enqueue('fixes', { fixes: [fix] }, `fix:${fix.device}:${fix.timestamp}`)).catch(() => undefined);
}

function onError(e: GeolocationPositionError): void {
  geoProblem.value = e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable';
  // Denied: stop asking (the person has to allow it in the browser first); the others pass.
  if (e.code === e.PERMISSION_DENIED) stopSharingHere();
}

interface BatteryManager extends EventTarget {
  level: number;
  charging: boolean;
}

async function watchBattery(): Promise<void> {
  const get = (navigator as Navigator & { getBattery?: () => Promise<BatteryManager> }).getBattery;
  if (!get || battery) return;
  try {
    const b = await get.call(navigator);
    const read = () => (battery = { level: b.level, charging: b.charging });
    read();
    b.addEventListener('levelchange', read);
    b.addEventListener('chargingchange', read);
  } catch {
    // not offered here (Firefox, Safari): fixes go without a battery level
  }
}

/** Resumes the opt-in at start, only if the permission is still granted. */
async function resume(): Promise<void> {
  if (sharingHere.value || localStorage.getItem(OPT_IN) !== '1' || !navigator.permissions) return;
  try {
    const status = await navigator.permissions.query({ name: 'geolocation' });
    if (status.state === 'granted' && auth.value) startSharingHere();
  } catch {
    // the Permissions API does not know geolocation here: wait for the person to turn it on
  }
}

registerSender<{ fixes: Fix[] }>('fixes', async (payload) => {
  await api('POST', '/v1/locations', { body: payload });
});
auth.subscribe((a) => {
  if (a) void resume();
});
// Signing out (or deleting the account) forgets the opt-in; a session that ran out keeps it.
onSessionEnd((_userId, reason) => {
  stopSharingHere(reason !== 'signed_out' && reason !== 'deleted');
  myPosition.value = null;
});
