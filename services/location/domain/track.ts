/**
 * Track arithmetic: how far a member went, and a track thinned for display. Pure, no I/O.
 */
import { AppError } from '../../../src/kit/index.ts';
import { distanceM, localProjection, type LatLon } from './geo.ts';

/** Below this a step is never counted, however good the fix claims to be (GPS wanders a few metres at rest). */
export const MIN_STEP_M = 5;

/**
 * The distance travelled along `points` (in order), in metres, with GPS jitter left out.
 *
 * Distance is measured from the last *counted* point. A point is skipped while it is closer
 * to that point than the two fixes' accuracies added up (their circles overlap, so both may
 * be the same spot), and never less than {@link MIN_STEP_M}; a missing accuracy counts as 0.
 * Adding both accuracies, not just the new one, matters: two noisy fixes of a phone at rest
 * can lie up to twice the accuracy apart. Once the member has moved further, the whole step
 * from the counted point is added, so slow walking is not lost, only the final stretch
 * shorter than the threshold. A phone lying still thus adds nothing however long it reports.
 *
 * @example
 * trackDistanceM([{ lat: 0, lon: 0 }, { lat: 0, lon: 0.001 }]); // ≈ 111
 */
export function trackDistanceM(points: readonly (LatLon & { readonly accuracy?: number | null })[]): number {
  if (points.length === 0) return 0;
  const accuracy = (p: { readonly accuracy?: number | null }) => (Number.isFinite(p.accuracy) ? (p.accuracy as number) : 0);
  let anchor = points[0]!;
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    const d = distanceM(anchor, p);
    if (d < Math.max(accuracy(anchor) + accuracy(p), MIN_STEP_M)) continue;
    total += d;
    anchor = p;
  }
  return total;
}

/**
 * At most `max` of `points` (max ≥ 2), in their order, always the first and the last,
 * chosen to keep the track's shape: Visvalingam–Whyatt, which repeatedly drops the point
 * whose triangle with its neighbours has the least area (in metres², see
 * `localProjection`), so corners survive and straight or jittery stretches thin out.
 * O(n log n) with a heap. Returns a new array; the elements are the caller's own objects.
 *
 * @example
 * downsample(track.points, 500);
 */
export function downsample<T extends LatLon>(points: readonly T[], max: number): T[] {
  if (!Number.isInteger(max) || max < 2) {
    throw new AppError('validation', 'location.bad_max_points', 'A downsampled track needs at least 2 points', { max });
  }
  const n = points.length;
  if (n <= max) return points.slice();

  const project = localProjection(points[0]!);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { x, y } = project(points[i]!);
    // A NaN area would never match its heap entry and the loop below would starve.
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new AppError('validation', 'location.bad_point', 'A track point has no valid position', { index: i });
    }
    xs[i] = x;
    ys[i] = y;
  }
  const prev = new Int32Array(n).map((_, i) => i - 1);
  const next = new Int32Array(n).map((_, i) => i + 1);
  const area = new Float64Array(n).fill(Infinity); // the endpoints are never dropped
  const gone = new Uint8Array(n);
  const triangle = (i: number) =>
    Math.abs((xs[prev[i]!]! - xs[i]!) * (ys[next[i]!]! - ys[i]!) - (xs[next[i]!]! - xs[i]!) * (ys[prev[i]!]! - ys[i]!)) / 2;

  const heap = new MinHeap(3 * n); // n-2 initial entries plus at most two per removal
  for (let i = 1; i < n - 1; i++) heap.push((area[i] = triangle(i)), i);

  for (let left = n; left > max; ) {
    const [a, i] = heap.pop();
    if (gone[i] || a !== area[i]) continue; // stale: the point went, or its area changed since
    gone[i] = 1;
    left--;
    const p = prev[i]!;
    const q = next[i]!;
    next[p] = q;
    prev[q] = p;
    // Visvalingam's rule: a neighbour's effective area never falls below that of a point
    // already dropped, so the order of removal follows significance.
    for (const j of [p, q]) if (j > 0 && j < n - 1) heap.push((area[j] = Math.max(triangle(j), a)), j);
  }
  const kept: T[] = [];
  for (let i = 0; i < n; i = next[i]!) kept.push(points[i]!);
  return kept;
}

/** A binary min-heap of (key, index) pairs in typed arrays; enough for `downsample`. */
class MinHeap {
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  private size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }
  push(key: number, id: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }
  /** The smallest pair; the caller never pops an empty heap (there is always a point left to drop). */
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.ids[0]!];
    const key = this.keys[--this.size]!;
    const id = this.ids[this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    return top;
  }
}
