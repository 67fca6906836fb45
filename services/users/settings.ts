/**
 * The part of Hearth's configuration the users service reads, checked with its own schema
 * (the host passes the whole configuration as `api.settings`). Missing keys take the same
 * defaults as config/defaults.json, so the service also runs with no settings at all.
 */
import * as v from 'valibot';
import { check } from '../../src/kit/index.ts';

const Registration = v.picklist(['open', 'invite-only', 'closed']);
/** Who may create an account (the first account always may, and becomes the instance admin). */
export type Registration = v.InferOutput<typeof Registration>;

const Schema = v.looseObject({
  public_url: v.optional(v.string(), ''),
  http: v.optional(v.string(), '127.0.0.1:8080'),
  users: v.optional(
    v.looseObject({
      registration: v.optional(Registration, 'invite-only'),
      access_token_ttl_s: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(3600)), 900),
      refresh_token_ttl_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 30),
    }),
    {},
  ),
});

/** The users service's settings, resolved. */
export interface UsersSettings {
  /** The `iss` of every access token: `public_url`, or `http://<http>` when that is empty; no trailing slash. */
  issuer: string;
  registration: Registration;
  accessTtlS: number;
  refreshTtlMs: number;
}

/**
 * Reads the users settings out of the host's configuration object.
 *
 * @example
 * readSettings({ public_url: '', http: '127.0.0.1:8080' }).issuer; // 'http://127.0.0.1:8080'
 */
export function readSettings(settings: unknown): UsersSettings {
  const s = check(Schema, settings ?? {}, 'users.bad_settings', 'users settings');
  const users = s.users as { registration: Registration; access_token_ttl_s: number; refresh_token_ttl_days: number };
  const base = s.public_url || `http://${s.http}`;
  return {
    issuer: base.replace(/\/+$/, ''),
    registration: users.registration,
    accessTtlS: users.access_token_ttl_s,
    refreshTtlMs: users.refresh_token_ttl_days * 86_400_000,
  };
}
