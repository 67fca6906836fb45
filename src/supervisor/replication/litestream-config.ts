/**
 * Litestream's configuration (v0.3.13, cmd/litestream/main.go: `Config`, `DBConfig`,
 * `ReplicaConfig`), written from `replication.*`: one entry per service database
 * (`<data>/<service>.db`), each replicated to `<replication.url>/<service>`. Every scalar
 * is written as a JSON string, which YAML reads as the same double-quoted string, so no
 * path or bucket name can break out of its line. The S3 secret never goes into the file:
 * Litestream reads the credentials from its environment (`litestreamEnv`).
 *
 * A `file:` replica is written as `type: file` + `path` and an `s3:` one as `type: s3` +
 * `bucket` + `path`, rather than as Litestream's own `url:`, whose parsing re-escapes
 * `file:` paths (a space would become `%20`) and guesses endpoints from host names.
 */
import { fileURLToPath } from 'node:url';
import type { ReplicationConfig } from '../../config/index.ts';

/** Where replicas go: a directory, or a bucket and a key prefix. */
export type ReplicaTarget = { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** A replication URL that cannot be used (the message says why). */
export class ReplicationError extends Error {
  override name = 'ReplicationError';
}

/**
 * `file:///mnt/nas/hearth` → the directory; `s3://bucket/some/prefix` → bucket and prefix.
 *
 * @example
 * replicaTarget('s3://family/hearth'); // { kind: 's3', bucket: 'family', prefix: 'hearth' }
 */
export function replicaTarget(url: string): ReplicaTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ReplicationError(`the replica URL "${url}" is not a URL (file:///absolute/path or s3://bucket/prefix)`);
  }
  if (u.protocol === 'file:') {
    if (u.host && u.host !== 'localhost') throw new ReplicationError(`the replica URL "${url}" names a host; a file: URL is a path on this machine (file:///mnt/nas/hearth)`);
    return { kind: 'file', dir: fileURLToPath(u).replace(/\/+$/, '') || '/' };
  }
  if (u.protocol === 's3:') {
    if (!u.hostname) throw new ReplicationError(`the replica URL "${url}" has no bucket (s3://bucket/prefix)`);
    const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
    return { kind: 's3', bucket: u.hostname, prefix };
  }
  throw new ReplicationError(`the replica URL "${url}" is neither file: nor s3:`);
}

/** Where one service's replica lives under a target, for messages (`s3://b/p/chat`, `/mnt/nas/hearth/chat`). */
export function replicaName(target: ReplicaTarget, service: string): string {
  return target.kind === 'file' ? `${target.dir}/${service}` : `s3://${target.bucket}/${target.prefix ? `${target.prefix}/` : ''}${service}`;
}

/** One database to replicate: the service's name and its file. */
export interface ReplicatedDb {
  service: string;
  path: string;
}

/**
 * The configuration file's text.
 *
 * @example
 * litestreamYaml({ replication: config.replication, url: config.replication.url,
 *   dbs: [{ service: 'chat', path: '/srv/hearth/data/chat.db' }], addr: '127.0.0.1:41234' });
 */
export function litestreamYaml(o: { replication: ReplicationConfig; url: string; dbs: readonly ReplicatedDb[]; addr?: string; logLevel?: string }): string {
  const target = replicaTarget(o.url);
  const r = o.replication;
  const q = (s: string) => JSON.stringify(s);
  const lines = ['# Written by Hearth from replication.* at every start (docs/operations.md). Secrets are not here: see the environment.'];
  if (o.addr) lines.push(`addr: ${q(o.addr)}`);
  lines.push('logging:', '  type: "json"', `  level: ${q(o.logLevel === 'debug' ? 'debug' : 'info')}`, 'dbs:');
  for (const db of o.dbs) {
    lines.push(
      `  - path: ${q(db.path)}`,
      // How often Litestream copies new WAL frames aside; never slower than shipping them.
      `    monitor-interval: ${q(`${Math.min(1000, r.sync_interval_ms)}ms`)}`,
      '    replicas:',
    );
    if (target.kind === 'file') {
      lines.push('      - type: "file"', `        path: ${q(`${target.dir}/${db.service}`)}`);
    } else {
      lines.push('      - type: "s3"', `        bucket: ${q(target.bucket)}`, `        path: ${q(target.prefix ? `${target.prefix}/${db.service}` : db.service)}`);
      if (r.s3.endpoint) lines.push(`        endpoint: ${q(r.s3.endpoint)}`);
      if (r.s3.region) lines.push(`        region: ${q(r.s3.region)}`);
      // Unset, Litestream uses path style whenever an endpoint is given (main.go: forcePathStyle := endpoint != "").
      if (r.s3.force_path_style) lines.push('        force-path-style: true');
      if (r.s3.skip_verify) lines.push('        skip-verify: true');
    }
    lines.push(
      `        sync-interval: ${q(`${r.sync_interval_ms}ms`)}`,
      `        snapshot-interval: ${q(`${r.snapshot_interval_ms}ms`)}`,
      `        retention: ${q(`${r.retention_ms}ms`)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Variables passed on to Litestream from Hearth's environment: the system's, proxies, TLS, and S3 credentials. */
const PASSED = /^(PATH|HOME|TMPDIR|TZ|LANG|LC_ALL|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|AWS_[A-Z0-9_]+|LITESTREAM_[A-Z0-9_]+)$/;

/**
 * Litestream's environment: only what it needs from Hearth's (not the `HEARTH_*` variables,
 * which may hold other secrets), plus the configured S3 credentials. They are set under both
 * names: Litestream copies `LITESTREAM_*` to `AWS_*` only when `AWS_*` is unset
 * (main.go: applyLitestreamEnv), so an `AWS_ACCESS_KEY_ID` inherited from the shell would
 * otherwise win over the configuration.
 */
export function litestreamEnv(parent: NodeJS.ProcessEnv, replication: ReplicationConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined && PASSED.test(k)) env[k] = v;
  const { access_key_id: id, secret_access_key: secret } = replication.s3;
  if (id) env.LITESTREAM_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID = id;
  if (secret) env.LITESTREAM_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY = secret;
  return env;
}
