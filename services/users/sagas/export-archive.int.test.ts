/**
 * The export's archive writer on its own: 23 MiB of
 * parts become a ZIP while what the process holds (JavaScript heap and buffers after a
 * garbage collection, sampled throughout) grows by a fixed amount well below that — it
 * streams, it never holds the export — and the result unzips with every record once and in
 * order and one GPX track per group (tests/sagas/export-archive.ts checks GPX in full).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { unzipSync } from 'fflate';
import { writeArchive, type Part } from './export-archive.ts';

const PARTS = 128;
const LINES = 1000; // × ~190 bytes × 128 parts ≈ 23 MiB
/**
 * The most the writer may hold: measured about 10 MiB whatever the size (fflate's tables and
 * window, the code) — the same for 6 MiB of parts as for 46 MiB — where a writer that kept
 * the export would hold more than the 23 MiB of parts.
 */
const BOUND = 16 * 2 ** 20;
// What the process still holds (garbage collected first): what a writer that buffered the export would keep.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const live = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('the export archive writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-export-archive-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams 23 MiB of parts into a ZIP with memory bounded well below that, and the ZIP parses', async (t) => {
    const parts: Part[] = [];
    let bytes = 0;
    for (let p = 0; p < PARTS; p++) {
      const groupId = p < PARTS / 2 ? 'group-a' : 'group-b';
      const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify({ groupId, n: p * LINES + i, at: new Date(1.7e12 + (p * LINES + i) * 1000).toISOString(), lat: 52 + Math.random(), lon: 13 + Math.random(), altitude: null, note: Math.random().toString(36).repeat(4) }));
      const path = join(dir, `2-location-${String(p).padStart(6, '0')}-fixes.jsonl`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      bytes += Buffer.byteLength(lines.join('\n'));
      parts.push({ service: 'location', section: 'fixes', path });
    }
    const before = live();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, live())), 25);
    const file = join(dir, 'archive.zip');
    try {
      await writeArchive(file, parts, { groupNames: new Map([['group-a', 'Family & <Co>']]), createdAt: new Date().toISOString() });
    } finally {
      clearInterval(sampler);
    }
    t.diagnostic(`parts ${(bytes / 2 ** 20).toFixed(1)} MiB; live heap + buffers grew by at most ${((peak - before) / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(peak - before < BOUND && BOUND < bytes, `grew by ${((peak - before) / 2 ** 20).toFixed(1)} MiB for ${(bytes / 2 ** 20).toFixed(1)} MiB of parts`);

    const files = unzipSync(new Uint8Array(readFileSync(file)));
    const fixes = JSON.parse(new TextDecoder().decode(files['location/fixes.json'])) as { n: number }[];
    assert.equal(fixes.length, PARTS * LINES);
    assert.ok(fixes.every((f, i) => f.n === i), 'every record once, in order');
    const tracks = Object.keys(files).filter((n) => n.endsWith('.gpx'));
    assert.deepEqual(tracks.map((n) => new TextDecoder().decode(files[n]).split('<trkpt ').length - 1), [PARTS * LINES / 2, PARTS * LINES / 2]);
    assert.match(new TextDecoder().decode(files[tracks[0]!]), /<name>Family &amp; &lt;Co&gt;<\/name>/);
    assert.ok('README.txt' in files);
  });
});
