/**
 * The notification settings: muted groups, which types to be told about, which arrivals
 * and departures, quiet hours, the group's alerts (admins change them), this device's own
 * notifications, and forwarding to a phone (ntfy, webhook).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { DeviceNotifications } from './device.tsx';
import { GroupAlerts } from './group-alerts.tsx';
import { Mutes } from './mutes.tsx';
import { loadPrefs, prefs } from './prefs.ts';
import { QuietHours } from './quiet-hours.tsx';
import { Targets } from './targets.tsx';
import { Types } from './types.tsx';
import { Watches } from './watches.tsx';

/** The settings section of the Alerts view. */
export function Settings() {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loadPrefs().catch(setError);
  }, []);
  const p = prefs.value;
  return (
    <div class="alert-settings">
      <ErrorMessage error={error} />
      {!p && !error && <p role="status">{t.app.loading}</p>}
      {p && (
        <>
          <Mutes p={p} />
          <Types p={p} />
          <Watches p={p} />
          <QuietHours p={p} />
        </>
      )}
      <GroupAlerts />
      <DeviceNotifications />
      <Targets />
    </div>
  );
}
