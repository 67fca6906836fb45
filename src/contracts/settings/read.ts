/**
 * How a service reads its settings: the host hands it the whole configuration as
 * `api.settings`; the service names the declarations it reads and gets their values,
 * checked by the same schemas the configuration was loaded with, missing keys defaulted
 * (so a service also runs with no settings at all, as in unit tests).
 */
import { check } from '../../kit/index.ts';
import type { Entries, Values } from './declare.ts';
import { section } from './declare.ts';
import { readerSchema } from './derive.ts';

/**
 * The values of `entries` (top-level keys and sections of the configuration) in
 * `settings`. Throws a validation AppError with `code` when a value breaks its declaration.
 *
 * @example
 * const s = readSettings({ location }, api.settings, 'location.bad_settings', 'location settings');
 * s.location.retention_days; // 30 unless configured
 */
export function readSettings<const E extends Entries>(entries: E, settings: unknown, code: string, what: string): Values<E> {
  return check(readerSchema(section(entries)), settings ?? {}, code, what);
}
