/**
 * What follows from a declaration (declare.ts): the schemas the configuration is checked
 * and read with, the defaults, and one row per key for the docs.
 */
import * as v from 'valibot';
import type { Entries, Entry, Section, Setting, Values } from './declare.ts';

/** How a section's keys are checked. */
type Mode =
  /** The configuration file, merged over config/defaults.json: every key present, no other. */
  | 'file'
  /** A `named` section: unknown keys refused, missing ones take their defaults. */
  | 'defaulted'
  /** What a service reads out of `api.settings`: missing keys take their defaults, keys it does not use are ignored. */
  | 'reader';

function build(s: Section, mode: Mode): v.GenericSchema {
  const entries: v.ObjectEntries = {};
  for (const [key, e] of Object.entries(s.entries)) {
    const inner = entrySchema(e, mode);
    entries[key] = mode === 'file' ? inner : v.optional(inner, e.kind === 'setting' ? e.default : {});
  }
  if (mode === 'reader') return v.looseObject(entries);
  return v.strictObject(entries, `a section with the keys ${Object.keys(entries).join(', ')}`);
}

function entrySchema(e: Entry, mode: Mode): v.GenericSchema {
  if (e.kind === 'setting') return e.schema;
  if (e.kind === 'section') return build(e, mode);
  return v.record(e.name, build(e.of, mode === 'reader' ? 'reader' : 'defaulted'), e.allowed);
}

/**
 * The schema of a whole configuration (every key present, as after merging over the
 * defaults; no unknown key), typed by the declaration.
 *
 * @example
 * v.parse(fileSchema(section({ port: setting(int(1, 9), 1, 'the port') })), { port: 2 }); // { port: 2 }
 */
export function fileSchema<E extends Entries>(s: Section<E>): v.GenericSchema<unknown, Values<E>> {
  return build(s, 'file') as v.GenericSchema<unknown, Values<E>>;
}

/**
 * The schema a reader of `api.settings` checks with: a missing key or section takes its
 * default, keys outside the declaration are left alone.
 */
export function readerSchema<E extends Entries>(s: Section<E>): v.GenericSchema<unknown, Values<E>> {
  return build(s, 'reader') as v.GenericSchema<unknown, Values<E>>;
}

/**
 * Every key's default, as config/defaults.json holds them (a `named` section: none).
 *
 * @example
 * defaultsOf(section({ port: setting(int(1, 9), 1, 'the port') })); // { port: 1 }
 */
export function defaultsOf<E extends Entries>(s: Section<E>): Values<E> {
  const out: Record<string, unknown> = {};
  for (const [key, e] of Object.entries(s.entries)) {
    out[key] = e.kind === 'setting' ? e.default : e.kind === 'section' ? defaultsOf(e) : {};
  }
  return out as Values<E>;
}

/** One key of a declaration, for the docs: its path (`<name>` for a name of a `named` section). */
export interface SettingRow {
  path: string[];
  setting: Setting;
  /** What the key allows, in the words its schema's errors use. */
  allowed: string;
}

/**
 * Every key, depth first, in declaration order.
 *
 * @example
 * rowsOf(section({ port: setting(int(1, 9), 1, 'the port') }))[0].allowed; // 'an integer from 1 to 9'
 */
export function rowsOf(s: Section, path: string[] = []): SettingRow[] {
  return Object.entries(s.entries).flatMap(([key, e]): SettingRow[] => {
    const here = [...path, key];
    if (e.kind === 'setting') return [{ path: here, setting: e, allowed: String((e.schema as { message?: unknown }).message ?? '') }];
    if (e.kind === 'section') return rowsOf(e, here);
    return rowsOf(e.of, [...here, '<name>']);
  });
}
