/**
 * Muted groups: what is muted and until when (each with "Unmute <group>"), and a form to
 * mute a group for 1 hour, 8 hours, 1 day, 1 week, or until unmuted.
 */
import { useId, useState } from 'preact/hooks';
import type { Preferences } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { clock } from '../../lib/time.ts';
import { groups } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';
import { changePrefs } from './prefs.ts';

/** The muted groups section. */
export function Mutes({ p }: { p: Preferences }) {
  const mine = groups.value;
  const [groupId, setGroupId] = useState('');
  const [minutes, setMinutes] = useState(String(t.alerts.muteChoices[0]!.minutes));
  const { busy, error, run } = useAction();
  const id = useId();
  const nameOf = (gid: string) => mine.find((g) => g.id === gid)?.name ?? '…';
  const chosen = groupId || mine[0]?.id || '';

  function mute(e: Event) {
    e.preventDefault();
    const m = Number(minutes);
    void run(async () => {
      await changePrefs((x) => ({ ...x, mutes: [...x.mutes.filter((y) => y.groupId !== chosen), m > 0 ? { groupId: chosen, forMinutes: m } : { groupId: chosen }] }));
      toast(t.alerts.muted(nameOf(chosen)));
    });
  }
  const unmute = (gid: string) =>
    run(async () => {
      await changePrefs((x) => ({ ...x, mutes: x.mutes.filter((y) => y.groupId !== gid) }));
      toast(t.alerts.unmuted(nameOf(gid)));
    });

  return (
    <section class="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t.alerts.mutesTitle}</h2>
      <p class="hint">{t.alerts.mutesLead}</p>
      {p.mutes.length === 0 ? (
        <p>{t.alerts.noMutes}</p>
      ) : (
        <ul class="list">
          {p.mutes.map((m) => (
            <li key={m.groupId} class="row">
              <span>
                <strong>{nameOf(m.groupId)}</strong> — {m.until ? t.alerts.mutedUntil(clock(m.until)) : t.alerts.mutedForever}
              </span>
              <button type="button" class="btn small" disabled={busy} onClick={() => unmute(m.groupId)}>
                {t.alerts.unmute(nameOf(m.groupId))}
              </button>
            </li>
          ))}
        </ul>
      )}
      {mine.length > 0 && (
        <form class="mute-form" onSubmit={mute} aria-labelledby={`${id}-h`}>
          <div class="field">
            <label for={`${id}-g`}>{t.alerts.muteGroup}</label>
            <select id={`${id}-g`} value={chosen} onChange={(e) => setGroupId(e.currentTarget.value)}>
              {mine.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`${id}-d`}>{t.alerts.muteFor}</label>
            <select id={`${id}-d`} value={minutes} onChange={(e) => setMinutes(e.currentTarget.value)}>
              {t.alerts.muteChoices.map((c) => (
                <option key={c.minutes} value={String(c.minutes)}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="btn primary" disabled={busy || !chosen}>
            {t.alerts.mute}
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
