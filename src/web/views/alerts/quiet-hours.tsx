/**
 * Quiet hours: on or off, from, until, and the time zone they are read in (this browser's
 * by default). Saved with "Save quiet hours".
 */
import { useId, useState } from 'preact/hooks';
import type { Preferences } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { changePrefs } from './prefs.ts';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The quiet hours section. */
export function QuietHours({ p }: { p: Preferences }) {
  const q = p.quietHours;
  const [on, setOn] = useState(!!q);
  const [start, setStart] = useState(q?.start ?? '22:00');
  const [end, setEnd] = useState(q?.end ?? '07:00');
  const [zone, setZone] = useState(q?.timeZone ?? browserZone());
  const { busy, error, run } = useAction();
  const id = useId();

  function save(e: Event) {
    e.preventDefault();
    void run(async () => {
      await changePrefs((x) => ({ ...x, quietHours: on ? { start, end, timeZone: zone.trim() } : null }));
      toast(t.alerts.quietSaved);
    });
  }

  return (
    <section class="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t.alerts.quietTitle}</h2>
      <p class="hint">{t.alerts.quietLead}</p>
      <p>{q ? t.alerts.quietNow(q.start, q.end, q.timeZone) : t.alerts.quietOff}</p>
      <form onSubmit={save} aria-labelledby={`${id}-h`}>
        <label class="alert-check">
          <input type="checkbox" checked={on} onChange={(e) => setOn(e.currentTarget.checked)} />
          <span>{t.alerts.quietOn}</span>
        </label>
        {on && (
          <>
            <div class="alert-pair">
              <Field label={t.alerts.quietStart} type="time" required value={start} onValue={setStart} />
              <Field label={t.alerts.quietEnd} type="time" required value={end} onValue={setEnd} />
            </div>
            <Field label={t.alerts.timeZone} hint={t.alerts.timeZoneHint} required maxLength={64} value={zone} onValue={setZone} autocomplete="off" />
          </>
        )}
        <ErrorMessage error={error} />
        <button type="submit" class="btn primary" disabled={busy}>
          {t.alerts.saveQuiet}
        </button>
      </form>
    </section>
  );
}
