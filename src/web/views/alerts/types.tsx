/**
 * Which types of notification to be told about: a checkbox per type, in words. SOS raised
 * and cleared are shown on and cannot be changed (the API refuses turning them off).
 */
import { useId, useState } from 'preact/hooks';
import type { Preferences } from '../../api/types.ts';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { ALWAYS_ON, changePrefs } from './prefs.ts';

/** The types section; a change is saved at once. */
export function Types({ p }: { p: Preferences }) {
  const [error, setError] = useState<unknown>(null);
  // What was just asked for, shown until the server answers (so a box never flips back and forth).
  const [wanted, setWanted] = useState<Record<string, boolean>>({});
  const id = useId();

  async function toggle(type: string, on: boolean) {
    setWanted((w) => ({ ...w, [type]: on }));
    setError(null);
    try {
      await changePrefs((x) => ({ ...x, types: { ...x.types, [type]: on } }));
    } catch (err) {
      setError(err);
    } finally {
      // A later click on the same box is still on its way: keep showing that one.
      setWanted(({ [type]: last, ...rest }) => (last === on ? rest : { ...rest, [type]: last! }));
    }
  }

  return (
    <section class="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t.alerts.typesTitle}</h2>
      <fieldset>
        <legend>{t.alerts.typesLead}</legend>
        {Object.entries(t.alerts.types).map(([type, label]) => {
          const always = ALWAYS_ON.includes(type);
          const on = always || (wanted[type] ?? p.types[type] !== false);
          return (
            <label key={type} class={`alert-check${always ? ' disabled' : ''}`}>
              <input
                type="checkbox"
                checked={on}
                disabled={always}
                aria-describedby={always ? `${id}-always` : undefined}
                onChange={(e) => void toggle(type, e.currentTarget.checked)}
              />
              <span>{label}</span>
            </label>
          );
        })}
        <p class="hint" id={`${id}-always`}>
          {t.alerts.sosAlways}
        </p>
      </fieldset>
      <ErrorMessage error={error} />
    </section>
  );
}
