/** The signed-in person's profile (`GET /v1/me`), kept for offline starts. */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import type { Profile } from '../api/types.ts';

/** My profile, or null before it is known. */
export const me = signal<Profile | null>(null);

/** Loads it (the cached copy first, then the server's). */
export async function loadMe(): Promise<void> {
  const userId = auth.value?.userId;
  if (!userId) return;
  me.value ??= (await recall<Profile>(userId, 'me')) ?? null;
  const fresh = await api<Profile>('GET', '/v1/me');
  setMe(fresh);
}

/** Replaces it (after an edit). */
export function setMe(p: Profile): void {
  me.value = p;
  void remember(p.id, 'me', p);
}

onSessionEnd(() => (me.value = null));
