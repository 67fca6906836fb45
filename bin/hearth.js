#!/usr/bin/env node
// Node 20 cannot run TypeScript by itself, so this shim loads tsx and then the real CLI.
// Bun and Deno run bin/hearth.ts directly, and the compiled binary is built from it.
import { register } from 'tsx/esm/api';

register();
await import('./hearth.ts');
