/**
 * A participant's answer to a `pages` step that reads several sections in turn (fixes, then
 * places …): each section is read by keyset (`after` the last key), a page never spans two
 * sections, and the cursor says the page's number, its section and the last key, so the
 * same cursor always yields the same page (the orchestrator may ask again after a crash).
 */
import { AppError } from '../errors.ts';

/** A keyset key as a cursor carries it (JSON: strings and numbers). */
export type SectionKey = (string | number)[];

/** One row of a section: its keyset key and its record as JSON text. */
export interface SectionRow {
  key: unknown[];
  line: string;
}

/** A section: its name and how to read up to `limit` rows after `after` (null: from the start), in key order. */
export interface Section {
  name: string;
  read(after: SectionKey | null, limit: number): Promise<SectionRow[]>;
}

/** Where a reader stands: page number, section index, last key read. */
export interface SectionCursor {
  page: number;
  section: number;
  after: SectionKey | null;
}

/** One page: its number, section, records and the next cursor (undefined: the last page). */
export interface SectionPage {
  page: number;
  section: string;
  lines: string[];
  next?: string;
}

/** Parses a cursor (undefined: the first page). */
export function readSectionCursor(cursor: string | undefined): SectionCursor {
  if (cursor === undefined) return { page: 0, section: 0, after: null };
  const [page = '', section = '', ...rest] = cursor.split('|');
  const after = rest.join('|');
  let parsed: unknown = null;
  try {
    parsed = after ? JSON.parse(after) : null;
  } catch {
    throw badCursor();
  }
  const c = { page: Number(page), section: Number(section), after: parsed as SectionKey | null };
  if (!Number.isSafeInteger(c.page) || !Number.isSafeInteger(c.section) || c.page < 0 || c.section < 0 || (c.after !== null && !(Array.isArray(c.after) && c.after.every((k) => typeof k === 'string' || typeof k === 'number')))) throw badCursor();
  return c;
}

/** Writes a cursor. */
export function sectionCursor(c: SectionCursor): string {
  return `${c.page}|${c.section}|${c.after === null ? '' : JSON.stringify(c.after)}`;
}

/**
 * Reads the page at `cursor`: at most `limit` rows, and no more once `maxBytes` of JSON text
 * are gathered. An empty section gives an empty page (so the page numbers stay fixed).
 *
 * @example
 * const page = await readSectionPage([{ name: 'notes', read: (after, n) => readNotes(after, n) }], req.cursor, 500, 256 * 1024);
 */
export async function readSectionPage(sections: readonly Section[], cursor: string | undefined, limit: number, maxBytes: number): Promise<SectionPage> {
  const c = readSectionCursor(cursor);
  const section = sections[c.section];
  if (!section) throw badCursor();
  const rows = await section.read(c.after, limit + 1);
  const lines: string[] = [];
  let bytes = 0;
  let last: unknown[] | null = c.after;
  for (const row of rows.slice(0, limit)) {
    if (lines.length > 0 && bytes + row.line.length > maxBytes) break;
    lines.push(row.line);
    bytes += row.line.length;
    last = row.key;
  }
  const more = lines.length < rows.length;
  const page = { page: c.page, section: section.name, lines };
  if (more) return { ...page, next: sectionCursor({ page: c.page + 1, section: c.section, after: last as SectionKey | null }) };
  if (c.section + 1 < sections.length) return { ...page, next: sectionCursor({ page: c.page + 1, section: c.section + 1, after: null }) };
  return page;
}

const badCursor = () => new AppError('validation', 'kit.bad_cursor', 'The page cursor is not one this participant wrote');
