/**
 * This Hearth: version, registration mode, whether it still needs its first account, and
 * the map tiles to use (`GET /v1/instance`). Kept in localStorage so an offline start still
 * knows the tile URL.
 */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';

/** What `GET /v1/instance` answers. */
export interface Instance {
  name: string;
  version: string;
  registration: 'open' | 'invite-only' | 'closed';
  setupNeeded: boolean;
  publicUrl: string;
  web: { tileUrl: string; tileAttribution: string };
  /** External OpenID providers to offer as sign-in buttons (absent from an older server's answer). */
  oidc?: { name: string; label: string }[];
}

const KEY = 'hearth.instance';

function cached(): Instance | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Instance | null;
  } catch {
    return null; // unreadable: ask again
  }
}

/** The instance, once known (cached from the last visit until then). */
export const instance = signal<Instance | null>(cached());

/** Asks the server again. */
export async function loadInstance(): Promise<Instance> {
  const i = await api<Instance>('GET', '/v1/instance', { anonymous: true });
  instance.value = i;
  try {
    localStorage.setItem(KEY, JSON.stringify(i));
  } catch {
    // storage full or disabled: the value still lives in memory
  }
  return i;
}

/**
 * A link to give to other people (an invite, the OwnTracks URL): on `public_url` when the
 * owner set one; when Hearth only knows its own listening address (loopback, or port 0),
 * on the address this browser reached it at — which the family can reach too.
 *
 * @example
 * shareableUrl('/join/abc'); // 'https://hearth.example.home/join/abc'
 */
export function shareableUrl(path: string): string {
  const configured = instance.value?.publicUrl?.replace(/\/+$/, '');
  const own = !configured || /^https?:\/\/(127\.|localhost(:|$)|\[::1\]|0\.0\.0\.0)|:0$/.test(configured);
  return (own ? location.origin : configured) + path;
}
