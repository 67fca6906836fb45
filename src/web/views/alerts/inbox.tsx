/**
 * The notifications inbox: newest first, the unread count (announced politely as it
 * changes), "Mark all as read", and "Load older" while there is more.
 */
import { useEffect } from 'preact/hooks';
import { hasOlder, inbox, inboxLoaded, loadInbox, loadOlder, markAllRead, unreadAlerts } from '../../stores/notifications.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';
import { NotificationItem } from './notification-item.tsx';

/** The inbox section of the Alerts view. */
export function Inbox() {
  const { busy, error, run, setError } = useAction<'all' | 'older'>();
  useEffect(() => {
    // Normally loaded by the stream's first sync; opened before it (or without it), load now.
    if (!inboxLoaded.value) loadInbox().catch(setError);
  }, []);

  const items = inbox.value;
  const unread = unreadAlerts.value;
  return (
    <section aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h2 id="inbox-title" class="visually-hidden">
          {t.alerts.inbox}
        </h2>
        <p role="status">{inboxLoaded.value ? t.alerts.unread(unread) : t.alerts.loading}</p>
        {unread > 0 && (
          <button type="button" class="btn small" disabled={busy === 'all'} onClick={() => run(markAllRead, 'all')}>
            {t.alerts.markAllRead}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
      {inboxLoaded.value && items.length === 0 && <p class="empty">{t.alerts.empty}</p>}
      <ul class="list" aria-labelledby="inbox-title">
        {items.map((n) => (
          <NotificationItem key={n.id} n={n} onError={setError} />
        ))}
      </ul>
      {hasOlder.value && (
        <p class="alert-more">
          <button type="button" class="btn wide" disabled={busy === 'older'} onClick={() => run(loadOlder, 'older')}>
            {t.alerts.loadOlder}
          </button>
        </p>
      )}
    </section>
  );
}
