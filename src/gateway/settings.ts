/**
 * The part of Hearth's configuration the gateway reads, checked with its own schema (the
 * host passes the whole configuration as `api.settings`). Missing keys take the defaults of
 * config/defaults.json, so the gateway also runs with no settings at all (tests).
 */
import * as v from 'valibot';
import { check } from '../kit/index.ts';
import { parseHostPort } from '../config/index.ts';

const int = (min: number, max: number, fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback);

const Schema = v.looseObject({
  http: v.optional(v.string(), '127.0.0.1:8080'),
  public_url: v.optional(v.string(), ''),
  gateway: v.optional(
    v.looseObject({
      trusted_proxies: v.optional(v.string(), ''),
      cors_origins: v.optional(v.string(), ''),
      max_body_bytes: int(1024, 16 * 1024 * 1024, 1_048_576),
      auth_rate_per_minute: int(1, 100_000, 10),
      user_rate_per_minute: int(1, 1_000_000, 600),
      ip_rate_per_minute: int(1, 1_000_000, 1200),
      idempotency_hours: int(1, 720, 24),
      stream_buffer: int(16, 100_000, 256),
      max_streams_per_user: int(1, 1000, 20),
    }),
    {},
  ),
  // The users service signs tokens for this long; the gateway refuses longer-lived ones.
  users: v.optional(v.looseObject({ access_token_ttl_s: int(60, 3600, 900) }), {}),
  // Checked as templates when the configuration loads (src/config); read here as given.
  web: v.optional(
    v.looseObject({
      tile_url: v.optional(v.string(), 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
      tile_attribution: v.optional(v.string(), '© OpenStreetMap contributors'),
      app_dir: v.optional(v.string(), ''),
    }),
    {},
  ),
});

/** The gateway's settings, resolved. */
export interface GatewaySettings {
  host: string;
  /** 0: any free port (the bound one is reported as `url`). */
  port: number;
  /** `public_url`, or `http://<http>` when that is empty; no trailing slash. Also the tokens' `iss`. */
  publicUrl: string;
  trustedProxies: readonly string[];
  /** `'*'`, or the exact origins allowed (empty: CORS off). */
  corsOrigins: '*' | readonly string[];
  maxBodyBytes: number;
  authRatePerMinute: number;
  userRatePerMinute: number;
  ipRatePerMinute: number;
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
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * Reads the gateway's settings out of the host's configuration object.
 *
 * @example
 * readSettings({ http: '127.0.0.1:0' }).port; // 0
 */
export function readSettings(settings: unknown): GatewaySettings {
  const s = check(Schema, settings ?? {}, 'gateway.bad_settings', 'gateway settings');
  const g = s.gateway as Record<string, number | string> & { trusted_proxies: string; cors_origins: string };
  const web = s.web as { tile_url: string; tile_attribution: string; app_dir: string };
  const { host, port } = parseHostPort(s.http);
  const cors = list(g.cors_origins);
  return {
    host,
    port,
    publicUrl: (s.public_url || `http://${s.http}`).replace(/\/+$/, ''),
    trustedProxies: list(g.trusted_proxies).map(normalizeIp),
    corsOrigins: cors.includes('*') ? '*' : cors,
    maxBodyBytes: Number(g.max_body_bytes),
    authRatePerMinute: Number(g.auth_rate_per_minute),
    userRatePerMinute: Number(g.user_rate_per_minute),
    ipRatePerMinute: Number(g.ip_rate_per_minute),
    idempotencyHours: Number(g.idempotency_hours),
    streamBuffer: Number(g.stream_buffer),
    maxStreamsPerUser: Number(g.max_streams_per_user),
    accessTokenTtlS: Number((s.users as { access_token_ttl_s: number }).access_token_ttl_s),
    tileUrl: web.tile_url,
    tileAttribution: web.tile_attribution,
    appDir: web.app_dir,
  };
}

/** An IP address as compared everywhere in the gateway: IPv4-mapped IPv6 unwrapped, lower-case. */
export function normalizeIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
