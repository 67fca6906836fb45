/**
 * Spherical geometry for the location service: distances on the Earth and a local planar
 * projection for shape work (downsampling). Pure, no I/O. The Earth is taken as a sphere of
 * the IUGG mean radius; against the WGS 84 ellipsoid that is off by at most ~0.5 %, which is
 * far below the noise of a phone's fix.
 */

/** Mean Earth radius in metres (IUGG R₁), used for every distance here. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Anything with a latitude and longitude in degrees. */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

const RAD = Math.PI / 180;

/** Wraps a longitude difference in degrees into −180…180, so a step across the antimeridian stays short. */
export function wrapLonDelta(deg: number): number {
  return deg - 360 * Math.round(deg / 360);
}

/**
 * The great-circle distance in metres between two positions (haversine formula, which stays
 * accurate for the short distances between consecutive fixes).
 *
 * @example
 * distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 1 }); // ≈ 111_195
 */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = wrapLonDelta(b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points; asin would then give NaN.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, h)));
}

/**
 * A projection to planar metres (x east, y north) around `origin`: the sinusoidal projection,
 * which is equal-area, so triangle areas compare fairly along a track that spans latitudes.
 * Shapes stay true near `origin`'s meridian; use it for one track, not the whole globe.
 */
export function localProjection(origin: LatLon): (p: LatLon) => { x: number; y: number } {
  return (p) => ({
    x: EARTH_RADIUS_M * wrapLonDelta(p.lon - origin.lon) * RAD * Math.cos(p.lat * RAD),
    y: EARTH_RADIUS_M * (p.lat - origin.lat) * RAD,
  });
}
