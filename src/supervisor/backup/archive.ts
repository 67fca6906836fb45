/**
 * The archive on disk: a tar file (`manifest.json` first, then one `<service>.db` per
 * database), gzip-compressed, and optionally encrypted with a passphrase in the age
 * format (age-encryption.org/v1, scrypt recipient) — standard formats, so the owner can
 * also open a backup without Hearth: `age -d backup.tar.gz.age | tar -xz`.
 *
 * Writing streams everything (no database is held in memory); reading sniffs what the
 * file is (age, gzip, plain tar), checks the manifest before writing anything out, and
 * checks each database's size and SHA-256 as it is extracted.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip, createGzip } from 'node:zlib';
import type Tar from 'tar-stream';
import { BackupError } from './errors.ts';
import { MANIFEST_NAME, parseManifest, type BackupManifest } from './manifest.ts';

// age-encryption (with its post-quantum and curve libraries) and tar-stream are loaded when an
// archive is written or read, not with the supervisor: `hearth serve` imports this folder for
// its backup schedule, and loading them cost every start a tenth of a second or more of CPU
// (docs/benchmarks.md, "Start and idle memory").
const age = () => import('age-encryption');
const tarStream = async () => (await import('tar-stream')).default;

/** How every age file begins. */
const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** gzip level: 6 is zlib's default, the usual balance of time and size. */
const GZIP_LEVEL = 6;
/**
 * scrypt's work factor for the passphrase (N = 2^16: 64 MiB and about a second of CPU).
 * age's own default is 2^18, which costs 256 MiB — here, in JavaScript, the process grew by
 * ~450 MiB — too much beside Hearth on a 1 GB Raspberry Pi, where scheduled backups run.
 * A strong passphrase matters far more than the factor (docs/operations.md says so); any
 * age implementation decrypts either.
 */
const SCRYPT_LOG_N = 16;

/** A database to put in the archive: its entry name and where it is now. */
export interface ArchiveFile {
  name: string;
  path: string;
  bytes: number;
}

/**
 * Writes `manifest` and `files` as one archive to the new file `out` (created 0600, never
 * overwritten), encrypted when `passphrase` is given, and flushed to disk.
 */
export async function writeArchive(out: string, manifest: BackupManifest, files: readonly ArchiveFile[], passphrase?: string): Promise<void> {
  const [tar, ageLib] = await Promise.all([tarStream(), passphrase ? age() : undefined]); // before any stream exists (readArchive says why)
  const pack = tar.pack();
  const feeding = (async () => {
    const mtime = new Date(manifest.created_at);
    await addEntry(pack, { name: MANIFEST_NAME, size: 0, mode: 0o600, mtime }, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    for (const f of files) await addEntry(pack, { name: f.name, size: f.bytes, mode: 0o600, mtime }, createReadStream(f.path));
    pack.finalize();
  })();
  let stream: Readable = through(Readable.from(pack), createGzip({ level: GZIP_LEVEL }));
  if (passphrase) {
    const e = new ageLib!.Encrypter();
    e.setScryptWorkFactor(SCRYPT_LOG_N);
    e.setPassphrase(passphrase);
    stream = Readable.fromWeb((await e.encrypt(Readable.toWeb(stream) as ReadableStream<Uint8Array>)) as WebReadableStream<Uint8Array>);
  }
  const sink = createWriteStream(out, { flags: 'wx', mode: 0o600, flush: true });
  await Promise.all([pipeline(stream, sink), feeding]);
}

/** Adds one entry to the tar stream, from a buffer or a file stream of the header's size. */
function addEntry(pack: Tar.Pack, header: Parameters<Tar.Pack['entry']>[0], body: Buffer | Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (Buffer.isBuffer(body)) {
      pack.entry({ ...header, size: body.length }, body, (err) => (err ? reject(err) : resolve()));
      return;
    }
    const entry = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    body.on('error', reject);
    body.pipe(entry as unknown as NodeJS.WritableStream);
  });
}

/** Whether the file at `path` is age-encrypted (throws a `missing` BackupError if it is not there). */
export function isEncrypted(path: string): boolean {
  return head(path, AGE_MAGIC.length).equals(AGE_MAGIC);
}

/**
 * Reads the archive `file` into the directory `into`: the manifest first (checked), then
 * each database it lists, as `<service>.db`, checked against its size and SHA-256. Throws a
 * BackupError saying what is wrong: no such file, not an archive, damaged, encrypted
 * without a passphrase or with the wrong one.
 */
