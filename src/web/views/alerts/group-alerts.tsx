/**
 * The current group's alert settings (low battery, stopped reporting): every member sees
 * them; the owner and admins change them (an empty box turns that alert off).
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { GroupAlerts as Settings } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { currentGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';

const asText = (n: number | null) => (n === null ? '' : String(n));
const asValue = (s: string) => (s.trim() === '' ? null : Number(s));

/** The group alerts section. */
export function GroupAlerts() {
  const g = currentGroup.value;
  const [now, setNow] = useState<Settings | null>(null);
  const [battery, setBattery] = useState('');
  const [silence, setSilence] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();
  const show = (s: Settings) => {
    setNow(s);
    setBattery(asText(s.lowBatteryPercent));
    setSilence(asText(s.silenceMinutes));
  };
  useEffect(() => {
    if (g) void run(async () => show(await api<Settings>('GET', `/v1/groups/${g.id}/alert-settings`)));
  }, [g?.id]);
  if (!g) return null;
  const admin = g.role === 'owner' || g.role === 'admin';

  function save(e: Event) {
    e.preventDefault();
    void run(async () => {
      show(await api<Settings>('PATCH', `/v1/groups/${g!.id}/alert-settings`, { body: { lowBatteryPercent: asValue(battery), silenceMinutes: asValue(silence) } }));
      toast(t.alerts.groupAlertsSaved);
    });
  }

  return (
    <section class="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t.alerts.groupAlertsTitle(g.name)}</h2>
      <p class="hint">{t.alerts.groupAlertsLead}</p>
      {now && <p>{t.alerts.groupAlertsNow(now.lowBatteryPercent, now.silenceMinutes)}</p>}
      {admin && now && (
        <form onSubmit={save} aria-labelledby={`${id}-h`}>
          <Field label={t.alerts.lowBattery} hint={t.alerts.offHint} type="number" value={battery} onValue={setBattery} />
          <Field label={t.alerts.silence} hint={t.alerts.offHint} type="number" value={silence} onValue={setSilence} />
          <button type="submit" class="btn primary" disabled={busy}>
            {t.alerts.saveGroupAlerts}
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
