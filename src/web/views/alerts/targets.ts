/**
 * My forwarding targets (`/v1/notifications/targets`): the list, adding one (a webhook's
 * secret is in that answer only, and is handed back to the caller to show once, never
 * stored), deleting, testing, and a target's delivery log.
 */
import { signal } from '@preact/signals';
import { api } from '../../api/client.ts';
import { onSessionEnd } from '../../api/session.ts';
import type { DeliveryAttempt, Target } from '../../api/types.ts';

/** A target as it is added. */
export type TargetIn = { kind: 'ntfy'; url: string; label?: string; token?: string } | { kind: 'webhook'; url: string; label?: string };

/** The most targets one may have (contracts' `MAX_TARGETS`). */
export const MAX_TARGETS = 5;

/** My targets, or null before they are loaded. */
export const targets = signal<Target[] | null>(null);

/** Loads them. */
export async function loadTargets(): Promise<void> {
  targets.value = (await api<{ targets: Target[] }>('GET', '/v1/notifications/targets')).targets;
}

/** Adds one; resolves with the target and, for a webhook, its secret (shown once). */
export async function addTarget(t: TargetIn): Promise<{ target: Target; secret: string | null }> {
  const r = await api<{ target: Target; secret: string | null }>('POST', '/v1/notifications/targets', { body: t });
  targets.value = [...(targets.value ?? []).filter((x) => x.id !== r.target.id), r.target];
  return r;
}

/** Deletes one (its queue and log go with it). */
export async function deleteTarget(id: string): Promise<void> {
  await api<void>('DELETE', `/v1/notifications/targets/${id}`);
  targets.value = (targets.value ?? []).filter((x) => x.id !== id);
}

/** Sends a test message through the target's queue; resolves with its delivery id. */
export async function testTarget(id: string): Promise<number> {
  return (await api<{ deliveryId: number }>('POST', `/v1/notifications/targets/${id}/test`)).deliveryId;
}

/** The target's delivery log, newest first. */
export async function deliveries(id: string): Promise<DeliveryAttempt[]> {
  return (await api<{ attempts: DeliveryAttempt[] }>('GET', `/v1/notifications/targets/${id}/deliveries?limit=20`)).attempts;
}

/** A name for a target: its label, else its address. */
export const nameOfTarget = (t: Target): string => t.label || t.url;

onSessionEnd(() => (targets.value = null));
