/**
 * The phone set-up just made (`POST /v1/me/owntracks/setup`): its configuration holds a
 * new app password, so it lives in memory only, until Done or the end of the session.
 * The QR code comes from the server as SVG (the app ships no encoder for it) and is shown
 * as an image; the settings file is a Blob URL, revoked with it.
 */
import { signal } from '@preact/signals';
import { api } from '../../api/client.ts';
import { onSessionEnd } from '../../api/session.ts';
import { loadAppPasswords } from './sessions-store.ts';

/** What the API answers, and the two URLs made from it here. */
export interface PhoneSetup {
  configuration: { url: string; username: string; password: string; deviceId: string; [key: string]: unknown };
  link: string;
  /** The QR code as an `<img>` source (a data URL of the server's SVG). */
  qrSrc: string;
  /** The configuration as a `.otrc` file to download. */
  fileUrl: string;
}

/** The set-up on show (null: none). */
export const phoneSetup = signal<PhoneSetup | null>(null);

/** Asks the server for a set-up and shows it. */
export async function makePhoneSetup(): Promise<void> {
  const made = await api<{ configuration: PhoneSetup['configuration']; link: string; qrSvg: string }>('POST', '/v1/me/owntracks/setup', { body: {} });
  clearPhoneSetup();
  phoneSetup.value = {
    configuration: made.configuration,
    link: made.link,
    qrSrc: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(made.qrSvg)}`,
    fileUrl: URL.createObjectURL(new Blob([JSON.stringify(made.configuration, null, 2)], { type: 'application/json' })),
  };
  await loadAppPasswords().catch(() => undefined); // its app password joins the list
}

/** Forgets the set-up (and its password) here. */
export function clearPhoneSetup(): void {
  if (phoneSetup.value) URL.revokeObjectURL(phoneSetup.value.fileUrl);
  phoneSetup.value = null;
}

onSessionEnd(clearPhoneSetup);
