/**
 * My journey in the current group: under way, where to and when expected, with "End
 * journey"; else "Start a journey" opens the form — how (driving, walking, cycling), the
 * destination tapped on the map with its name, and the expected arrival (a clock time: the
 * next time it comes round) → `POST /v1/groups/{g}/journey`.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Group, MemberView } from '../../api/types.ts';
import { clock } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field } from '../../ui/index.ts';
import { pick } from './map-state.ts';
import { PointPicker } from './point-picker.tsx';
import { useCommand } from './use-command.ts';

const MODES = ['driving', 'walking', 'cycling'] as const;
const pad = (n: number) => String(n).padStart(2, '0');

/** "HH:MM" → the next moment the clock shows it, as ISO. */
function nextTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  const d = new Date();
  d.setHours(h ?? 0, m ?? 0, 0, 0);
  if (d.getTime() <= Date.now()) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** The journey controls. */
export function Journey({ group, mine }: { group: Group; mine: MemberView | null }) {
  const cmd = useCommand();
  const [open, setOpen] = useState(false);
  const j = mine?.journey;
  // Another form took the map's picking over: this one closes.
  useEffect(() => {
    if (open && pick.value?.kind !== 'journey') setOpen(false);
  }, [pick.value]);

  if (j) {
    return (
      <div class="journey">
        <p>{t.map.journey.current(j.destination.name, clock(j.expectedArrival))}</p>
        <button type="button" class="btn small" disabled={cmd.busy} onClick={() => void cmd.run(group.id, 'DELETE', '/journey')}>
          {t.map.journey.end}
        </button>
        <ErrorMessage error={cmd.error} />
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" class="btn small" disabled={mine?.sharing === false} onClick={() => ((pick.value = { kind: 'journey', point: null }), setOpen(true), cmd.clear())}>
        {t.map.journey.start}
      </button>
    );
  }
  return <JourneyForm group={group} cmd={cmd} onDone={() => ((pick.value = null), setOpen(false))} />;
}

function JourneyForm({ group, cmd, onDone }: { group: Group; cmd: ReturnType<typeof useCommand>; onDone: () => void }) {
  const [mode, setMode] = useState<(typeof MODES)[number]>('driving');
  const [name, setName] = useState('');
  const soon = new Date(Date.now() + 30 * 60_000);
  const [arrival, setArrival] = useState(`${pad(soon.getHours())}:${pad(soon.getMinutes())}`);
  const [missing, setMissing] = useState<string | null>(null);
  // Leaving the view with the form open: the map stops picking.
  useEffect(
    () => () => {
      if (pick.peek()?.kind === 'journey') pick.value = null;
    },
    [],
  );

  async function submit(e: Event) {
    e.preventDefault();
    const point = pick.value?.point;
    if (!point) return setMissing(t.map.journey.needPoint);
    setMissing(null);
    const body = { mode, destination: { name: name.trim(), lat: point.lat, lon: point.lon }, expectedArrival: nextTime(arrival) };
    if (await cmd.run(group.id, 'POST', '/journey', body)) onDone();
  }
  return (
    <form class="journey-form stack" onSubmit={submit} aria-labelledby="journey-title">
      <h3 id="journey-title">{t.map.journey.title}</h3>
      <fieldset class="modes">
        <legend class="label">{t.map.journey.mode}</legend>
        {MODES.map((m) => (
          <label key={m} class="radio">
            <input type="radio" name="journey-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t.map.modeNames[m]}
          </label>
        ))}
      </fieldset>
      <PointPicker hint={t.map.journey.pick} done={t.map.journey.picked} missing={t.map.journey.notPicked} />
      <Field label={t.map.journey.destination} value={name} onValue={setName} required maxLength={120} />
      <Field label={t.map.journey.arrival} type="time" value={arrival} onValue={setArrival} required />
      <ErrorMessage error={missing ?? cmd.error} />
      <div class="row">
        <button type="submit" class="btn primary" disabled={cmd.busy}>
          {t.map.journey.submit}
        </button>
        <button type="button" class="btn" onClick={onDone}>
          {t.app.cancel}
        </button>
      </div>
    </form>
  );
}
