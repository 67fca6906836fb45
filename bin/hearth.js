#!/usr/bin/env -S node --max-semi-space-size=2
// Node 20 cannot run TypeScript by itself. This shim runs Hearth's code compiled to
// JavaScript (build/node/, made by scripts/build-node.ts before `npm start` and `npm test`)
// while every source file it was compiled from is unchanged, and otherwise loads tsx and
// runs the TypeScript itself: an edited file is never run stale, only more slowly to start
// (tsx costs a process about 0.6 s of CPU). Plug-in services (`services.<name>.entry`) are
// TypeScript that imports the kit from source, so a configuration that names one runs from
// source too, and so does HEARTH_FROM_SOURCE=1. Stack traces of the compiled code name
// lines of build/node/ (readable: esbuild marks each source file); for TypeScript lines run
// `node --enable-source-maps bin/hearth.js …` (source maps cost each start ~0.1 s of CPU).
// Bun and Deno run bin/hearth.ts directly, and the compiled binary is built from it.
//
// --max-semi-space-size=2 (in the shebang and wherever we start Node) keeps V8's young
// generation small so that socket read buffers are collected promptly: with the default,
// a broker relaying bulk traffic holds tens of MiB of dead buffers between scavenges,
// memory a Raspberry Pi would rather give the services. It must be a command-line flag:
// set from inside the process it no longer changes the heap.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** True when build/node/ was compiled from exactly the source files there are now. */
function compiledIsCurrent() {
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('build/node/sources.json', root), 'utf8'));
    for (const [file, [mtimeMs, size]] of Object.entries(inputs)) {
      const st = statSync(new URL(file, root));
      if (st.mtimeMs !== mtimeMs || st.size !== size) return false;
    }
    return true;
  } catch {
    return false; // never built, or being rebuilt
  }
}

/** True when the configuration may name a plug-in service (a module file of its own). */
function mayHavePlugins(argv) {
  if (Object.keys(process.env).some((k) => /^HEARTH_SERVICES__.+__ENTRY$/i.test(k))) return true;
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return false;
  const file = argv[at].startsWith('--config=') ? argv[at].slice('--config='.length) : argv[at + 1];
  try {
    return /\bentry\s*[:=]|\binclude\b/.test(readFileSync(file, 'utf8'));
  } catch {
    return false; // the command itself says what is wrong with the file
  }
}

if (process.env.HEARTH_FROM_SOURCE !== '1' && !mayHavePlugins(process.argv.slice(2)) && compiledIsCurrent()) {
  await import(new URL('build/node/hearth.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./hearth.ts');
}
