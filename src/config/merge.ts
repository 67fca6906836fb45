/**
 * Layering: defaults, then the file, then the environment, then flags, each overriding
 * the one before key by key, remembering which layer set each key.
 */
import type { ConfigSource } from './source.ts';

/** A plain map of keys as read from one place. */
export type ConfigMap = Record<string, unknown>;

/** The values one place gives, and where within it each came from. */
export interface Layer {
  values: ConfigMap;
  /** The origin of the value at `path` (a path present in `values`). */
  origin(path: readonly string[]): ConfigSource;
}

/** The merged values and the origin of every key any layer set. */
export interface Merged {
  values: ConfigMap;
  sources: Map<string, ConfigSource>;
}

/** True for a map of keys (not a list, a date or null). */
export function isMap(v: unknown): v is ConfigMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Sets an own property, even one named `__proto__` (which `=` would not). */
export function define(map: ConfigMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The key under which `sources` records a path. */
export const pathKey = (path: readonly string[]): string => path.join('.');

/** Merges `layers` in order; later layers win. The inputs are not modified. */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const values: ConfigMap = {};
  const sources = new Map<string, ConfigSource>();
  for (const layer of layers) apply(values, layer.values, layer, [], sources);
  return { values, sources };
}

function apply(target: ConfigMap, over: ConfigMap, layer: Layer, path: string[], sources: Map<string, ConfigSource>): void {
  for (const [key, value] of Object.entries(over)) {
    const p = [...path, key];
    sources.set(pathKey(p), layer.origin(p));
    if (isMap(value)) {
      const current = Object.hasOwn(target, key) ? target[key] : undefined;
      // Maps in `target` were all created here, so filling them in place is safe.
      const next = isMap(current) ? current : {};
      define(target, key, next);
      apply(next, value, layer, p, sources);
    } else {
      define(target, key, value);
    }
  }
}

/**
 * Where the value at `path` came from: the layer that set it or, unless `exact`, the
 * nearest enclosing key a layer set (a key missing from a section a file added).
 */
export function sourceOf(sources: Map<string, ConfigSource>, path: readonly string[], exact = false): ConfigSource {
  for (let n = path.length; n > 0; n--) {
    const s = sources.get(pathKey(path.slice(0, n)));
    if (s) return s;
    if (exact) break;
  }
  return { kind: 'default' };
}
