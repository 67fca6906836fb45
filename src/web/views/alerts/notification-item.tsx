/**
 * One notification: title, body, group, time, how urgent (in words), "New" while unread.
 * Clicking it, or any of its buttons, marks it read; "Mark as read" does so from the
 * keyboard. Where it is about a member's whereabouts it offers "Show on map", for a
 * mention "Open chat".
 */
import type { Notification } from '../../api/types.ts';
import { navigate } from '../../app/router.ts';
import { groups, pickGroup } from '../../stores/groups.ts';
import { markRead } from '../../stores/notifications.ts';
import { t } from '../../strings.ts';
import { TimeAgo } from '../../ui/index.ts';

/** The types a map can show: they are about where someone is. */
const ON_MAP = new Set<string>(['sos_raised', 'sos_cleared', 'journey_started', 'destination_reached', 'journey_late', 'journey_stuck', 'went_offline', 'place_entered', 'place_left']);

/** A notification in the inbox list. */
export function NotificationItem({ n, onError }: { n: Notification; onError: (err: unknown) => void }) {
  const group = n.groupId ? groups.value.find((g) => g.id === n.groupId) : undefined;
  const unread = !n.readAt;
  const read = () => {
    if (unread) markRead([n.id]).catch(onError);
  };
  const open = (href: string) => {
    read();
    if (group) pickGroup(group.id);
    navigate(href);
  };
  const titleId = `note-${n.id}`;
  const flag = n.priority === 'urgent' ? `⚠ ${t.alerts.urgent}` : n.priority === 'high' ? `! ${t.alerts.important}` : null;
  return (
    // A mouse click anywhere on it counts as opening it; the buttons below do it for keyboards.
    <li class={`alert-item${unread ? ' unread' : ''}${n.priority === 'urgent' ? ' urgent' : ''}`} onClick={read}>
      <article aria-labelledby={titleId}>
        <p class="alert-item-meta">
          {unread && <span class="alert-item-new">{t.alerts.isNew}</span>}
          {flag && <span class="alert-item-flag">{flag}</span>}
          {group && <span>{group.name}</span>}
          <TimeAgo iso={n.createdAt} />
        </p>
        <h3 id={titleId}>{n.title}</h3>
        {n.body && <p class="alert-item-body">{n.body}</p>}
        <div class="row alert-item-actions">
          {group && n.refs.userId && ON_MAP.has(n.type) && (
            <button type="button" class="btn small" onClick={() => open(`/map?focus=${encodeURIComponent(n.refs.userId!)}`)}>
              {t.alerts.showOnMap}
            </button>
          )}
          {group && n.type === 'mention' && (
            <button type="button" class="btn small" onClick={() => open('/chat')}>
              {t.alerts.openChat}
            </button>
          )}
          {unread && (
            <button type="button" class="btn small" onClick={read}>
              {t.alerts.markRead}
            </button>
          )}
        </div>
      </article>
    </li>
  );
}
