/**
 * The boundaries of docs/architecture.md, checked on every import: the broker is a
 * library on its own, services never import each other or the gateway, the gateway never
 * imports a service, contracts stand on the kit alone, the supervisor starts services by
 * command, modules import each other without cycles, tests use folders' public faces, and
 * runtime-specific code stays in the broker's transport adapters.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..');
// `import … from`, `export … from` (group 1: `type`, erased before running; group 2: the
// specifier), a bare `import '…'` (3) and `import('…')` (4).
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  file: string;
  target: string;
  /** `import type` / `export type`: gone before the code runs. */
  typeOnly: boolean;
}

const texts = new Map<string, string>();
const read = (file: string): string => texts.get(file) ?? (texts.set(file, readFileSync(join(root, file), 'utf8')), texts.get(file)!);

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
  return sources(dir).flatMap((file) =>
    [...read(file).matchAll(IMPORT)]
      .map((m) => ({ spec: m[2] ?? m[3] ?? m[4]!, typeOnly: m[1] !== undefined }))
      .filter(({ spec }) => spec.startsWith('.'))
      .map(({ spec, typeOnly }) => ({ file, target: relative(root, resolve(root, dirname(file), spec)), typeOnly })),
  );
}

/** The bare (package) specifiers `dir` imports. */
function packages(dir: string): { file: string; spec: string }[] {
  return sources(dir).flatMap((file) =>
    [...read(file).matchAll(IMPORT)].map((m) => ({ file, spec: m[2] ?? m[3] ?? m[4]! })).filter(({ spec }) => !spec.startsWith('.')),
  );
}

/** The strongly connected components of more than one file (or a file importing itself): each is an import cycle. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative (a deep import chain must not overflow the stack).
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = graph.get(top.node) ?? [];
      if (top.i < out.length) {
        const to = out[top.i++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      if (component.length > 1 || out.includes(top.node)) found.push(component.sort());
    }
  }
  return found;
}

/**
 * What tests/ may import from inside src/ and services/ besides a folder's index.ts: white-box
 * tests of insides no public face offers. Each entry must still be in use (the list only
 * shrinks); reaching an inside anew means exporting it from the folder's index.ts instead.
 */
const TEST_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  // The data-directory lock, held from a second process on every runtime.
  'tests/platform/lock.test.ts': ['src/supervisor/lock.ts'],
  'tests/platform/lock-holder.ts': ['src/supervisor/lock.ts'],
};

const outside = (edge: Edge, allowed: string[]): boolean => !allowed.some((a) => edge.target.startsWith(a));

/** Whether every import of `edge.target` in `edge.file` is `import type` (erased from the browser's bundle). */
function typeOnly(edge: Edge): boolean {
  const text = read(edge.file);
  const lines = text.split('\n').filter((l) => /\sfrom\s+['"][^'"]*contracts\/index\.ts['"]/.test(l));
  return lines.length > 0 && lines.every((l) => /^\s*(import|export) type\s/.test(l));
}

/**
 * The one service skeleton (docs/architecture.md, *The service skeleton*): what may stand at
 * the top of a service's folder. Anything else is a concept of that service alone, listed
 * here with its reason.
 */
