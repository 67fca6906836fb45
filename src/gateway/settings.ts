/**
 * The part of Hearth's configuration the gateway reads (the host passes the whole
 * configuration as `api.settings`), through the declarations in src/contracts/settings:
 * the ranges the configuration is loaded with, and its defaults, so the gateway also runs
 * with no settings at all (tests).
 */
import { join } from 'node:path';
import { settings } from '../contracts/index.ts';

const READS = {
  http: settings.http,
  public_url: settings.public_url,
  gateway: settings.gateway,
  // The users service signs tokens for this long; the gateway refuses longer-lived ones.
  users: settings.section({ access_token_ttl_s: settings.users.entries.access_token_ttl_s }),
  web: settings.web,
  https: settings.https,
  oidc: settings.oidc,
};

/** The gateway's settings, resolved. */
export interface GatewaySettings {
  host: string;
  /** 0: any free port (the bound one is reported as `url`). */
  port: number;
  /** `public_url`, or `https://<https.address>` (HTTPS on) or `http://<http>` when that is empty; no trailing slash. Also the tokens' `iss`. */
  publicUrl: string;
  trustedProxies: readonly string[];
  /** `'*'`, or the exact origins allowed (empty: CORS off). */
  corsOrigins: '*' | readonly string[];
  maxBodyBytes: number;
  authRatePerMinute: number;
  userRatePerMinute: number;
  ipRatePerMinute: number;
  /** `gateway.owntracks_device_rate_per_minute`: posts per (user, device) to `/v1/owntracks`. */
  owntracksDeviceRatePerMinute: number;
  idempotencyHours: number;
  streamBuffer: number;
  /** `gateway.max_streams_per_user`: live streams (WebSocket + SSE) one user may hold; a new one ends the oldest. */
  maxStreamsPerUser: number;
  /** `users.access_token_ttl_s`: the longest lifetime an access token may have (plus the clock tolerance). */
  accessTokenTtlS: number;
  /** `web.tile_url`: the map's tile URL template (`{z}`, `{x}`, `{y}`, `{s}`); "" for no map tiles. */
  tileUrl: string;
  /** `web.tile_attribution`: the tiles' credit, plain text. */
  tileAttribution: string;
  /** `web.app_dir`: a web app build to serve instead of the built-in one ("" for the built-in). */
  appDir: string;
  /** The `https` section when `https.address` is set (HTTPS on); undefined otherwise. */
  https?: HttpsSettings;
  /** `oidc.providers`: the external OpenID providers people may sign in with, by name (docs/identity.md). */
  oidcProviders: readonly OidcProvider[];
}

/** One `oidc.providers.<name>`, resolved. */
export interface OidcProvider {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  label: string;
}

/** `https`, resolved (docs/https.md). */
export interface HttpsSettings {
  host: string;
  /** 0: any free port (the bound one is reported as `https_url`). */
  port: number;
  certFile: string;
  keyFile: string;
  /** Plain HTTP answers 308 to HTTPS (but /healthz, /readyz, /.well-known/acme-challenge/). */
  redirect: boolean;
  /** 0: no `Strict-Transport-Security`. */
  hstsMaxAge: number;
  checkEveryS: number;
  /** Set when `https.domain` is: the certificate comes over ACME, not from `certFile`/`keyFile`. */
  acme?: AcmeSettings;
  /** Where the redirect sends to: `public_url`'s origin when that is an https URL, else the request's host on the HTTPS port. */
  redirectOrigin?: string;
}

/** `https.domain` and `https.acme_*`, resolved. */
export interface AcmeSettings {
  domain: string;
  /** `""`: no contact. */
  email: string;
  directory: string;
  /** `""`: the usual CAs only. */
  caFile: string;
  checkEveryS: number;
  /** Where the account key, the certificate and its key are kept (`<data>/https`). */
  dir: string;
}

/** The data directory (`data`, which src/config declares): `./data` when the host passed none (tests). */
function dataDirOf(raw: unknown): string {
  const d = (raw as { data?: unknown } | undefined)?.data;
  return typeof d === 'string' && d !== '' ? d : './data';
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * Reads the gateway's settings out of the host's configuration object.
 *
 * @example
 * readSettings({ http: '127.0.0.1:0' }).port; // 0
 */
export function readSettings(raw: unknown): GatewaySettings {
  const s = settings.readSettings(READS, raw, 'gateway.bad_settings', 'gateway settings');
  const g = s.gateway;
  const { host, port } = settings.parseHostPort(s.http);
  const cors = list(g.cors_origins);
  const t = s.https;
  const https: HttpsSettings | undefined = t.address
    ? {
        ...settings.parseHostPort(t.address),
        certFile: t.cert_file,
        keyFile: t.key_file,
        redirect: t.redirect,
        hstsMaxAge: t.hsts_max_age,
        checkEveryS: t.check_every_s,
        ...(t.domain
          ? { acme: { domain: t.domain.toLowerCase(), email: t.acme_email, directory: t.acme_directory, caFile: t.acme_ca_file, checkEveryS: t.acme_check_every_s, dir: join(dataDirOf(raw), 'https') } }
          : {}),
        ...(s.public_url.startsWith('https:') ? { redirectOrigin: new URL(s.public_url).origin } : {}),
      }
    : undefined;
  return {
    host,
    port,
    publicUrl: settings.publicUrlOf(s),
    trustedProxies: list(g.trusted_proxies).map(normalizeIp),
    corsOrigins: cors.includes('*') ? '*' : cors,
    maxBodyBytes: g.max_body_bytes,
    authRatePerMinute: g.auth_rate_per_minute,
    userRatePerMinute: g.user_rate_per_minute,
    ipRatePerMinute: g.ip_rate_per_minute,
    owntracksDeviceRatePerMinute: g.owntracks_device_rate_per_minute,
    idempotencyHours: g.idempotency_hours,
    streamBuffer: g.stream_buffer,
    maxStreamsPerUser: g.max_streams_per_user,
    accessTokenTtlS: s.users.access_token_ttl_s,
    tileUrl: s.web.tile_url,
    tileAttribution: s.web.tile_attribution,
    appDir: s.web.app_dir,
    ...(https ? { https } : {}),
    oidcProviders: Object.entries(s.oidc.providers).map(([name, p]) => ({
      name,
      issuer: p.issuer,
      clientId: p.client_id,
      clientSecret: p.client_secret,
      scopes: p.scopes,
      label: p.label || `Sign in with ${name}`,
    })),
  };
}

/** An IP address as compared everywhere in the gateway: IPv4-mapped IPv6 unwrapped, lower-case. */
export function normalizeIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
