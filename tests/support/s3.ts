/**
 * An S3-compatible server on this machine for replication tests: npm `s3rver` (3.7.1), on an
 * ephemeral port, keeping its objects in a folder. Its credentials are its fixed ones
 * (`S3RVER` / `S3RVER`) and it checks request signatures.
 *
 * One correction, and why: s3rver's folder store answers a listing with a delimiter
 * (`ListObjects` with `Prefix: p/`, `Delimiter: /`) by walking the folders below the prefix,
 * and skips a folder lying below a common prefix before it has seen a key inside it, so a
 * common prefix whose objects are two or more levels down is never reported. Litestream
 * finds a replica's generations exactly so (s3/replica_client.go `Generations`: the
 * CommonPrefixes of `<path>/generations/`, whose objects are at
 * `generations/<g>/snapshots/…` and `generations/<g>/wal/…`), so under s3rver as published
 * every upload succeeds and every restore says "no matching backups found". Here such a
 * listing is made from the full listing below the prefix, folded at the delimiter as S3
 * does; everything else is s3rver's own.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

interface ListResult {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface Store {
  listObjects(bucket: string, o: { delimiter?: string; prefix?: string; startAfter?: string; maxKeys?: number }): Promise<ListResult>;
}
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: { closeAllConnections?(): void };
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (o: Record<string, unknown>) => S3rverServer;
const FilesystemStore = require('s3rver/lib/stores/filesystem') as { prototype: Store };

const list = FilesystemStore.prototype.listObjects;
let corrected = false;
function correctDelimiterListing(): void {
  if (corrected) return;
  corrected = true;
  FilesystemStore.prototype.listObjects = async function (this: Store, bucket, o) {
    const delimiter = o.delimiter ?? '';
    if (!delimiter) return list.call(this, bucket, o);
    const prefix = o.prefix ?? '';
    const all = await list.call(this, bucket, { ...o, delimiter: '', maxKeys: Infinity });
    const prefixes = new Set<string>();
    const objects = all.objects.filter((obj) => {
      const at = obj.key.indexOf(delimiter, prefix.length);
      if (at === -1) return true;
      prefixes.add(obj.key.slice(0, at + delimiter.length));
      return false;
    });
    return { objects, commonPrefixes: [...prefixes].sort(), isTruncated: false };
  };
}

/** A running S3-compatible server. */
export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver with one bucket, its objects under `dir`.
 *
 * @example
 * const s3 = await startS3(join(dir, 's3'));
 * // replication { url: "s3://family/hearth", s3 { endpoint: s3.endpoint, access_key_id: "S3RVER", secret_access_key: "S3RVER" } }
 */
export async function startS3(dir: string, bucket = 'family'): Promise<S3Server> {
  correctDelimiterListing();
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', stop: async () => {
    server.httpServer?.closeAllConnections?.(); // Litestream's keep-alive connections would hold close() open
    await server.close();
  } };
}
