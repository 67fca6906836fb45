/**
 * This device's own notifications: the browser asks for permission only when this button is
 * pressed (never on load); once allowed, an SOS from someone shows as a system notification
 * while Hearth is in the background (sos.ts).
 */
import { useState } from 'preact/hooks';
import { t } from '../../strings.ts';

/** The "This device" section (nothing where the browser has no notifications). */
export function DeviceNotifications() {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported) return null;
  async function allow() {
    setPermission(await Notification.requestPermission());
  }
  return (
    <section class="section" aria-labelledby="device-h">
      <h2 id="device-h">{t.alerts.deviceTitle}</h2>
      {permission === 'granted' ? (
        <p>{t.alerts.deviceOn}</p>
      ) : permission === 'denied' ? (
        <p>{t.alerts.deviceBlocked}</p>
      ) : (
        <button type="button" class="btn" onClick={() => void allow()}>
          {t.alerts.deviceAllow}
        </button>
      )}
    </section>
  );
}
