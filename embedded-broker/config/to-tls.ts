/**
 * A `tls` block, top level or inside `websocket` (opts.go parseTLS at v2.9.10). The
 * broker implements a server certificate, a CA for client certificates, `verify` and the
 * handshake `timeout`. The keys that narrow who may connect or how (cipher and curve
 * lists, pinned certificates, certificate-to-user mapping, Windows certificate stores)
 * stop the start instead of being ignored: running without them would accept clients the
 * file means to refuse.
 */
import { DEFAULT_TLS_TIMEOUT } from '../server/options.ts';
import type { TlsOptions } from '../server/options.ts';
import { isUsedAsVariable } from './conf-meta.ts';
import { asBool, asDurationString, asMap, asString, confError, describe, field } from './conf-values.ts';
import type { Field, ReadContext } from './conf-values.ts';

/** Keys nats-server 2.9 takes in a tls block that this broker refuses, and why. */
const REFUSED: Record<string, string> = {
  verify_and_map: 'verify_and_map (client certificates mapped to users)',
  verify_cert_and_check_known_urls: 'verify_cert_and_check_known_urls',
  cipher_suites: 'cipher_suites (this broker uses the runtime\'s default ciphers)',
  curve_preferences: 'curve_preferences (this broker uses the runtime\'s default curves)',
  pinned_certs: 'pinned_certs',
  cert_store: 'cert_store',
  cert_match_by: 'cert_match_by',
  cert_match: 'cert_match',
  ocsp_peer: 'ocsp_peer',
  handshake_first: 'handshake_first (TLS before INFO)',
};

/** Used only by routes and gateways, which this broker does not have. */
const IGNORED = new Set(['insecure']);

/** Reads a tls map into options. Throws a ConfError naming the key on anything it cannot honour. */
export function toTls(f: Field, v: unknown, ctx: ReadContext): TlsOptions {
  const m = asMap(f, v);
  let certFile: string | undefined;
  let keyFile: string | undefined;
  let caFile: string | undefined;
  let verify = false;
  let timeout = 0;
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    const k = key.toLowerCase();
    if (k === 'cert_file') certFile = asString(kf, m[key]);
    else if (k === 'key_file') keyFile = asString(kf, m[key]);
    else if (k === 'ca_file') caFile = asString(kf, m[key]);
    else if (k === 'verify') verify = asBool(kf, m[key]);
    else if (k === 'timeout') timeout = timeoutMs(kf, m[key]);
    else if (REFUSED[k]) throw confError(kf, `tls ${REFUSED[k]} is not supported by this broker; use nats-server for it`);
    else if (IGNORED.has(k)) ctx.ignored.push(kf.path);
    else if (!isUsedAsVariable(m, key)) throw confError(kf, `error parsing tls config, unknown field "${key}"`);
  }
  // nats-server's messages (opts.go parseTLS).
  if (certFile === undefined) throw confError(f, 'missing \'cert_file\' in TLS configuration');
  if (keyFile === undefined) throw confError(f, 'missing \'key_file\' in TLS configuration');
  return { certFile, keyFile, ...(caFile !== undefined ? { caFile } : {}), verify, timeout: timeout > 0 ? timeout : DEFAULT_TLS_TIMEOUT };
}

/** Seconds (whole or fractional) or a duration string, as nats-server reads tls.timeout. */
function timeoutMs(f: Field, v: unknown): number {
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string') return asDurationString(f, v);
  throw confError(f, `error parsing tls config, 'timeout' wrong type: ${describe(v)}`);
}
