/**
 * The whole tree type-checks, and uses only TypeScript that Node, Bun and Deno can strip
 * (tsconfig's erasableSyntaxOnly: no enums, namespaces or parameter properties).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '..');

it('type-checks with tsc --noEmit', () => {
  const r = spawnSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], {
    encoding: 'utf8',
    cwd: root,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
