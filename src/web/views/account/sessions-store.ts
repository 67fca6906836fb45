/**
 * My sessions (the devices I am signed in on) and app passwords, for the account view.
 * Neither has stream events, so each is asked for when the view opens and after a change
 * made here. A new app password is held in `revealed` until its dialog is closed: the
 * API shows it only once.
 */
import { signal } from '@preact/signals';
import { api } from '../../api/client.ts';
import { onSessionEnd } from '../../api/session.ts';
import type { AppPassword, Session } from '../../api/types.ts';

/** My sessions, this one first (null until loaded). */
export const sessions = signal<Session[] | null>(null);
/** My app passwords (null until loaded). */
export const appPasswords = signal<AppPassword[] | null>(null);
/** The app password just created, shown once. */
export const revealed = signal<{ label: string; password: string } | null>(null);

/** Loads my sessions. */
export async function loadSessions(): Promise<void> {
  const { sessions: list } = await api<{ sessions: Session[] }>('GET', '/v1/me/sessions');
  sessions.value = [...list].sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt));
}

/** Ends one of my sessions (another device). */
export async function endSession(id: string): Promise<void> {
  await api('DELETE', `/v1/me/sessions/${id}`);
  sessions.value = (sessions.value ?? []).filter((s) => s.id !== id);
}

/** Loads my app passwords. */
export async function loadAppPasswords(): Promise<void> {
  appPasswords.value = (await api<{ items: AppPassword[] }>('GET', '/v1/me/app-passwords')).items;
}

/** Creates an app password and reveals it. */
export async function createAppPassword(label: string): Promise<void> {
  const made = await api<{ id: string; label: string; password: string }>('POST', '/v1/me/app-passwords', { body: { label } });
  revealed.value = { label: made.label, password: made.password };
  await loadAppPasswords().catch(() => undefined);
}

/** Revokes one. */
export async function revokeAppPassword(id: string): Promise<void> {
  await api('DELETE', `/v1/me/app-passwords/${id}`);
  appPasswords.value = (appPasswords.value ?? []).filter((p) => p.id !== id);
}

onSessionEnd(() => {
  sessions.value = null;
  appPasswords.value = null;
  revealed.value = null;
});
