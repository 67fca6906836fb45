/**
 * The boundaries of docs/architecture.md, checked on every import: the broker is a
 * library on its own, services never import each other or the gateway, the gateway never
 * imports a service, and runtime-specific code stays in the broker's transport adapters.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  file: string;
  target: string;
}

function sources(dir: string): string[] {
  try {
    return readdirSync(join(root, dir), { recursive: true })
      .map((f) => join(dir, String(f)))
      .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f) && !f.includes('node_modules'));
  } catch {
    return []; // the folder does not exist yet
  }
}

function edges(dir: string): Edge[] {
  return sources(dir).flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2]!)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file, target: relative(root, resolve(root, dirname(file), spec)) }));
  });
}

const outside = (edge: Edge, allowed: string[]): boolean => !allowed.some((a) => edge.target.startsWith(a));

/** Whether every import of `edge.target` in `edge.file` is `import type` (erased from the browser's bundle). */
function typeOnly(edge: Edge): boolean {
  const text = readFileSync(join(root, edge.file), 'utf8');
  const lines = text.split('\n').filter((l) => /\sfrom\s+['"][^'"]*contracts\/index\.ts['"]/.test(l));
  return lines.length > 0 && lines.every((l) => /^\s*(import|export) type\s/.test(l));
}

describe('architecture', () => {
  it('keeps embedded-broker/ a library on its own', () => {
    const bad = edges('embedded-broker').filter((e) => outside(e, ['embedded-broker/']));
    assert.deepEqual(bad, []);
  });

  it('lets a service import only src/kit, src/contracts and itself', () => {
    for (const svc of ['users', 'location', 'chat', 'notifications']) {
      const bad = edges(`services/${svc}`).filter((e) => outside(e, [`services/${svc}/`, 'src/kit/', 'src/contracts/']));
      assert.deepEqual(bad, [], `services/${svc}`);
    }
  });

  it('keeps the gateway away from services and the supervisor', () => {
    const bad = edges('src/gateway').filter((e) => e.target.startsWith('services/') || e.target.startsWith('src/supervisor/'));
    assert.deepEqual(bad, []);
  });

  it('keeps src/kit free of internal imports', () => {
    const bad = edges('src/kit').filter((e) => outside(e, ['src/kit/']));
    assert.deepEqual(bad, []);
  });

  it('uses a folder through its index.ts from other folders', () => {
    const top = (p: string) => p.split('/').slice(0, p.startsWith('src/') || p.startsWith('services/') ? 2 : 1).join('/');
    const all = [...edges('bin'), ...edges('src'), ...edges('services')];
    // The gateway imports the web app's generated bundle (scripts/build-web.ts), not its sources.
    const generated = (e: Edge) => e.file === 'src/gateway/web/assets.ts' && e.target === 'build/web/bundle.mjs';
    const bad = all.filter((e) => top(e.file) !== top(e.target) && !e.target.endsWith('index.ts') && !generated(e));
    assert.deepEqual(bad, []);
  });

  it('keeps the web app to itself: it reaches the server over HTTP only, and takes types alone from src/contracts', () => {
    const bad = edges('src/web').filter((e) => outside(e, ['src/web/']) && !(e.target === 'src/contracts/index.ts' && typeOnly(e)));
    assert.deepEqual(bad, []);
    const intoWeb = [...edges('src'), ...edges('services'), ...edges('bin')].filter((e) => !e.file.startsWith('src/web/') && e.target.startsWith('src/web/'));
    assert.deepEqual(intoWeb, []);
  });

  it('reaches runtime-specific APIs (Deno, Bun) only from transport adapters', () => {
    const bad = [...sources('embedded-broker'), ...sources('src'), ...sources('services')].filter((f) => {
      if (f.includes('/transport/') || f.endsWith('.test.ts')) return false;
      return /\b(Deno|Bun)\.[a-z]/.test(readFileSync(join(root, f), 'utf8'));
    });
    assert.deepEqual(bad, []);
  });
});
