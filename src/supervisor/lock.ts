/**
 * One Hearth per data directory: `hearth serve` holds `<data>/hearth.lock` (its pid) while
 * it runs, so a second one — or an offline `hearth rebuild` — is refused instead of two
 * processes writing the same databases. A lock left by a process that no longer exists is
 * taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pid holding the data directory, or 0. */
export function lockHolder(data: string): number {
  try {
    const pid = Number(readFileSync(join(data, 'hearth.lock'), 'utf8').trim());
    if (!pid) return 0;
    process.kill(pid, 0); // throws if there is no such process
    return pid;
  } catch {
    return 0; // no lock file, or its process is gone
  }
}

/** Takes the lock; throws naming the holder when another live process has it. */
export function takeLock(data: string): () => void {
  const holder = lockHolder(data);
  if (holder && holder !== process.pid) {
    throw new Error(`Hearth is already running on ${data} (pid ${holder}); stop it first`);
  }
  const file = join(data, 'hearth.lock');
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}
