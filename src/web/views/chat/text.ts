/**
 * A message's text cut into pieces the view renders as text nodes and elements it makes
 * itself — never as HTML: plain runs, http(s) links, and a search snippet's matches.
 * Nothing a member writes can become markup, a script or a `javascript:` link.
 */

/** A run of text, or a link (`href` is always an http: or https: URL). */
export type Piece = { text: string; href?: undefined } | { text: string; href: string };

// A URL runs to the next white space or a character that cannot be in one unescaped.
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL ("see https://x.org/a.").
const TRAILING = /[.,;:!?'"»)\]}]$/;

/**
 * The text with its http(s) URLs as links.
 *
 * @example
 * splitLinks('see https://example.com/x.'); // [{text:'see '},{text:'https://example.com/x',href:'https://example.com/x'},{text:'.'}]
 */
export function splitLinks(text: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_RE)) {
    let raw = m[0];
    while (TRAILING.test(raw)) {
      // A closing bracket that closes one opened inside the URL stays (Wikipedia's "_(band)").
      if (raw.endsWith(')') && count(raw, '(') >= count(raw, ')')) break;
      raw = raw.slice(0, -1);
    }
    const href = safeHref(raw);
    if (!href) continue;
    if (m.index > at) pieces.push({ text: text.slice(at, m.index) });
    pieces.push({ text: raw, href });
    at = m.index + raw.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

const count = (s: string, c: string) => s.split(c).length - 1;

/** The URL to link to, or undefined unless it parses as http: or https:. */
function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined; // not a URL after all: it stays text
  }
}

/**
 * A search snippet cut into runs, `mark` on the matches (the API puts them between `[` and
 * `]`; a bracket the member wrote reads the same, which at worst highlights a few letters).
 *
 * @example
 * splitMarks('…buy [milk] please'); // [{text:'…buy ',mark:false},{text:'milk',mark:true},{text:' please',mark:false}]
 */
export function splitMarks(snippet: string): Array<{ text: string; mark: boolean }> {
  const out: Array<{ text: string; mark: boolean }> = [];
  const re = /\[([^[\]]*)\]/g;
  let at = 0;
  for (const m of snippet.matchAll(re)) {
    if (m.index > at) out.push({ text: snippet.slice(at, m.index), mark: false });
    if (m[1]) out.push({ text: m[1], mark: true });
    at = m.index + m[0].length;
  }
  if (at < snippet.length) out.push({ text: snippet.slice(at), mark: false });
  return out;
}

/** The calendar day of an instant, in this browser's zone ("2025-03-14"), for grouping. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** A day's heading: "Today", "Yesterday", "Monday 3 March" (with the year when not this one). */
export function dayLabel(iso: string, words: { today: string; yesterday: string }, now = new Date()): string {
  const d = new Date(iso);
  if (dayKey(iso) === dayKey(now.toISOString())) return words.today;
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (dayKey(iso) === dayKey(y.toISOString())) return words.yesterday;
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

/** A message's clock time ("14:05"). */
export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
