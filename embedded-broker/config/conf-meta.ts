/**
 * Where each key of a parsed configuration came from, kept beside the plain objects that
 * `parseConf` returns so later checks can point at "broker.conf:3:7" without the parsed
 * values themselves carrying wrappers.
 */

/** A place in a configuration file; line and column count from 1. */
export interface ConfPosition {
  file: string;
  line: number;
  column: number;
}

/** A configuration problem, with the place it was found when known. */
export class ConfError extends Error {
  readonly position?: ConfPosition;
  /** The message without the position prefix. */
  readonly detail: string;

  constructor(detail: string, position?: ConfPosition, options?: { cause?: unknown }) {
    super(position ? `${formatPosition(position)}: ${detail}` : detail, options);
    this.name = 'ConfError';
    this.position = position;
    this.detail = detail;
  }
}

/** "file:line:column", the prefix nats-server puts on configuration errors. */
export function formatPosition(p: ConfPosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

interface KeyMeta {
  line: number;
  column: number;
  usedAsVariable: boolean;
}

interface MapMeta {
  file: string;
  keys: Map<string, KeyMeta>;
}

const META = new WeakMap<object, MapMeta>();

/** Records where `key` of `map` was written (the parser calls this). */
export function recordKey(map: object, file: string, key: string, line: number, column: number): void {
  let meta = META.get(map);
  if (!meta) {
    meta = { file, keys: new Map() };
    META.set(map, meta);
  }
  meta.keys.set(key, { line, column, usedAsVariable: false });
}

/** Marks `key` of `map` as referenced through `$key` (the parser calls this). */
export function markUsedAsVariable(map: object, key: string): void {
  const k = META.get(map)?.keys.get(key);
  if (k) k.usedAsVariable = true;
}

/** Where `key` of a parsed map was written, if that map came from `parseConf`. */
export function keyPosition(map: object, key: string): ConfPosition | undefined {
  const meta = META.get(map);
  const k = meta?.keys.get(key);
  return meta && k ? { file: meta.file, line: k.line, column: k.column } : undefined;
}

/**
 * Whether `key` was referenced as a variable elsewhere in the file. nats-server does not
 * report such keys as unknown fields: they exist only to be referenced (opts.go,
 * `tk.IsUsedVariable()`).
 */
export function isUsedAsVariable(map: object, key: string): boolean {
  return META.get(map)?.keys.get(key)?.usedAsVariable ?? false;
}
