/**
 * The export's archive: a ZIP (every phone and desktop opens one without an app), written
 * by streaming with npm `fflate` — each part file is read, added and flushed to disk before
 * the next, so memory stays near one page whatever the export's size. Its entries: a README,
 * one JSON array per (service, section), and one GPX 1.1 track per group from the fixes.
 */
import { open, readFile } from 'node:fs/promises';
import { Zip, ZipDeflate } from 'fflate';
import { readme } from './export-readme.ts';

/** One part on disk: which service and section it belongs to, and its file. */
export interface Part {
  service: string;
  section: string;
  path: string;
}

const enc = new TextEncoder();

/** Writes the archive of `parts` (in order) to `file`; returns the entries written. */
export async function writeArchive(file: string, parts: readonly Part[], o: { groupNames: ReadonlyMap<string, string>; createdAt: string }): Promise<string[]> {
  const out = await open(file, 'w', 0o600);
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else pending.push(chunk);
  });
  const flush = async () => {
    if (failure) throw failure;
    for (const c of pending.splice(0)) await out.write(c);
  };
  const entries: string[] = [];
  const entry = async (name: string, fill: (push: (text: string) => Promise<void>) => Promise<void>) => {
    const e = new ZipDeflate(name, { level: 6 });
    zip.add(e);
    entries.push(name);
    await fill(async (text) => {
      e.push(enc.encode(text), false);
      await flush();
    });
    e.push(new Uint8Array(0), true);
    await flush();
  };
  try {
    await entry('README.txt', (push) => push(readme(o.createdAt)));
    // One JSON array per (service, section): the parts are in order, a section's parts together.
    for (const [name, group] of bySection(parts)) {
      await entry(name, async (push) => {
        await push('[');
        let first = true;
        for (const p of group) {
          for (const line of await lines(p.path)) {
            await push(`${first ? '\n' : ',\n'}${line}`);
            first = false;
          }
        }
        await push(first ? ']\n' : '\n]\n');
      });
    }
    await writeTracks(parts.filter((p) => p.service === 'location' && p.section === 'fixes'), o.groupNames, entry);
    zip.end();
    await flush();
  } finally {
    await out.close();
  }
  return entries;
}

/** The parts grouped by archive entry (`location/fixes.json`), in order. */
function bySection(parts: readonly Part[]): Map<string, Part[]> {
  const m = new Map<string, Part[]>();
  for (const p of parts) {
    const name = `${p.service}/${p.section}.json`;
    m.set(name, [...(m.get(name) ?? []), p]);
  }
  return m;
}

async function lines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text === '' ? [] : text.split('\n').filter((l) => l !== '');
}

type Fix = { groupId: string; at: string; lat: number; lon: number; altitude: number | null };
type EntryFn = (name: string, fill: (push: (text: string) => Promise<void>) => Promise<void>) => Promise<void>;

/** One GPX track per group: the fixes come ordered by group, then time. */
async function writeTracks(parts: readonly Part[], groupNames: ReadonlyMap<string, string>, entry: EntryFn): Promise<void> {
  let i = 0;
  let carry: Fix | undefined; // the first fix of the next group, read while finishing the last
  const fixes = async function* (): AsyncGenerator<Fix> {
    for (const p of parts) for (const l of await lines(p.path)) yield JSON.parse(l) as Fix;
  };
  const it = fixes();
  carry = (await it.next()).value as Fix | undefined;
  while (carry) {
    const groupId = carry.groupId;
    await entry(`location/tracks/track-${++i}-${safe(groupId)}.gpx`, async (push) => {
      const name = xml(`${groupNames.get(groupId) ?? groupId}`);
      await push(`<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Hearth" xmlns="http://www.topografix.com/GPX/1/1">\n  <metadata><name>${name}</name></metadata>\n  <trk><name>${name}</name><trkseg>\n`);
      while (carry && carry.groupId === groupId) {
        const ele = carry.altitude !== null && Number.isFinite(carry.altitude) ? `<ele>${decimal(carry.altitude, 2)}</ele>` : '';
        await push(`    <trkpt lat="${decimal(carry.lat, 7)}" lon="${decimal(carry.lon, 7)}">${ele}<time>${new Date(carry.at).toISOString()}</time></trkpt>\n`);
        carry = (await it.next()).value as Fix | undefined;
      }
      await push('  </trkseg></trk>\n</gpx>\n');
    });
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '_');

/** xsd:decimal has no exponent form: rounded, trailing zeros trimmed. */
function decimal(n: number, digits: number): string {
  const s = n.toFixed(digits).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text safe in XML (as location's GPX export does it: the boundary keeps users from importing location). */
const xml = (t: string) => t.replace(XML_INVALID, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
