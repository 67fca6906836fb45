/** What every integration test file shares: its time bound and a scratch directory. */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bound on each integration file's `describe` (the brief: under a minute per file). */
export const FILE_TIMEOUT = 60_000;

/** A fresh directory removed after the file's tests. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hearth-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
