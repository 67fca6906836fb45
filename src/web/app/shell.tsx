/**
 * The signed-in app: a top bar (the group picker and the connection's state), any SOS in
 * progress (on every view), the current view, and the main navigation — "Map", "Chat",
 * "Alerts", "Group", "Account" — as links (a tab bar on a phone, a side bar on a laptop).
 */
import { useEffect, useRef } from 'preact/hooks';
import { offline } from '../api/session.ts';
import { connection } from '../api/stream.ts';
import { currentGroup, groups, groupsLoaded, pickGroup } from '../stores/groups.ts';
import { unreadChat } from '../stores/chat.ts';
import { unreadAlerts } from '../stores/notifications.ts';
import { t } from '../strings.ts';
import { Icon, type IconName } from '../ui/index.ts';
import { AccountView } from '../views/account/account-view.tsx';
import { AdminView } from '../views/admin/admin-view.tsx';
import { AlertsView } from '../views/alerts/alerts-view.tsx';
import { SosBanner } from '../views/alerts/sos-banner.tsx';
import { ChatView } from '../views/chat/chat-view.tsx';
import { GroupView } from '../views/group/group-view.tsx';
import { MapView } from '../views/map/map-view.tsx';
import { FirstGroup } from '../views/welcome/first-group.tsx';
import { link, navigate, route } from './router.ts';
import { Toasts } from './toasts.tsx';
import { updateReady } from './update.ts';

const VIEWS = {
  '/map': MapView,
  '/chat': ChatView,
  '/alerts': AlertsView,
  '/group': GroupView,
  '/account': AccountView,
  '/admin': AdminView,
} as const;
type ViewPath = keyof typeof VIEWS;

/**
 * A link naming a group (`/map?group=<id>`, as forwarded alerts open) shows that group,
 * once per visit of the link, as soon as it is among mine — a pick made afterwards stands.
 */
function useGroupFromLink(): void {
  const here = route.value;
  const wanted = here.query.get('group');
  const known = !!wanted && groups.value.some((g) => g.id === wanted);
  const handled = useRef<typeof here | null>(null);
  useEffect(() => {
    if (!wanted || !known || handled.current === here) return;
    handled.current = here;
    if (currentGroup.peek()?.id !== wanted) pickGroup(wanted);
  }, [here, known]);
}

/** The shell around the views. */
export function Shell() {
  useGroupFromLink();
  const path = route.value.path;
  const known = path in VIEWS;
  if (!known) queueMicrotask(() => navigate('/map', { replace: true }));
  const viewPath = (known ? path : '/map') as ViewPath;
  const View = VIEWS[viewPath];
  const needsGroup = viewPath === '/map' || viewPath === '/chat' || viewPath === '/group';
  const noGroup = groupsLoaded.value && groups.value.length === 0;
  return (
    <div class={`shell view-${viewPath.slice(1)}`}>
      <a class="skip" href="#main">
        {t.app.skipToContent}
      </a>
      <header class="topbar">
        <GroupPicker />
        <ConnectionState />
      </header>
      {updateReady.value && (
        <p class="banner" role="status">
          {t.app.updated}{' '}
          <button type="button" class="btn small" onClick={() => location.reload()}>
            {t.app.reload}
          </button>
        </p>
      )}
      <SosBanner />
      <main id="main" tabIndex={-1}>
        {needsGroup && noGroup ? <FirstGroup /> : <View />}
      </main>
      <nav class="tabs" aria-label={t.nav.label}>
        <Tab href="/map" label={t.nav.map} icon="map" current={viewPath} />
        <Tab href="/chat" label={t.nav.chat} icon="chat" current={viewPath} badge={unreadChat.value} />
        <Tab href="/alerts" label={t.nav.alerts} icon="alerts" current={viewPath} badge={unreadAlerts.value} />
        <Tab href="/group" label={t.nav.group} icon="group" current={viewPath} />
        <Tab href="/account" label={t.nav.account} icon="account" current={viewPath} />
      </nav>
      <Toasts />
    </div>
  );
}

function Tab({ href, label, icon, current, badge }: { href: ViewPath; label: string; icon: IconName; current: ViewPath; badge?: number }) {
  const here = current === href || (href === '/account' && current === '/admin');
  return (
    <a href={href} onClick={link} aria-current={here ? 'page' : undefined} class="tab">
      <span class="tab-icon">
        <Icon name={icon} />
      </span>
      <span class="tab-label">{label}</span>
      {!!badge && (
        <>
          {' '}
          <span class="badge">
            {badge > 99 ? '99+' : badge}
            <span class="visually-hidden"> {t.nav.unread}</span>
          </span>
        </>
      )}
    </a>
  );
}

function GroupPicker() {
  const list = groups.value;
  const g = currentGroup.value;
  if (list.length <= 1) return <p class="group-name">{g?.name ?? t.app.name}</p>;
  return (
    <label class="group-picker">
      <span class="visually-hidden">{t.nav.group_picker}</span>
      <select value={g?.id} onChange={(e) => pickGroup(e.currentTarget.value)}>
        {list.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function ConnectionState() {
  const c = offline.value ? 'offline' : connection.value;
  return (
    <p class={`conn conn-${c}`} role="status">
      <span class="dot" aria-hidden="true" />
      <span class={c === 'live' ? 'visually-hidden' : ''}>{c === 'offline' ? t.app.offline : c === 'live' ? t.app.live : c === 'paused' ? t.app.paused : t.app.connecting}</span>
    </p>
  );
}
