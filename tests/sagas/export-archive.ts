/**
 * Reading an export archive in the tests: every entry unzipped (npm fflate, as Hearth writes
 * it), each JSON file parsed, each GPX file checked well-formed by a small tag-balance reader
 * (a GPX has no DTD, entities or CDATA: its tags and attribute quotes are the whole structure).
 */
import assert from 'node:assert/strict';
import { unzipSync } from 'fflate';

/** What an archive holds: its entries' bytes, the JSON files parsed, and the GPX tracks' point counts. */
export interface Archive {
  names: string[];
  bytes: Map<string, Uint8Array>;
  json: Map<string, unknown[]>;
  gpxPoints: Map<string, number>;
}

/** Unzips and checks an archive. */
export function readArchive(zip: Uint8Array): Archive {
  const files = unzipSync(zip);
  const names = Object.keys(files);
  const bytes = new Map(Object.entries(files));
  const json = new Map<string, unknown[]>();
  const gpxPoints = new Map<string, number>();
  for (const [name, data] of bytes) {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    if (name.endsWith('.json')) {
      const parsed: unknown = JSON.parse(text);
      assert.ok(Array.isArray(parsed), `${name} is a JSON array`);
      json.set(name, parsed);
    } else if (name.endsWith('.gpx')) {
      gpxPoints.set(name, wellFormedGpx(name, text));
    }
  }
  return { names, bytes, json, gpxPoints };
}

/** Checks tags balance and the root is `gpx`; returns the number of `trkpt`s. */
function wellFormedGpx(name: string, text: string): number {
  assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<gpx version="1\.1"[^>]*xmlns="http:\/\/www\.topografix\.com\/GPX\/1\/1"/, `${name}: a GPX 1.1 document`);
  const body = text.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  let points = 0;
  let roots = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, tag, , selfClose] = m;
    if (close) assert.equal(stack.pop(), tag, `${name}: </${tag}> closes what it opened`);
    else {
      if (stack.length === 0) roots++;
      if (tag === 'trkpt') points++;
      if (!selfClose) stack.push(tag!);
    }
  }
  assert.deepEqual(stack, [], `${name}: every tag closed`);
  assert.equal(roots, 1, `${name}: one root`);
  assert.doesNotMatch(body.replace(/<[^>]*>/g, ''), /[<>]|&(?!(amp|lt|gt|quot|apos);)/, `${name}: text escaped`);
  return points;
}

/** Every entry's text, for searching secrets in. */
export function allText(a: Archive): string {
  return [...a.bytes.values()].map((b) => new TextDecoder().decode(b)).join('\n');
}
