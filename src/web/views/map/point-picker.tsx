/**
 * Picking a point on the map for a form (a journey's destination, a place's centre): the
 * map takes a tap while this shows; "Use the centre of the map" is the way for a keyboard
 * or a screen reader (the map pans with the arrow keys). Says whether a point is set.
 */
import { t } from '../../strings.ts';
import { mapHandle, pick } from './map-state.ts';

/** The picker's words and button; `hint` says what to tap, `done` what was set. */
export function PointPicker({ hint, done, missing }: { hint: string; done: string; missing?: string }) {
  const p = pick.value;
  const useCentre = () => {
    const c = mapHandle.current?.centre();
    if (c && pick.value) pick.value = { ...pick.value, point: c };
  };
  return (
    <div class="point-picker">
      <p class="hint">{hint}</p>
      <p class="picked" aria-live="polite">
        {p?.point ? `✓ ${done}` : missing}
      </p>
      <button type="button" class="btn small" onClick={useCentre}>
        {t.map.journey.useCentre}
      </button>
    </div>
  );
}
