/**
 * The members on the Leaflet map: for everyone with a position, a marker — a real
 * `<button>` with their initials on their colour, a sign for their state and a name in
 * words — and a circle for the fix's accuracy. `sync` moves what moved and redraws what
 * changed, so a new fix moves one marker and the map is never built again.
 */
import L from 'leaflet';
import type { MemberView } from '../../api/types.ts';
import { ago } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { hueOf, initials } from '../../ui/avatar.tsx';
import { SIGN, shownState, stateWords } from './member-status.ts';

interface Pin {
  marker: L.Marker;
  circle: L.Circle;
  button: HTMLButtonElement;
  key: string;
}

/** The members' markers and accuracy circles on one map. */
export class MemberLayer {
  private readonly pins = new Map<string, Pin>();
  private readonly group = L.layerGroup();
  private readonly onSelect: (userId: string) => void;

  constructor(map: L.Map, onSelect: (userId: string) => void) {
    this.onSelect = onSelect;
    this.group.addTo(map);
  }

  /** Shows `members` as they are now; `selectedId` stands out. */
  sync(members: MemberView[], selectedId: string | null, myId: string | undefined): void {
    const seen = new Set<string>();
    for (const m of members) {
      const fix = m.lastFix;
      if (!fix) continue;
      seen.add(m.userId);
      const pin = this.pins.get(m.userId) ?? this.add(m);
      const at = pin.marker.getLatLng();
      if (at.lat !== fix.lat || at.lng !== fix.lon) {
        pin.marker.setLatLng([fix.lat, fix.lon]);
        pin.circle.setLatLng([fix.lat, fix.lon]);
      }
      pin.circle.setRadius(fix.accuracy ?? 0);
      const name = m.userId === myId ? t.map.you(m.displayName) : m.displayName;
      const label = t.map.markerLabel(name, stateWords(m), t.time.lastSeen(ago(m.lastSeen ?? fix.fixAt)));
      const state = shownState(m);
      const key = `${label}|${state}|${m.userId === selectedId}|${m.displayName}`;
      if (key !== pin.key) this.draw(pin, m, label, state, m.userId === selectedId);
      pin.key = key;
    }
    for (const [id, pin] of this.pins) {
      if (seen.has(id)) continue;
      this.group.removeLayer(pin.marker).removeLayer(pin.circle);
      this.pins.delete(id);
    }
  }

  /** The area the markers cover, or null when there are none. */
  bounds(): L.LatLngBounds | null {
    const points = [...this.pins.values()].map((p) => p.marker.getLatLng());
    return points.length ? L.latLngBounds(points) : null;
  }

  private add(m: MemberView): Pin {
    const fix = m.lastFix!;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'pin';
    button.style.setProperty('--hue', String(hueOf(m.userId)));
    button.addEventListener('click', (e) => {
      e.stopPropagation(); // a marker is not a point picked on the map
      this.onSelect(m.userId);
    });
    const icon = L.divIcon({ html: button, className: 'pin-icon', iconSize: [44, 44], iconAnchor: [22, 22] });
    // keyboard:false: the inner <button> is the one focusable control (Leaflet would add another).
    const marker = L.marker([fix.lat, fix.lon], { icon, keyboard: false, interactive: false, riseOnHover: true });
    const circle = L.circle([fix.lat, fix.lon], { radius: fix.accuracy ?? 0, interactive: false, weight: 1, color: `hsl(${hueOf(m.userId)} 55% 42%)`, fillOpacity: 0.12 });
    this.group.addLayer(circle).addLayer(marker);
    const pin: Pin = { marker, circle, button, key: '' };
    this.pins.set(m.userId, pin);
    return pin;
  }

  private draw(pin: Pin, m: MemberView, label: string, state: string, isSelected: boolean): void {
    const b = pin.button;
    b.className = `pin pin-${state}${isSelected ? ' selected' : ''}`;
    b.setAttribute('aria-label', label);
    b.title = label;
    if (isSelected) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
    // Text only (textContent): a name is the member's own words, never markup.
    const letters = document.createElement('span');
    letters.className = 'pin-initials';
    letters.textContent = initials(m.displayName);
    const sign = SIGN[state as keyof typeof SIGN];
    const parts: Node[] = [letters];
    if (sign) {
      const badge = document.createElement('span');
      badge.className = 'pin-sign';
      badge.textContent = sign;
      parts.push(badge);
    }
    b.replaceChildren(...parts);
    pin.marker.setZIndexOffset(isSelected ? 1000 : state === 'sos' ? 500 : 0);
  }
}
