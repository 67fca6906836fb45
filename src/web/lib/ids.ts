/** Ids the app makes itself: a chat message's `txnId` (so a retry never duplicates) and queue item ids. */

/**
 * A new random id (a version 4 UUID), usable as a `txnId` (1–64 of `[A-Za-z0-9_.:-]`).
 * `crypto.randomUUID` exists only in secure contexts (HTTPS, localhost); a family on plain
 * HTTP in the house still needs ids, so they are made from `getRandomValues`, which exists
 * everywhere.
 *
 * @example
 * newId(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
