/**
 * How a configuration key is declared, once: what it allows (a valibot schema whose
 * message says so in words), its default, and one line for docs/configuration.md. A
 * section groups keys; `named` is a section per name (`services.<name>`). Everything else
 * — the schema the configuration file is checked with, config/defaults.json, the docs'
 * rows, and what a service reads out of `api.settings` — is derived from these
 * (derive.ts, read.ts).
 */
import * as v from 'valibot';

/** One key. */
export interface Setting<T = unknown> {
  readonly kind: 'setting';
  /** What the key allows; its message is the words an error report quotes (rules.ts). */
  readonly schema: v.GenericSchema<unknown, T>;
  readonly default: T;
  /** One line for docs/configuration.md (Markdown). */
  readonly doc: string;
}

/** A section: keys and sections, in the order the docs list them. */
export interface Section<E extends Entries = Entries> {
  readonly kind: 'section';
  readonly entries: E;
}

/** A section per name (`services.<name>`): none by default; a listed one takes the declared defaults. */
export interface Named<E extends Entries = Entries> {
  readonly kind: 'named';
  /** What a name may be. */
  readonly name: v.GenericSchema<string, string>;
  readonly of: Section<E>;
  /** What the whole map is, in the words an error report quotes. */
  readonly allowed: string;
}

/** Anything a section holds. */
export type Entry = Setting | Section | Named;
/** The entries of a section, by key. */
export interface Entries {
  readonly [key: string]: Entry;
}

/** The values a section's declaration describes (what a reader or the loader gets). */
export type Values<E extends Entries> = { -readonly [K in keyof E]: ValueOf<E[K]> };
/** The values of a section: `ValuesOf<typeof location>` is `{ offline_grace_s: number; … }`. */
export type ValuesOf<S extends Section> = S extends Section<infer E> ? Values<E> : never;
type ValueOf<X> = X extends Setting<infer T> ? T
  : X extends Section<infer F> ? Values<F>
  : X extends Named<infer F> ? Record<string, Values<F>>
  : never;

/**
 * Declares a key. Throws at once when the default is one the schema refuses, so a
 * declaration cannot disagree with itself.
 *
 * @example
 * const retention_days = setting(int(1, 3650), 30, 'fixes older than this are erased, hourly');
 */
export function setting<T>(schema: v.GenericSchema<unknown, T>, dflt: NoInfer<T>, doc: string): Setting<T> {
  const r = v.safeParse(schema, dflt);
  if (!r.success) throw new Error(`the default ${JSON.stringify(dflt)} is not ${r.issues[0].message}`);
  return { kind: 'setting', schema, default: dflt, doc };
}

/**
 * Declares a section.
 *
 * @example
 * const location = section({ retention_days: setting(int(1, 3650), 30, 'fixes older than this are erased') });
 */
export function section<const E extends Entries>(entries: E): Section<E> {
  return { kind: 'section', entries };
}

/**
 * Declares a section per name, each with `of`'s keys and defaults.
 *
 * @example
 * const services = named(v.string(), section({ enabled: setting(bool, true, 'whether it runs') }), 'services by name');
 */
export function named<const E extends Entries>(name: v.GenericSchema<string, string>, of: Section<E>, allowed: string): Named<E> {
  return { kind: 'named', name, of, allowed };
}