const SKELETON = new Set(['index.ts', 'main.ts', 'settings.ts', 'settings.test.ts', 'migrations.ts', 'deps.ts', 'domain', 'handlers', 'projections', 'consumers', 'store', 'sagas']);
const SERVICE_OWN: Readonly<Record<string, readonly string[]>> = {
  // Password hashing, signing keys and tokens: the users service's secrets.
  users: ['secrets'],
  // Journeys' and SOS' deadlines, and retention, run on timers; a member's phones (their
  // OwnTracks secret, the messages held for it, the commands waiting for them), kept outside the event log.
  location: ['timers.ts', 'phones'],
  // Delivery to ntfy and webhooks; how long inboxes keep what they hold; the stopped-reporting timer.
  notifications: ['forwarding', 'retention.ts', 'silence.ts'],
  chat: [],
};
/** What a pure domain may import besides itself, src/contracts and src/kit's values: nothing that does I/O. */
// jimp: decodes and encodes images in memory (users/domain/face.ts, the OwnTracks face); its file reading is never used.
// image-size: reads an image's declared size from its bytes (users/domain/image-size.ts); its file reading is never used.
const DOMAIN_PACKAGES = new Set(['valibot', 'node:buffer', 'node:crypto', 'jimp', 'image-size']);

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

  it('builds src/contracts on the kit alone (and valibot, its schema language)', () => {
    const bad = edges('src/contracts').filter((e) => outside(e, ['src/contracts/', 'src/kit/']));
    assert.deepEqual(bad, []);
    // Unit tests beside the code use node:test and node:assert; the contracts themselves do not.
    const foreign = packages('src/contracts').filter((p) => p.spec !== 'valibot' && !p.file.endsWith('.test.ts'));
    assert.deepEqual(foreign, []);
  });

  it('keeps the supervisor from importing a service (it starts them by command)', () => {
    const bad = edges('src/supervisor').filter((e) => e.target === 'services' || e.target.startsWith('services/'));
    assert.deepEqual(bad, []);
  });

  // Type-only imports are left out: they are erased before anything runs, so they cannot
  // make a module see another half-initialised; a server and its clients naming each
  // other's types (embedded-broker/server/) is no tangle.
  it('has no import cycles among modules (bin, src, services, embedded-broker)', () => {
    const graph = new Map<string, string[]>();
    for (const dir of ['bin', 'src', 'services', 'embedded-broker']) {
      for (const file of sources(dir)) graph.set(file, []);
      for (const e of edges(dir)) if (!e.typeOnly) graph.get(e.file)!.push(e.target);
    }
    assert.deepEqual(cycles(graph), []);
  });

  it('lets tests reach src/ and services/ through folders\' index.ts only (listed exceptions aside)', () => {
    const inside = edges('tests').filter((e) => /^(src|services)\//.test(e.target) && !e.target.endsWith('/index.ts'));
    const bad = inside.filter((e) => !TEST_EXCEPTIONS[e.file]?.includes(e.target));
    assert.deepEqual(bad.map((e) => `${e.file} -> ${e.target}`), []);
    const used = new Set(inside.map((e) => `${e.file} -> ${e.target}`));
    const stale = Object.entries(TEST_EXCEPTIONS).flatMap(([file, targets]) => targets.map((t) => `${file} -> ${t}`)).filter((x) => !used.has(x));
    assert.deepEqual(stale, [], 'no longer needed: remove from TEST_EXCEPTIONS');
  });

  it('gives every service the one skeleton (docs/architecture.md), its own concepts listed', () => {
    const services = readdirSync(join(root, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    assert.deepEqual(services.sort(), Object.keys(SERVICE_OWN).sort(), 'a new service: add it to SERVICE_OWN');
    for (const svc of services) {
      const entries = readdirSync(join(root, 'services', svc));
      const unknown = entries.filter((e) => !SKELETON.has(e) && !SERVICE_OWN[svc]!.includes(e));
      assert.deepEqual(unknown, [], `services/${svc}: not in the skeleton`);
      for (const must of ['index.ts', 'main.ts', 'migrations.ts', 'handlers']) assert.ok(entries.includes(must), `services/${svc} has no ${must}`);
      const stale = SERVICE_OWN[svc]!.filter((e) => !entries.includes(e));
      assert.deepEqual(stale, [], `services/${svc}: listed but gone`);
    }
  });

  it('keeps every domain/ pure: no store, handler, projection or consumer, no I/O', () => {
    const bad = edges('services')
      .filter((e) => /^services\/[^/]+\/domain\//.test(e.file) && !e.file.endsWith('.test.ts'))
      .filter((e) => /^services\/[^/]+\/(store|handlers|projections|consumers)\/|^services\/[^/]+\/(main|deps)\.ts$/.test(e.target));
    assert.deepEqual(bad, []);
    const io = packages('services').filter((p) => /^services\/[^/]+\/domain\//.test(p.file) && !p.file.endsWith('.test.ts') && !DOMAIN_PACKAGES.has(p.spec));
    assert.deepEqual(io, []);
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
      return /\b(Deno|Bun)\.[a-z]/.test(read(f));
    });
    assert.deepEqual(bad, []);
  });
});
