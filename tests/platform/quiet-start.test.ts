/**
 * A clean start is quiet: `hearth serve` on a fresh data directory, every service started
 * in whatever order the supervisor picks (consumers often before their producers), prints
 * no warning and no error from start to a clean stop.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { serveAppliance } from '../support/appliance.ts';

describe('a clean start', { timeout: 180_000 }, () => {
  it('prints no warning or error on a fresh data directory', async () => {
    const s = await serveAppliance('');
    try {
      await new Promise((r) => setTimeout(r, 3000)); // the consumers' first catch-ups, and a retry or two
    } finally {
      await s.hearth.stop('SIGTERM');
      rmSync(s.dir, { recursive: true, force: true });
    }
    const loud = s.hearth.output().split('\n').filter((l) => /"level":"(warn|error)"/.test(l) || /\b(WARN|ERROR)\b/.test(l));
    assert.deepEqual(loud, [], 'no warn or error lines');
  });
});
