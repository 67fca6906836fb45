/**
 * Time travel: a slider over the last 24 hours in steps of 5 minutes. Moving it back loads
 * the group as it was then (`GET /v1/groups/{g}/live?at=`) and the map and the list show that
 * state — clearly marked, with "Back to live" — while live events go on changing the live
 * state underneath without moving the past one. The steps count back from the moment the
 * slider left "now", so they stay put while it is being moved.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { MemberView } from '../../api/types.ts';
import { clock } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { past } from './map-state.ts';

const STEP_MS = 5 * 60_000;
/** 24 hours of 5-minute steps; the last one is now (live). */
const STEPS = 288;

/** The slider and, while in the past, the banner saying so. */
export function TimeTravel({ groupId }: { groupId: string }) {
  const [value, setValue] = useState(STEPS);
  const [error, setError] = useState<unknown>(null);
  const anchor = useRef(Date.now());
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Leaving the view (or the group) goes back to live: the slider starts at "now" again.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      past.value = null;
    },
    [],
  );

  const atOf = (v: number) => new Date(anchor.current - (STEPS - v) * STEP_MS).toISOString();

  function go(v: number): void {
    clearTimeout(timer.current);
    const n = ++asked.current;
    setError(null);
    if (v >= STEPS) {
      setValue(STEPS);
      past.value = null;
      return;
    }
    if (value >= STEPS) anchor.current = Date.now();
    setValue(v);
    const at = atOf(v);
    // Dragging passes many steps: ask only for the one it rests on.
    timer.current = setTimeout(() => {
      api<{ at: string; members: MemberView[] }>('GET', `/v1/groups/${groupId}/live?at=${encodeURIComponent(at)}`)
        .then((r) => n === asked.current && (past.value = { at, members: r.members }))
        .catch((e) => n === asked.current && setError(e));
    }, 200);
  }

  const p = past.value;
  return (
    <div class="time-travel" role="group" aria-label={t.map.time.group}>
      {p && (
        <p class="past-banner" role="status">
          <span>{t.map.time.showing(clock(p.at))}</span>{' '}
          <button type="button" class="btn small primary" onClick={() => go(STEPS)}>
            {t.map.time.backToLive}
          </button>
        </p>
      )}
      <label class="time-row">
        <span class="label">{t.map.time.label}</span>
        <input
          type="range"
          min={0}
          max={STEPS}
          step={1}
          value={value}
          aria-valuetext={value >= STEPS ? t.map.time.now : clock(atOf(value))}
          onInput={(e) => go(Number(e.currentTarget.value))}
        />
        <output class="time-value">{value >= STEPS ? t.map.time.now : clock(atOf(value))}</output>
      </label>
      <ErrorMessage error={error} />
    </div>
  );
}
