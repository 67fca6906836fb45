/**
 * Finding the part of the schema that governs a key path: used to give environment
 * strings their type and to list the keys a section knows when one is misspelt.
 */
import { ConfigSchema } from './schema.ts';

/** Just enough of a valibot schema to walk it. */
interface Node {
  type: string;
  entries?: Record<string, Node>;
  value?: Node;
  wrapped?: Node;
  /** What the schema allows, as rules.ts words it. */
  message?: unknown;
}

const unwrap = (s: Node): Node => (s.type === 'optional' && s.wrapped ? unwrap(s.wrapped) : s);

/** The schema for `path` (optional wrappers removed), or undefined for a path it lacks. */
export function schemaAt(path: readonly string[]): Node | undefined {
  let s: Node | undefined = unwrap(ConfigSchema as unknown as Node);
  for (const key of path) {
    if (s.type === 'strict_object') s = s.entries && Object.hasOwn(s.entries, key) ? s.entries[key] : undefined;
    else if (s.type === 'record') s = s.value;
    else s = undefined;
    if (!s) return undefined;
    s = unwrap(s);
  }
  return s;
}

/** The keys of the section at `path`, or undefined when `path` is not a fixed section. */
export function knownKeys(path: readonly string[]): string[] | undefined {
  const s = schemaAt(path);
  return s?.type === 'strict_object' && s.entries ? Object.keys(s.entries) : undefined;
}

/** Whether `path` holds a number, a boolean, text, or a section; undefined if unknown. */
export function kindAt(path: readonly string[]): 'number' | 'boolean' | 'string' | 'section' | undefined {
  const t = schemaAt(path)?.type;
  if (t === 'number' || t === 'boolean') return t;
  if (t === 'string' || t === 'picklist') return 'string';
  if (t === 'strict_object' || t === 'record') return 'section';
  return undefined;
}
