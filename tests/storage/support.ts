/**
 * Damage for the storage tests, done to a stopped Hearth's database files the way a broken
 * SD card or a stray write does it: bytes of a row's text overwritten (the structure stays
 * intact, only the value is no longer UTF-8 — what makes libSQL abort a reader), or the
 * header of a b-tree page overwritten with random bytes (what `PRAGMA quick_check` sees).
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_API } from '../support/config.ts';
import { sql } from '../support/database.ts';

/** Folds the WAL into the file, as a stopped Hearth leaves it after its last checkpoint. */
export async function checkpoint(file: string): Promise<void> {
  await sql(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
}

/** Offsets of every occurrence of `marker` in `file`. */
function find(file: string, marker: string): number[] {
  const bytes = readFileSync(file);
  const needle = Buffer.from(marker, 'utf8');
  const at: number[] = [];
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) at.push(i);
  if (!at.length) throw new Error(`"${marker}" is not in ${file}`);
  return at;
}

/** Overwrites four bytes in the middle of every copy of `marker` with bytes that are not UTF-8; returns how many copies. */
export function damageText(file: string, marker: string): number {
  const at = find(file, marker);
  const fd = openSync(file, 'r+');
  for (const i of at) writeSync(fd, Buffer.from([0xff, 0xfe, 0xc0, 0x80]), 0, 4, i + Math.floor(marker.length / 2) - 2);
  closeSync(fd);
  return at.length;
}

/** Overwrites the first 24 bytes of the page holding the first copy of `marker` (its b-tree header) with seeded random bytes. */
export function damagePage(file: string, marker: string, seed = 13): number {
  const fd = openSync(file, 'r+');
  const header = Buffer.alloc(2);
  readSync(fd, header, 0, 2, 16);
  const pageSize = header.readUInt16BE(0) === 1 ? 65536 : header.readUInt16BE(0);
  const page = Math.floor(find(file, marker)[0]! / pageSize);
  if (page === 0) throw new Error('the marker is on the first page; pick another');
  let x = seed;
  const noise = Buffer.from(Array.from({ length: 24 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
  noise[0] = 0x07; // not a page type SQLite knows, whatever the seed
  writeSync(fd, noise, 0, noise.length, page * pageSize);
  closeSync(fd);
  return page + 1;
}

/**
 * A configuration for the built-in services on a fixed HTTP port (so a test need not wait
 * for the banner, which waits for every service to be ready), open registration, quick
 * health polls. `dir` holds it; the data directory is `<dir>/data` unless `data` says.
 */
export function storageConfig(dir: string, port: number, data = join(dir, 'data')): { file: string; data: string; url: string } {
  const file = join(dir, 'hearth.conf');
  writeFileSync(
    file,
    `data: "${data}"
http: "127.0.0.1:${port}"
broker { port: -1, websocket { port: -1 } }
${OPEN_API}
supervisor { restart_initial_ms: 100, health_interval_ms: 200, ready_timeout_ms: 120000 }
kit { catchup_interval_ms: 500 }
log { format: "json" }
`,
  );
  return { file, data, url: `http://127.0.0.1:${port}` };
}
