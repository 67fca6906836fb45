/**
 * The group's places as a list (each a button that shows it on the map), and for the
 * group's admins and owner "Add a place", the editor of the place selected and "Send places
 * to everyone's phones"; everyone else sees them read-only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Group } from '../../api/types.ts';
import { formatDistance } from '../../lib/geo.ts';
import { t } from '../../strings.ts';
import { canEditPlaces, mapHandle, pick, selectedPlace, shownPlaces } from './map-state.ts';
import { PlaceForm } from './place-form.tsx';
import { PushPlaces } from './push-places.tsx';

/** The places section. */
export function PlacesPanel({ group }: { group: Group }) {
  const [adding, setAdding] = useState(false);
  const list = [...shownPlaces.value].sort((a, b) => a.name.localeCompare(b.name));
  const chosen = list.find((p) => p.id === selectedPlace.value);
  const editable = canEditPlaces.value;
  const p = t.map.places;
  // A journey form took the map's picking over: the place form closes.
  useEffect(() => {
    if (pick.value?.kind === 'journey') {
      setAdding(false);
      selectedPlace.value = null;
    }
  }, [pick.value?.kind]);

  const done = () => {
    setAdding(false);
    selectedPlace.value = null;
  };
  return (
    <section class="map-section places" aria-labelledby="places-title">
      <h2 id="places-title">{p.title}</h2>
      {list.length === 0 && <p class="hint">{p.none}</p>}
      <ul class="list place-list" aria-labelledby="places-title">
        {list.map((x) => (
          <li key={x.id}>
            <button
              type="button"
              class="place-item"
              aria-current={x.id === selectedPlace.value ? 'true' : undefined}
              onClick={() => {
                setAdding(false);
                selectedPlace.value = x.id;
                mapHandle.current?.centerOn(x, 14);
              }}
            >
              <span class="place-dot" aria-hidden="true" />
              {p.item(x.name, formatDistance(x.radius))}
            </button>
          </li>
        ))}
      </ul>
      {editable && chosen && !adding && <PlaceForm key={chosen.id} group={group} place={chosen} onDone={done} />}
      {editable && adding && <PlaceForm group={group} onDone={done} />}
      {editable && !adding && !chosen && (
        <button type="button" class="btn small" onClick={() => ((selectedPlace.value = null), setAdding(true))}>
          {p.add}
        </button>
      )}
      {editable && list.length > 0 && <PushPlaces groupId={group.id} />}
      {!editable && <p class="hint">{p.readOnly}</p>}
    </section>
  );
}
