/**
 * A QR code drawn as SVG from uqr's module matrix: one `<rect>` per run of dark modules in
 * a row (a few hundred at most), dark on a white square whatever the theme, since phone
 * cameras read dark-on-light best. Built with JSX, never as markup text.
 */
import { encode } from 'uqr';

/** The QR code of `text`, an image named `label`. */
export function QrCode({ text, label, size = 220 }: { text: string; label: string; size?: number }) {
  const { data } = encode(text, { ecc: 'M', border: 2 });
  const n = data.length;
  const runs: Array<[x: number, y: number, w: number]> = [];
  data.forEach((row, y) => {
    for (let x = 0; x < n; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < n && row[x + 1]) x++;
      runs.push([start, y, x - start + 1]);
    }
  });
  return (
    <svg class="qr-code" role="img" aria-label={label} viewBox={`0 0 ${n} ${n}`} width={size} height={size} shape-rendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      {runs.map(([x, y, w]) => (
        <rect key={`${x},${y}`} x={x} y={y} width={w} height={1} fill="#000" />
      ))}
    </svg>
  );
}
