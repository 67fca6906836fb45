/**
 * The group's places on the Leaflet map: a dashed circle of the place's radius with its
 * name beside it, the selected one drawn bolder. The name is set as text (a place's name is
 * a member's words). A tap on a circle is handed over with its point (it selects the place,
or picks the point while one is being picked); the place list is the keyboard's way.
 */
import L from 'leaflet';
import type { Place } from '../../api/types.ts';
import type { LatLon } from '../../lib/geo.ts';

interface Drawn {
  circle: L.Circle;
  label: HTMLSpanElement;
  key: string;
}

/** The places' circles on one map. */
export class PlaceLayer {
  private readonly drawn = new Map<string, Drawn>();
  private readonly group = L.layerGroup();
  private readonly onTap: (placeId: string, at: LatLon) => void;

  constructor(map: L.Map, onTap: (placeId: string, at: LatLon) => void) {
    this.onTap = onTap;
    this.group.addTo(map);
  }

  /** Shows `places`; `selectedId` stands out; `hiddenId` is not drawn (it is being edited). */
  sync(places: Place[], selectedId: string | null, hiddenId: string | null): void {
    const seen = new Set<string>();
    for (const p of places) {
      if (p.id === hiddenId) continue;
      seen.add(p.id);
      const d = this.drawn.get(p.id) ?? this.add(p);
      const key = `${p.lat},${p.lon},${p.radius},${p.name},${p.id === selectedId}`;
      if (key === d.key) continue;
      d.key = key;
      d.circle.setLatLng([p.lat, p.lon]).setRadius(p.radius);
      d.circle.setStyle({ weight: p.id === selectedId ? 4 : 2 });
      d.label.textContent = p.name;
    }
    for (const [id, d] of this.drawn) {
      if (seen.has(id)) continue;
      this.group.removeLayer(d.circle);
      this.drawn.delete(id);
    }
  }

  private add(p: Place): Drawn {
    const circle = L.circle([p.lat, p.lon], { radius: p.radius, className: 'place-circle', dashArray: '6 6', weight: 2, fillOpacity: 0.08, bubblingMouseEvents: false });
    const label = document.createElement('span');
    circle.bindTooltip(label, { permanent: true, direction: 'center', className: 'place-label', interactive: false });
    circle.on('click', (e: L.LeafletMouseEvent) => this.onTap(p.id, { lat: e.latlng.lat, lon: e.latlng.lng }));
    this.group.addLayer(circle);
    const d: Drawn = { circle, label, key: '' };
    this.drawn.set(p.id, d);
    return d;
  }
}
