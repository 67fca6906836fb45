/**
 * Preferences as stored: one JSON row per user (absent: the defaults). Mutes given as
 * "for N minutes" are stored as the instant they end; expired mutes are dropped on read.
 * Watches are stored as given (a repeated one once).
 */
import type { Db, ParsedRequestOf, Tx } from '../../../src/kit/index.ts';
import type { notifications } from '../../../src/contracts/index.ts';
import { activeMutes, DEFAULT_PREFS, type Prefs } from '../domain/preferences.ts';

/** The user's preferences (defaults when none were saved), read from a database or in a transaction. */
export async function loadPrefs(q: Pick<Tx | Db, 'query'>, userId: string): Promise<Prefs> {
  const [r] = await q.query('SELECT body FROM preferences WHERE user_id = ?', [userId]);
  // Preferences saved before watches existed have none.
  return r ? { ...DEFAULT_PREFS, ...(JSON.parse(String(r.body)) as Partial<Prefs>) } : DEFAULT_PREFS;
}

/** The preferences as a client reads them: mutes in force only. */
export function visiblePrefs(p: Prefs, nowMs: number): Prefs {
  return { ...p, mutes: activeMutes(p, nowMs) };
}

/** Normalises a `SetPreferences` request into what is stored. */
export function fromRequest(req: Pick<ParsedRequestOf<typeof notifications.SetPreferences>, 'mutes' | 'types' | 'quietHours' | 'watches'>, nowMs: number): Prefs {
  const mutes = new Map<string, string | null>();
  for (const m of req.mutes) mutes.set(m.groupId, m.until ? new Date(Date.parse(m.until)).toISOString() : m.forMinutes ? new Date(nowMs + m.forMinutes * 60_000).toISOString() : null);
  return {
    mutes: [...mutes].map(([groupId, until]) => ({ groupId, until })),
    types: { ...req.types },
    quietHours: req.quietHours ?? null,
    // The same watch twice is one watch.
    watches: [...new Map(req.watches.map((w) => [`${w.groupId}|${w.userId}|${w.placeId}|${w.on}`, w])).values()],
  };
}

/** Saves the user's preferences. */
export async function savePrefs(tx: Tx, userId: string, p: Prefs): Promise<void> {
  await tx.execute('INSERT INTO preferences (user_id, body) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET body = excluded.body', [userId, JSON.stringify(p)]);
}
