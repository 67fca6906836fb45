/** Ids the app makes itself: a chat message's `txnId` (so a retry never duplicates) and queue item ids. */

/**
 * A new random id (a UUID), usable as a `txnId` (1–64 of `[A-Za-z0-9_.:-]`).
 *
 * @example
 * newId(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function newId(): string {
  return crypto.randomUUID();
}
