/**
 * Where an export lives on disk: `<data>/exports/<sagaId>/` (0700) holds the parts while the
 * saga collects them (`parts/<n>-<step>-<page>-<section>.jsonl`, a name fixed by the step and
 * its cursor, so a page asked again after a crash overwrites its own file), then the archive
 * and `meta.json` (0600). The directory goes when the link expires and at the next export.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tx } from '../../../src/kit/index.ts';

/** What is known of a finished archive. */
export interface ExportMeta {
  sagaId: string;
  userId: string;
  fileName: string;
  size: number;
  createdAt: string;
  expiresAt: string;
}

/** The paths of one export. */
export function exportPaths(root: string, sagaId: string) {
  const dir = join(root, sagaId);
  return { dir, parts: join(dir, 'parts'), archive: join(dir, 'archive.zip'), meta: join(dir, 'meta.json') };
}

/** Stores one page's records as a part (overwriting the same page's earlier try). */
export async function writePart(root: string, sagaId: string, name: string, lines: readonly string[]): Promise<void> {
  const { parts } = exportPaths(root, sagaId);
  await mkdir(parts, { recursive: true, mode: 0o700 });
  await writeFile(join(parts, name), lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
}

/** The part files of an export, in order (their names sort as the saga stored them). */
export async function listParts(root: string, sagaId: string): Promise<{ name: string; path: string }[]> {
  const { parts } = exportPaths(root, sagaId);
  const names = await readdir(parts).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return names.filter((n) => n.endsWith('.jsonl')).sort().map((name) => ({ name, path: join(parts, name) }));
}

/** The archive's record, or undefined when there is none (yet, or any more). */
export async function readMeta(root: string, sagaId: string): Promise<ExportMeta | undefined> {
  try {
    return JSON.parse(await readFile(exportPaths(root, sagaId).meta, 'utf8')) as ExportMeta;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Records a finished archive (written whole, then renamed: a crash leaves the old state or the new). */
export async function writeMeta(root: string, meta: ExportMeta): Promise<void> {
  const { meta: file } = exportPaths(root, meta.sagaId);
  await writeFile(`${file}.tmp`, JSON.stringify(meta), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** Removes an export's directory (nothing there: nothing to do). */
export async function removeExport(root: string, sagaId: string): Promise<void> {
  await rm(exportPaths(root, sagaId).dir, { recursive: true, force: true });
}

/** The size of a file. */
export const sizeOf = async (path: string): Promise<number> => (await stat(path)).size;

/** The export directories present (saga ids). */
export async function listExports(root: string): Promise<string[]> {
  const names = await readdir(root).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return names.filter((n) => /^[0-9a-f-]{36}$/.test(n));
}

/**
 * Removes every export of `userId` (the archive holds their e-mail and name): for the
 * account's erasure, which must leave nothing of them in `<data>`.
 *
 * @example
 * await removeExportsOf(tx, d.settings.exportsDir, userId);
 */
export async function removeExportsOf(q: Pick<Tx, 'query'>, root: string, userId: string): Promise<number> {
  const rows = await q.query("SELECT id FROM kit_sagas WHERE type = 'export' AND key = ?", [`user:${userId}`]);
  for (const r of rows) await removeExport(root, String(r.id));
  return rows.length;
}
