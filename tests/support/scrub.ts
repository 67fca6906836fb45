/**
 * Searches every file under a directory for given strings, byte by byte: what the erasure
 * tests use to show that nothing of a deleted person or group remains in the data
 * directory (databases, WAL files, event logs, anything else there). A string is looked for
 * as UTF-8 and, for databases that store text as UTF-16, as UTF-16LE.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One place a string was found. */
export interface Found {
  /** The file, relative to the searched directory. */
  file: string;
  needle: string;
  /** Byte offset of the first occurrence. */
  offset: number;
  encoding: 'utf8' | 'utf16le';
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue; // gone while we looked (a socket, a temporary file)
    if (st.isDirectory()) out.push(...files(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/**
 * Every file under `dir` holding any of `needles` (case-sensitive), with where; `except`
 * skips files whose relative path matches (say why in the test that uses it).
 *
 * @example
 * assert.deepEqual(findInFiles(data, [ann.email, 'Ann Lovelace']), []);
 */
export function findInFiles(dir: string, needles: readonly string[], o: { except?: RegExp } = {}): Found[] {
  const found: Found[] = [];
  for (const path of files(dir)) {
    const file = relative(dir, path);
    if (o.except?.test(file)) continue;
    const bytes = readFileSync(path);
    for (const needle of needles) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        const offset = bytes.indexOf(Buffer.from(needle, encoding));
        if (offset >= 0) found.push({ file, needle, offset, encoding });
      }
    }
  }
  return found;
}

/** A readable report of what `findInFiles` found (for an assertion's message). */
export function describeFound(found: readonly Found[]): string {
  return found.map((f) => `${f.file}: "${f.needle}" at byte ${f.offset} (${f.encoding})`).join('\n') || 'nothing';
}