export async function readArchive(file: string, into: string, passphrase?: string): Promise<BackupManifest> {
  const encrypted = isEncrypted(file); // first: it says so when there is no such file
  if (encrypted && !passphrase) throw new BackupError('passphrase', `${file} is encrypted: give its passphrase (--passphrase-file FILE, or backup.passphrase in the configuration)`);
  if (!encrypted && !head(file, GZIP_MAGIC.length).equals(GZIP_MAGIC) && !isTar(file)) {
    throw new BackupError('damaged', `${file} is not a Hearth backup (neither an age-encrypted, a gzip nor a tar file)`);
  }
  // Loaded before any stream exists: an await between making a stream and piping it would
  // leave a read error (a truncated gzip, say) with no listener, an uncaught exception.
  const [tar, ageLib] = await Promise.all([tarStream(), encrypted ? age() : undefined]);
  const raw = createReadStream(file);
  try {
    const source = encrypted ? await decrypt(ageLib!, raw, file, passphrase!) : raw;
    const [first, rest] = await peek(source, GZIP_MAGIC.length);
    return await extract(tar, first.equals(GZIP_MAGIC) ? through(rest, createGunzip()) : rest, file, into);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError('damaged', `${file} is damaged: ${(err as Error).message}`, { cause: err });
  } finally {
    raw.destroy();
  }
}

/** The plaintext of the age file `raw`; a wrong passphrase is said at once (the header is read first). */
async function decrypt(ageLib: Awaited<ReturnType<typeof age>>, raw: Readable, file: string, passphrase: string): Promise<Readable> {
  const d = new ageLib.Decrypter();
  d.addPassphrase(passphrase);
  try {
    return Readable.fromWeb((await d.decrypt(Readable.toWeb(raw) as ReadableStream<Uint8Array>)) as WebReadableStream<Uint8Array>);
  } catch (err) {
    const msg = (err as Error).message;
    if (/no identity matched/.test(msg)) throw new BackupError('passphrase', `${file}: wrong passphrase (the archive is encrypted with another one)`);
    throw new BackupError('damaged', `${file}: its encryption header is damaged (${msg})`, { cause: err });
  }
}

/** Untars `stream` into `into`, manifest first; checks every database against the manifest. */
async function extract(tar: typeof Tar, stream: Readable, file: string, into: string): Promise<BackupManifest> {
  const ex = tar.extract();
  const feeding = pipeline(stream, ex as unknown as NodeJS.WritableStream);
  feeding.catch(() => {}); // the same error reaches the loop below through `ex`
  let manifest: BackupManifest | undefined;
  const got = new Set<string>();
  for await (const entry of ex) {
    const name = entry.header.name;
    if (!manifest) {
      if (name !== MANIFEST_NAME) throw new BackupError('damaged', `${file} is not a Hearth backup (its first entry is ${JSON.stringify(name)}, not ${MANIFEST_NAME})`);
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), file);
      continue;
    }
    const db = manifest.databases.find((d) => d.file === name);
    if (!db || got.has(name)) throw new BackupError('damaged', `${file}: unexpected entry ${JSON.stringify(name)} (not in its manifest)`);
    got.add(name);
    const hash = createHash('sha256');
    let bytes = 0;
    const sink = createWriteStream(join(into, name), { flags: 'wx', mode: 0o600 });
    await pipeline(entry as unknown as Readable, async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        hash.update(c);
        bytes += c.length;
        yield c;
      }
    }, sink);
    const sha256 = hash.digest('hex');
    if (bytes !== db.bytes || sha256 !== db.sha256) {
      throw new BackupError('damaged', `${file}: ${name} does not match its checksum (${bytes} bytes, sha256 ${sha256.slice(0, 12)}…; the manifest says ${db.bytes} bytes, ${db.sha256.slice(0, 12)}…); the archive is damaged`);
    }
  }
  await feeding;
  if (!manifest) throw new BackupError('damaged', `${file} is empty or not a Hearth backup`);
  const missing = manifest.databases.filter((d) => !got.has(d.file)).map((d) => d.file);
  if (missing.length) throw new BackupError('damaged', `${file} is incomplete: ${missing.join(', ')} listed in its manifest but not in the archive`);
  return manifest;
}

/** `from` piped into `to`, an error of either ending `to`. */
function through(from: Readable, to: Transform): Transform {
  from.on('error', (err) => to.destroy(err));
  return from.pipe(to);
}

/** The first `n` bytes of a file (fewer if it is shorter). */
function head(path: string, n: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupError('missing', `${path}: no such file`);
    if (code === 'EISDIR') throw new BackupError('missing', `${path} is a directory, not a backup archive`);
    throw new BackupError('missing', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BackupError('missing', code === 'EISDIR' ? `${path} is a directory, not a backup archive` : `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/** Whether a file has a ustar header (the magic at offset 257). */
function isTar(path: string): boolean {
  return head(path, 262).subarray(257).toString('latin1') === 'ustar';
}

/** The first `n` bytes of a stream, and a stream of all of it (those bytes included). */
async function peek(stream: Readable, n: number): Promise<[Buffer, Readable]> {
  const it = stream[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const r = await it.next();
    if (r.done) break;
    const b = Buffer.from(r.value as Uint8Array);
    seen.push(b);
    size += b.length;
  }
  const all = Buffer.concat(seen);
  async function* chain() {
    yield all;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  return [all.subarray(0, n), Readable.from(chain())];
}
