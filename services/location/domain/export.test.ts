import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';

type TrackPoint = location.TrackPoint;
import { toGeoJson, toGpx, xmlEscape } from './export.ts';

const pt = (lat: number, lon: number, at: string, extra: Partial<TrackPoint> = {}): TrackPoint =>
  ({ lat, lon, at, accuracy: null, altitude: null, speed: null, ...extra });
const points = [
  pt(47.3769, 8.5417, '2030-06-01T08:00:00.000Z', { altitude: 408.5, accuracy: 5, speed: 1.2 }),
  pt(47.377, 8.542, '2030-06-01T10:00:05+02:00', { speed: 1.4 }),
  pt(-0.0000001, 179.9999999, '2030-06-01T08:00:10.000Z', { altitude: -3 }),
];

/**
 * A small well-formedness check: one root, tags balanced and properly nested, attributes
 * quoted, no raw `<` or stray `&` in text. Enough to catch an export that no parser reads.
 */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  for (let m; (m = token.exec(body)); ) {
    const [, close, name, , selfClose, text] = m;
    if (text !== undefined) {
      assert.ok(stack.length > 0 || text.trim() === '', `text outside the root: ${text}`);
      assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|apos);)/, `stray & in ${text}`);
    } else if (close) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name!);
    }
    if (token.lastIndex === body.length) break;
  }
  assert.equal(token.lastIndex, body.length, `unparseable at ${body.slice(token.lastIndex, token.lastIndex + 40)}`);
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
}

describe('toGpx', () => {
  it('writes a GPX 1.1 document: declaration, root, metadata, one track with one segment', () => {
    const gpx = toGpx({ name: 'Walk', points });
    assertWellFormed(gpx);
    assert.ok(gpx.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
    assert.match(gpx, /<gpx version="1\.1" creator="Hearth" xmlns="http:\/\/www\.topografix\.com\/GPX\/1\/1">/);
    assert.match(gpx, /<metadata><name>Walk<\/name><time>2030-06-01T08:00:00\.000Z<\/time><\/metadata>/);
    assert.equal(gpx.match(/<trk>/g)?.length, 1);
    assert.equal(gpx.match(/<trkseg>/g)?.length, 1);
    assert.match(gpx, /<trk><name>Walk<\/name><trkseg>/);
    assert.equal(gpx.match(/<trkpt /g)?.length, 3);
  });

  it('writes ele before time, only when there is an altitude, with times in UTC', () => {
    const trkpts = toGpx({ name: 'Walk', points }).match(/<trkpt .*<\/trkpt>/g)!;
    assert.equal(trkpts[0], '<trkpt lat="47.3769" lon="8.5417"><ele>408.5</ele><time>2030-06-01T08:00:00.000Z</time></trkpt>');
    assert.equal(trkpts[1], '<trkpt lat="47.377" lon="8.542"><time>2030-06-01T08:00:05.000Z</time></trkpt>');
    assert.equal(trkpts[2], '<trkpt lat="-0.0000001" lon="179.9999999"><ele>-3</ele><time>2030-06-01T08:00:10.000Z</time></trkpt>');
  });

  it('writes no speed or accuracy, which GPX 1.1 has no element for', () => {
    assert.doesNotMatch(toGpx({ name: 'Walk', points }), /speed|accuracy|extensions/);
  });

  it('escapes the name, in metadata and track alike', () => {
    const gpx = toGpx({ name: `Tom & "Jerry" <x> 'y'`, points });
    assertWellFormed(gpx);
    const escaped = 'Tom &amp; &quot;Jerry&quot; &lt;x&gt; &apos;y&apos;';
    assert.equal(gpx.split(`<name>${escaped}</name>`).length, 3);
    assert.doesNotMatch(gpx, /<x>/);
  });

  it('given an empty track, then a valid document with an empty segment and no metadata time', () => {
    const gpx = toGpx({ name: 'Nothing', points: [] });
    assertWellFormed(gpx);
    assert.match(gpx, /<trkseg>\s*<\/trkseg>/);
    assert.match(gpx, /<metadata><name>Nothing<\/name><\/metadata>/);
  });

  it('uses createdAt as the metadata time when given', () => {
    assert.match(toGpx({ name: 'W', points, createdAt: '2030-07-01T00:00:00Z' }), /<metadata><name>W<\/name><time>2030-07-01T00:00:00\.000Z<\/time>/);
  });
});

describe('xmlEscape', () => {
  it('escapes the five specials and drops characters XML 1.0 cannot hold', () => {
    assert.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
    assert.equal(xmlEscape('bell\u0007 tab\t nl\n lone\uD800 pair😀'), 'bell tab\t nl\n lone pair😀');
  });
});

describe('toGeoJson', () => {
  const parse = (track: { name: string; userId: string; points: readonly TrackPoint[] }) => JSON.parse(toGeoJson(track));

  it('gives a FeatureCollection with one LineString in [lon, lat] order', () => {
    const fc = parse({ name: 'Walk', userId: 'u1', points });
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, 1);
    const [f] = fc.features;
    assert.equal(f.type, 'Feature');
    assert.equal(f.geometry.type, 'LineString');
    // Not every point has an altitude, so none carries one.
    assert.deepEqual(f.geometry.coordinates, [[8.5417, 47.3769], [8.542, 47.377], [179.9999999, -0.0000001]]);
    assert.deepEqual(f.properties, {
      name: 'Walk',
      userId: 'u1',
      times: points.map((p) => p.at),
      accuracies: [5, null, null],
      speeds: [1.2, 1.4, null],
    });
  });

  it('adds the altitude as a third position element when every point has one', () => {
    const withAlt = points.map((p, i) => ({ ...p, altitude: 400 + i }));
    assert.deepEqual(parse({ name: 'W', userId: 'u', points: withAlt }).features[0].geometry.coordinates, [
      [8.5417, 47.3769, 400],
      [8.542, 47.377, 401],
      [179.9999999, -0.0000001, 402],
    ]);
  });

  it('given one point, then a Point feature', () => {
    const f = parse({ name: 'W', userId: 'u', points: [points[0]!] }).features[0];
    assert.deepEqual(f.geometry, { type: 'Point', coordinates: [8.5417, 47.3769, 408.5] });
    assert.deepEqual(f.properties.times, [points[0]!.at]);
  });

  it('given no points, then an empty FeatureCollection', () => {
    assert.deepEqual(parse({ name: 'W', userId: 'u', points: [] }), { type: 'FeatureCollection', features: [] });
  });

  it('round-trips a name with quotes and markup unchanged', () => {
    assert.equal(parse({ name: `Tom & "Jerry" <x>`, userId: 'u', points }).features[0].properties.name, `Tom & "Jerry" <x>`);
  });
});
