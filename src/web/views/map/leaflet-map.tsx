/**
 * The Leaflet map itself: made once per mount and removed on unmount; the tiles from this
 * Hearth's tile URL (their failure noted, so the view can say so), the members and places
 * drawn from the view's signals — each signal change redraws only its layer, so a new fix
 * moves a marker and nothing else — the selected member's track, and the point being
 * picked (a tap on the map sets it). The first members seen are fitted into view.
 */
import { effect } from '@preact/signals';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { auth } from '../../api/session.ts';
import type { LatLon } from '../../lib/geo.ts';
import { instance } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { mapHandle, pick, selected, selectedPlace, shown, shownPlaces, tilesFailed, track } from './map-state.ts';
import { MemberLayer } from './member-layer.ts';
import { PlaceLayer } from './place-layer.ts';

/** Text for Leaflet's attribution (which it sets as HTML): the configured words, escaped. */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Sets the point being picked, if one is. */
function setPoint(p: LatLon): void {
  if (pick.value) pick.value = { ...pick.value, point: p };
}

/** The map; `onSelect` when a member's marker is pressed. */
export function LeafletMap({ onSelect }: { onSelect: (userId: string) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const el = box.current!;
    const map = L.map(el, { worldCopyJump: true }).setView([30, 0], 2);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    const members = new MemberLayer(map, (id) => select.current(id));
    const places = new PlaceLayer(map, (id, at) => (pick.peek() ? setPoint(at) : (selectedPlace.value = id)));
    const line = L.polyline([], { className: 'track-line', weight: 4, opacity: 0.85, interactive: false }).addTo(map);
    const preview = L.layerGroup().addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => setPoint({ lat: e.latlng.lat, lon: e.latlng.wrap().lng }));
    let fitted = false;

    const stops = [
      effect(() => {
        const url = instance.value?.web.tileUrl ?? '';
        tilesFailed.value = !url;
        if (!url) return;
        const tiles = L.tileLayer(url, { attribution: escape(instance.value?.web.tileAttribution ?? ''), maxZoom: 19 });
        tiles.on('tileerror', () => (tilesFailed.value = true));
        tiles.on('tileload', () => (tilesFailed.value = false));
        tiles.addTo(map);
        return () => void tiles.remove();
      }),
      effect(() => {
        members.sync(shown.value, selected.value, auth.value?.userId);
        const bounds = members.bounds();
        if (fitted || !bounds) return;
        fitted = true;
        if (!selected.peek()) map.fitBounds(bounds, { maxZoom: 15, padding: [48, 48], animate: false });
      }),
      effect(() => places.sync(shownPlaces.value, selectedPlace.value, pick.value?.kind === 'place' ? selectedPlace.value : null)),
      effect(() => {
        const tr = track.value;
        line.setLatLngs(tr && tr.userId === selected.value ? tr.points.map((p) => [p.lat, p.lon] as [number, number]) : []);
      }),
      effect(() => {
        const p = pick.value;
        el.classList.toggle('picking', !!p);
        preview.clearLayers();
        if (!p?.point) return;
        const at: [number, number] = [p.point.lat, p.point.lon];
        if (p.kind === 'place') preview.addLayer(L.circle(at, { radius: p.radius ?? 100, className: 'place-preview', weight: 2, interactive: false }));
        preview.addLayer(L.marker(at, { icon: L.divIcon({ className: 'pick-icon', iconSize: [24, 24], html: '' }), interactive: false, keyboard: false }));
      }),
    ];
    // "last seen 3 min ago" in the markers' names goes stale on its own.
    const tick = setInterval(() => members.sync(shown.peek(), selected.peek(), auth.peek()?.userId), 30_000);
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el);
    mapHandle.current = {
      centerOn: (p, zoom) => {
        fitted = true;
        map.setView([p.lat, p.lon], Math.max(map.getZoom(), zoom ?? 15));
      },
      centre: () => {
        const c = map.getCenter().wrap();
        return { lat: c.lat, lon: c.lng };
      },
    };
    return () => {
      for (const stop of stops) stop();
      clearInterval(tick);
      resize.disconnect();
      mapHandle.current = null;
      map.remove();
    };
  }, []);

  return <div ref={box} class="leaflet-box" role="group" aria-label={t.map.canvas} />;
}
