/**
 * The part of Hearth's configuration the users service reads (the host passes the whole
 * configuration as `api.settings`), through the declarations in src/contracts/settings:
 * the ranges the configuration is loaded with, and its defaults, so the service also runs
 * with no settings at all.
 */
import { join } from 'node:path';
import { settings } from '../../src/contracts/index.ts';

/** Who may create an account (the first account always may, and becomes the instance admin). */
export type Registration = settings.ValuesOf<typeof settings.users>['registration'];

/** The users service's settings, resolved. */
export interface UsersSettings {
  /** The `iss` of every access token: `public_url`, or `http://<http>` when that is empty; no trailing slash. */
  issuer: string;
  registration: Registration;
  accessTtlS: number;
  refreshTtlMs: number;
  /** Milliseconds between asking to delete the account and the erasure (signing in within them cancels it). */
  deletionGraceMs: number;
  /** How long an export's download stays available (`users.export_link_hours`). */
  exportLinkMs: number;
  /** The most records an export asks a participant for at once (`users.export_page_rows`). */
  exportPageRows: number;
  /** Where exports are kept: `<data>/exports` (`data` is Hearth's data directory). */
  exportsDir: string;
  /** `oidc.link_by_email`: a first external sign-in with a verified e-mail may link to the account with that e-mail. */
  linkByEmail: boolean;
}

/**
 * Reads the users settings out of the host's configuration object.
 *
 * @example
 * readSettings({ public_url: '', http: '127.0.0.1:8080' }).issuer; // 'http://127.0.0.1:8080'
 */
export function readSettings(raw: unknown): UsersSettings {
  const s = settings.readSettings(
    { public_url: settings.public_url, http: settings.http, https: settings.section({ address: settings.https.entries.address }), users: settings.users, oidc: settings.section({ link_by_email: settings.oidc.entries.link_by_email }) },
    raw, 'users.bad_settings', 'users settings',
  );
  const { users } = s;
  return {
    issuer: settings.publicUrlOf(s),
    registration: users.registration,
    accessTtlS: users.access_token_ttl_s,
    refreshTtlMs: users.refresh_token_ttl_days * 86_400_000,
    deletionGraceMs: users.deletion_grace_s * 1000,
    exportLinkMs: users.export_link_hours * 3_600_000,
    exportPageRows: users.export_page_rows,
    exportsDir: join(dataDir(raw), 'exports'),
    linkByEmail: s.oidc.link_by_email,
  };
}

/** Hearth's data directory (`data`, declared in src/config; default ./data as there). */
function dataDir(raw: unknown): string {
  const data = raw !== null && typeof raw === 'object' ? (raw as { data?: unknown }).data : undefined;
  return typeof data === 'string' && data !== '' ? data : './data';
}
