/**
 * A member's track as a file: GPX 1.1 (for sports and mapping apps) and GeoJSON (RFC 7946,
 * for GIS tools and the web). Pure: the caller names the file and sets the content type.
 */
import type { location } from '../../../src/contracts/index.ts';

type TrackPoint = location.TrackPoint;

/** Characters XML 1.0 cannot carry at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/F). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** `text` safe inside an XML element or attribute: the five specials escaped, unrepresentable characters dropped. */
export function xmlEscape(text: string): string {
  return text.replace(XML_INVALID, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/**
 * A number as xsd:decimal, which has no exponent form (`String(1e-7)` would be `1e-7`):
 * rounded to `digits` places (7 for degrees ≈ 1 cm), trailing zeros trimmed.
 */
function decimal(n: number, digits: number): string {
  const s = n.toFixed(digits).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** An ISO time as GPX wants it, in UTC (`…Z`); null when it does not parse. */
function utc(iso: string): string | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * A GPX 1.1 document with one track of one segment. Per the GPX 1.1 schema a trkpt holds
 * `ele` then `time`; accuracy and speed have no GPX 1.1 element and are left out. The
 * metadata time is `createdAt` if given, else the first point's time (no clock is read here),
 * and is omitted when there is neither.
 *
 * @example
 * toGpx({ name: 'Sunday walk', points, createdAt: now.toISOString() });
 */
export function toGpx(track: { name: string; points: readonly TrackPoint[]; createdAt?: string }): string {
  const name = xmlEscape(track.name);
  const stamp = utc(track.createdAt ?? track.points[0]?.at ?? '');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="Hearth" xmlns="http://www.topografix.com/GPX/1/1">',
    `  <metadata><name>${name}</name>${stamp ? `<time>${stamp}</time>` : ''}</metadata>`,
    `  <trk><name>${name}</name><trkseg>`,
  ];
  for (const p of track.points) {
    const ele = p.altitude !== null && Number.isFinite(p.altitude) ? `<ele>${decimal(p.altitude, 2)}</ele>` : '';
    const time = utc(p.at);
    lines.push(`    <trkpt lat="${decimal(p.lat, 7)}" lon="${decimal(p.lon, 7)}">${ele}${time ? `<time>${time}</time>` : ''}</trkpt>`);
  }
  lines.push('  </trkseg></trk>', '</gpx>', '');
  return lines.join('\n');
}

/**
 * A GeoJSON (RFC 7946) FeatureCollection: no points → no features; one point → a Point;
 * more → a LineString. Positions are [lon, lat] — longitude first, as the RFC requires — or
 * [lon, lat, altitude] for every point when every point has an altitude (never mixed).
 * `properties.times`, `accuracies` and `speeds` run parallel to the coordinates.
 *
 * @example
 * JSON.parse(toGeoJson({ name: 'Sunday walk', userId, points })).features[0].geometry.type; // 'LineString'
 */
export function toGeoJson(track: { name: string; userId: string; points: readonly TrackPoint[] }): string {
  const { points } = track;
  if (points.length === 0) return JSON.stringify({ type: 'FeatureCollection', features: [] });
  const is3d = points.every((p) => p.altitude !== null && Number.isFinite(p.altitude));
  const coordinates = points.map((p) => (is3d ? [p.lon, p.lat, p.altitude as number] : [p.lon, p.lat]));
  const feature = {
    type: 'Feature',
    geometry: points.length === 1 ? { type: 'Point', coordinates: coordinates[0] } : { type: 'LineString', coordinates },
    properties: {
      name: track.name,
      userId: track.userId,
      times: points.map((p) => p.at),
      accuracies: points.map((p) => p.accuracy),
      speeds: points.map((p) => p.speed),
    },
  };
  return JSON.stringify({ type: 'FeatureCollection', features: [feature] });
}
