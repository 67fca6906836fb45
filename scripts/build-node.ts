/**
 * Compiles Hearth's TypeScript once into plain JavaScript for Node (`build/node/`), so that
 * `bin/hearth.js` — every Hearth process started from source under Node: `npm start`, the
 * supervisor's children, the tests' appliances — starts without the TypeScript loader.
 * tsx costs each process about 0.6 s of CPU to start (its loader thread and esbuild); a
 * Hearth is six processes, and a Raspberry Pi's core is several times slower than a PC's
 * (docs/benchmarks.md, "Starting from source").
 *
 *   node --import tsx scripts/build-node.ts      # or: npm run build:node
 *
 * `npm start` and `npm test` run it first (their `pre…` scripts); it takes about a second.
 * esbuild bundles `bin/hearth.ts` with code splitting (each command still loads only its
 * own code), npm packages included — Node then loads a few dozen modules instead of
 * several hundred, about a seventh less CPU for a start (docs/benchmarks.md) — except the
 * native libSQL addon and its loaders, which Node finds in node_modules. Next to the code it
 * writes `sources.json`: each of Hearth's source files it read, and npm's two lock files
 * (standing for the packages: every install rewrites them), with their sizes and
 * modification times. `bin/hearth.js` uses the compiled code only while every one of them
 * is unchanged, so an edited source file is never run stale: until the next build, Hearth
 * runs from source.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Builds into `build/node/`; returns how many source files went in. */
export async function buildNode(outDir = join(root, 'build', 'node')): Promise<number> {
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, 'bin', 'hearth.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages go into the chunks too (one module to load instead of hundreds), except
    // native addons and what loads them, which Node must find in node_modules.
    external: ['libsql', '@libsql/*', 'msgpackr-extract', 'esbuild', 'tsx', 'bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __hearthRequire } from 'node:module'; const require = __hearthRequire(import.meta.url);" },
    outdir: tmp,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        // The web app is built separately (scripts/build-web.ts) and loaded when the gateway starts.
        name: 'web-app-outside',
        setup(build) {
          build.onResolve({ filter: /build\/web\/bundle\.mjs$/ }, () => ({ path: '../web/bundle.mjs', external: true }));
        },
      },
    ],
  });
  const inputs: Record<string, [number, number]> = {};
  // npm packages stand for themselves through npm's lock files, which every install rewrites:
  // hundreds of files fewer for bin/hearth.js to check at every start.
  const ours = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  for (const file of [...ours, 'package-lock.json', 'node_modules/.package-lock.json'].filter((f) => existsSync(join(root, f)))) {
    const st = statSync(join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
  }
  writeFileSync(join(tmp, 'sources.json'), JSON.stringify({ inputs }));
  // Replaced whole: a process starting meanwhile finds no sources.json and runs from source.
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return Object.keys(inputs).length;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const started = performance.now();
  const n = await buildNode();
  console.log(`build-node: ${n} source files into build/node/ (${Math.round(performance.now() - started)} ms)`);
}
