/**
 * Adding or changing a place (admins): its centre tapped on the map (or the map's centre),
 * a name, and a radius of 10–50000 m — a slider (on a log scale, so 50 m and 5 km are both
 * easy to set) and the exact number — with the circle previewed on the map as it changes.
 * Saves with `POST` / `PATCH /v1/groups/{g}/places[/{id}]`; deletes after asking.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group, Place } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { formatDistance } from '../../lib/geo.ts';
import { dropPlace, putPlace } from '../../stores/live.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { pick } from './map-state.ts';
import { PointPicker } from './point-picker.tsx';

const MIN = 10;
const MAX = 50_000;
const toSlider = (r: number) => Math.round((1000 * Math.log(r / MIN)) / Math.log(MAX / MIN));
const fromSlider = (s: number) => Math.round(MIN * (MAX / MIN) ** (s / 1000));

/** The form; `place` set: editing it. `onDone` when saved, deleted or cancelled. */
export function PlaceForm({ group, place, onDone }: { group: Group; place?: Place; onDone: () => void }) {
  const [name, setName] = useState(place?.name ?? '');
  const [radius, setRadius] = useState(String(place?.radius ?? 100));
  const { busy, error, run, setError } = useAction();
  const [deleting, setDeleting] = useState(false);
  const r = Math.min(MAX, Math.max(MIN, Number(radius) || MIN));
  const p = t.map.places;

  useEffect(() => {
    pick.value = { kind: 'place', point: place ? { lat: place.lat, lon: place.lon } : null, radius: place?.radius ?? 100 };
    return () => {
      if (pick.peek()?.kind === 'place') pick.value = null;
    };
  }, [place?.id]);
  useEffect(() => {
    if (pick.peek()?.kind === 'place') pick.value = { ...pick.peek()!, radius: r };
  }, [r]);

  function save(e: Event) {
    e.preventDefault();
    const point = pick.value?.point;
    if (!point) return setError(p.needPoint);
    void run(async () => {
      const body = { name: name.trim(), lat: point.lat, lon: point.lon, radius: r };
      const saved = place ? await api<Place>('PATCH', `/v1/groups/${group.id}/places/${place.id}`, { body }) : await api<Place>('POST', `/v1/groups/${group.id}/places`, { body });
      putPlace(saved);
      if (!place) toast(p.added(saved.name));
      onDone();
    });
  }

  async function remove() {
    if (!place) return;
    const deleted = await run(async () => {
      await api('DELETE', `/v1/groups/${group.id}/places/${place.id}`);
      dropPlace(group.id, place.id);
      toast(p.deleted(place.name));
      onDone();
      return true;
    });
    if (!deleted) setDeleting(false); // back to the form, where the error shows
  }

  return (
    <form class="place-form stack" onSubmit={save} aria-labelledby="place-form-title">
      <h3 id="place-form-title">{place ? p.editTitle(place.name) : p.newTitle}</h3>
      <PointPicker hint={place ? p.move : p.pick} done={p.picked} missing={p.needPoint} />
      <Field label={p.name} value={name} onValue={setName} required maxLength={80} />
      <div class="field">
        <label for="place-radius-slider">{p.radius}</label>
        <input id="place-radius-slider" type="range" min={0} max={1000} value={toSlider(r)} aria-valuetext={formatDistance(r)} onInput={(e) => setRadius(String(fromSlider(Number(e.currentTarget.value))))} />
      </div>
      <Field label={p.radiusM} type="number" inputMode="numeric" min={MIN} max={MAX} step={1} value={radius} onValue={setRadius} required />
      <ErrorMessage error={error} />
      <div class="row">
        <button type="submit" class="btn primary" disabled={busy}>
          {place ? p.saveChanges : p.save}
        </button>
        <button type="button" class="btn" onClick={onDone}>
          {t.app.cancel}
        </button>
        {place && (
          <button type="button" class="btn danger" onClick={() => setDeleting(true)}>
            {p.delete}
          </button>
        )}
      </div>
      {deleting && place && (
        <Dialog title={p.confirmDelete(place.name)} onClose={() => setDeleting(false)}>
          <p>{p.deleteText}</p>
          <div class="row">
            <button type="button" class="btn danger" disabled={busy} onClick={() => void remove()}>
              {t.app.delete}
            </button>
            <button type="button" class="btn" onClick={() => setDeleting(false)}>
              {t.app.cancel}
            </button>
          </div>
        </Dialog>
      )}
    </form>
  );
}
