/**
 * The map view: the region "Map" holding the live map (with the time slider under it) and,
 * beside it on a laptop or under it on a phone, the selected member's details, the Me panel,
 * everyone as a list, and the places. When the tiles cannot load the list is still there
 * and a notice says why — the map area is never a blank screen. `/map?focus=<userId>`
 * (the SOS alert's "Show on map") selects that member and centres the map on them.
 */
import { useEffect, useRef } from 'preact/hooks';
import { route } from '../../app/router.ts';
import { currentGroup } from '../../stores/groups.ts';
import { instance } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { LeafletMap } from './leaflet-map.tsx';
import { mapHandle, pick, selected, shown, tilesFailed } from './map-state.ts';
import './map.css';
import { MePanel } from './me-panel.tsx';
import { MemberDetails } from './member-details.tsx';
import { MemberList } from './member-list.tsx';
import { PlacesPanel } from './places-panel.tsx';
import { TimeTravel } from './time-travel.tsx';

/** Selects a member and centres the map on them. */
function select(userId: string): void {
  selected.value = userId;
  const fix = shown.peek().find((m) => m.userId === userId)?.lastFix;
  if (fix) mapHandle.current?.centerOn(fix);
}

/** The map view. */
export function MapView() {
  const g = currentGroup.value;
  const member = shown.value.find((m) => m.userId === selected.value);
  const here = route.value;
  const focus = here.query.get('focus');
  const focusFix = shown.value.find((m) => m.userId === focus)?.lastFix;
  const handled = useRef<typeof here | null>(null);

  // Once per visit of the link (the same link followed again is a new visit): select at
  // once, centre as soon as the position is known.
  useEffect(() => {
    if (!focus || handled.current === here) return;
    if (selected.peek() !== focus) selected.value = focus;
    if (focusFix && mapHandle.current) {
      mapHandle.current.centerOn(focusFix);
      handled.current = here;
    }
  }, [here, focusFix?.lat, focusFix?.lon]);

  return (
    <section class="map-view" aria-labelledby="map-title">
      <h1 id="map-title" class="visually-hidden" tabIndex={-1}>
        {t.map.region}
      </h1>
      <div class="map-main">
        <div class="map-frame">
          <LeafletMap onSelect={select} />
          {pick.value && (
            <p class="pick-hint" aria-hidden="true">
              {t.map.pickHere}
            </p>
          )}
        </div>
        <p class="tiles-notice notice" role="status">
          {tilesFailed.value ? (instance.value?.web.tileUrl ? t.map.tilesFailed : t.map.noTiles) : ''}
        </p>
        {g && <TimeTravel key={g.id} groupId={g.id} />}
      </div>
      <div class="map-side">
        {member && <MemberDetails key={member.userId} m={member} onClose={() => (selected.value = null)} />}
        {g ? (
          <>
            <MePanel group={g} />
            <MemberList onSelect={select} />
            <PlacesPanel group={g} />
          </>
        ) : (
          <p class="empty">{t.app.loading}</p>
        )}
      </div>
    </section>
  );
}
