/**
 * The backup directory (`backup.dir`): what is in it, and the one place that reads,
 * writes and removes its files. Next to each backup lies a small record, `<name>.json`:
 * when it was verified and the manifest's summary (so the list does not read or decrypt
 * every archive), or why it failed. A backup's name always passes `parseName` before a
 * path is made of it, and the path is checked to be directly inside the directory.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { backups } from '../../contracts/index.ts';
import { AppError } from '../../kit/index.ts';
import { isPartial, parseName, type NameInfo } from './names.ts';

/** What `<name>.json` holds. */
export type BackupRecord =
  | { status: 'verified'; verifiedAt: string; manifest: backups.BackupList['backups'][number]['manifest'] }
  | { status: 'failed'; at: string; error: string };

const notFound = (name: string) => new AppError('not_found', 'backup.not_found', `No backup named ${name}`);

/**
 * One backup directory.
 *
 * @example
 * const dir = new BackupDirectory('/mnt/usb/hearth');
 * const list = await dir.list(); // newest first
 */
export class BackupDirectory {
  readonly path: string;

  constructor(path: string) {
    this.path = resolve(path);
  }

  /** Creates the directory (private, like the data directory) if it is not there. */
  async ensure(): Promise<void> {
    await mkdir(this.path, { recursive: true, mode: 0o700 });
  }

  /** The path of a backup (or its record); throws `backup.not_found` for anything that is not a backup's name. */
  file(name: string, suffix = ''): string {
    if (!parseName(name) || basename(name) !== name) throw notFound(name);
    const path = join(this.path, name + suffix);
    if (dirname(path) !== this.path) throw notFound(name); // cannot happen past parseName; kept as the last word
    return path;
  }

  /** The names in the directory that are backups (good and failed), read. */
  async names(): Promise<NameInfo[]> {
    let files: string[];
    try {
      files = await readdir(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // no backup yet
      throw err;
    }
    return files.map(parseName).filter((n): n is NameInfo => n !== undefined);
  }

  /** Every backup with its size and record, newest first. */
  async list(): Promise<backups.Backup[]> {
    const names = (await this.names()).sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1));
    const out: backups.Backup[] = [];
    for (const n of names) {
      const size = await stat(this.file(n.name)).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
      if (size === undefined) continue; // removed meanwhile, or not a file
      const record = await this.record(n.name);
      const status = n.failed ? 'failed' : record?.status === 'verified' ? 'verified' : 'unverified';
      out.push({
        name: n.name,
        createdAt: n.at.toISOString(),
        bytes: size,
        encrypted: n.encrypted,
        status,
        verifiedAt: record?.status === 'verified' ? record.verifiedAt : null,
        error: n.failed ? (record?.status === 'failed' ? record.error : 'verification failed') : null,
        manifest: record?.status === 'verified' ? record.manifest : null,
      });
    }
    return out;
  }

  /** The record of a backup, if it has a readable one. */
  async record(name: string): Promise<BackupRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(name, '.json'), 'utf8')) as BackupRecord;
    } catch {
      return undefined; // none (a backup copied in by hand) or unreadable: listed as unverified
    }
  }

  /** Writes a backup's record. */
  async writeRecord(name: string, record: BackupRecord): Promise<void> {
    await writeFile(this.file(name, '.json'), JSON.stringify(record) + '\n', { mode: 0o600 });
  }

  /** Moves a file written in this directory to a backup's name. */
  async rename(from: string, name: string): Promise<void> {
    await rename(from, this.file(name));
  }

  /** Removes a backup and its record. */
  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
    await rm(this.file(name, '.json'), { force: true });
  }

  /** True when a backup of this name, failed or not, exists. */
  async taken(name: string): Promise<boolean> {
    const files = new Set(await readdir(this.path).catch(() => [] as string[]));
    return files.has(name) || files.has(`${name}.failed`) || files.has(`.${name}.partial`);
  }

  /**
   * Cleans what a stopped or killed Hearth left: files still being written (`.partial`)
   * and records whose backup is gone. Returns what it removed.
   */
  async tidy(): Promise<string[]> {
    const files = await readdir(this.path).catch(() => [] as string[]);
    const present = new Set(files);
    const stale = files.filter((f) => isPartial(f) || (f.endsWith('.json') && parseName(f.slice(0, -5)) && !present.has(f.slice(0, -5))));
    for (const f of stale) await rm(join(this.path, f), { recursive: true, force: true });
    return stale;
  }

  /** Removes the hidden files and directories a backup of this name was being written or verified in. */
  async removeTemporaries(name: string): Promise<void> {
    const files = await readdir(this.path).catch(() => [] as string[]);
    for (const f of files) if (isPartial(f) && f.includes(name)) await rm(join(this.path, f), { recursive: true, force: true });
  }

  /** Reads up to `length` bytes of a listed backup from `offset`, and the file's size. */
  async read(name: string, offset: number, length: number): Promise<{ data: Uint8Array<ArrayBuffer>; size: number }> {
    const fh = await open(this.file(name), 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? notFound(name) : err;
    });
    try {
      const { size } = await fh.stat();
      const want = Math.max(0, Math.min(length, size - offset));
      const data = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(data, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return { data: data.subarray(0, got), size };
    } finally {
      await fh.close();
    }
  }
}
