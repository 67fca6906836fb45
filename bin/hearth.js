#!/usr/bin/env -S node --max-semi-space-size=2
// Node 20 cannot run TypeScript by itself, so this shim loads tsx and then the real CLI.
// Bun and Deno run bin/hearth.ts directly, and the compiled binary is built from it.
//
// --max-semi-space-size=2 (in the shebang and wherever we start Node) keeps V8's young
// generation small so that socket read buffers are collected promptly: with the default,
// a broker relaying bulk traffic holds tens of MiB of dead buffers between scavenges,
// memory a Raspberry Pi would rather give the services. It must be a command-line flag:
// set from inside the process it no longer changes the heap.
import { register } from 'tsx/esm/api';

register();
await import('./hearth.ts');
