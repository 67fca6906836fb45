/**
 * The Alerts view: the notifications inbox (`/alerts`) and, one link away, the notification
 * settings (`/alerts?show=settings`): muted groups, types, quiet hours, this device, and
 * forwarding to a phone. A query rather than a path, so the shell's routes stay as they are.
 */
import { link, route } from '../../app/router.ts';
import { t } from '../../strings.ts';
import { Inbox } from './inbox.tsx';
import { Settings } from './settings.tsx';
import './alerts.css';

const SETTINGS = '/alerts?show=settings';

/** The alerts view. */
export function AlertsView() {
  const settings = route.value.query.get('show') === 'settings';
  return (
    <section class="view alerts" aria-labelledby="alerts-title">
      <h1 id="alerts-title" tabIndex={-1}>
        {t.alerts.title}
      </h1>
      <nav class="alerts-nav" aria-label={t.alerts.sections}>
        <a href="/alerts" onClick={link} aria-current={settings ? undefined : 'page'}>
          {t.alerts.inbox}
        </a>
        <a href={SETTINGS} onClick={link} aria-current={settings ? 'page' : undefined}>
          {t.alerts.settings}
        </a>
      </nav>
      {settings ? <Settings /> : <Inbox />}
    </section>
  );
}
