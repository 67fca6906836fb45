/**
 * Tracker ids (TIDs): the two characters the app shows for a friend without a face
 * (https://owntracks.org/booklet/features/tid/). In HTTP mode they are more than a label:
 * both apps file every object of a reply under the pseudo-topic `owntracks/http/<tid>`,
 * whatever `topic` it carries (the Recorder: "each of the objects in this array *must*
 * contain a TID as the apps will use that to construct a ficticious topic name"). So the
 * tids of one reply must differ, or two friends merge into one.
 */

const ALNUM = /[\p{L}\p{N}]+/gu;
const POOL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** One character upper-cased and kept one character (`ß` would become `SS`). */
const upper = (ch: string): string => [...ch.toUpperCase()][0] ?? ch;

/** The tids to try for a name, best first; all two characters. */
function* candidates(name: string): Generator<string> {
  const words = (name.match(ALNUM) ?? []).map((w) => [...w].map(upper));
  const first = words[0] ?? [];
  const last = words.at(-1) ?? [];
  const chars = words.flat();
  if (words.length > 1) yield `${first[0]}${last[0]}`;
  if (first.length > 1) yield `${first[0]}${first[1]}`;
  if (chars.length > 0) {
    for (const ch of chars.slice(1)) yield `${chars[0]}${ch}`;
    for (let d = 1; d <= 9; d++) yield `${chars[0]}${d}`;
  }
  for (const a of POOL) for (const b of POOL) yield `${a}${b}`;
}

/**
 * The two-character tid a name suggests: the initials of its first and last words
 * (`Jane Jolie` → `JJ`), else the first two letters of its only word (`Jane` → `JA`).
 *
 * @example
 * tidOf('Jean-Luc Picard'); // 'JP'
 */
export function tidOf(name: string): string {
  return candidates(name).next().value ?? 'AA';
}

/**
 * A distinct tid for each entry, in the order given: an entry whose name suggests a tid
 * already taken gets the next candidate (`JO` after `JD` for a second Jane Doe, then `J1`…,
 * then any free pair). Give the entries in a stable order so a friend keeps their tid from
 * one reply to the next.
 */
export function assignTids(entries: readonly { key: string; name: string }[]): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const { key, name } of entries) {
    let tid: string | undefined;
    for (const c of candidates(name)) {
      if (!taken.has(c)) {
        tid = c;
        break;
      }
    }
    // Every pair taken (over 36² entries): a longer id rather than a clash.
    tid ??= String(out.size);
    taken.add(tid);
    out.set(key, tid);
  }
  return out;
}
