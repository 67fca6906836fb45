/**
 * The chat view: the current group's conversation (history by day, loading older pages as
 * the reader scrolls up), who is typing, the composer, and search. It opens at once from
 * the offline copy and shows what I send before it is sent; see stores/chat.ts for how
 * messages, unread counts and the read marker stay live.
 */
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../../api/session.ts';
import type { Group, Message } from '../../api/types.ts';
import { openThread, outgoing, showAround, showNewest, threads, unread } from '../../stores/chat.ts';
import { currentGroup, groupsLoaded, loadMembers } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import './chat.css';
import { Composer } from './composer.tsx';
import { MessageList } from './message-list.tsx';
import { SearchPanel } from './search-panel.tsx';
import { TypingLine } from './typing-line.tsx';

/** The chat view. */
export function ChatView() {
  const g = currentGroup.value;
  if (!g) {
    return (
      <section class="view chat" aria-labelledby="chat-title">
        <h1 id="chat-title" tabIndex={-1}>
          {t.nav.chat}
        </h1>
        <p class="empty">{groupsLoaded.value ? t.nav.no_group : t.app.loading}</p>
      </section>
    );
  }
  return <Conversation key={g.id} group={g} />;
}

function Conversation({ group }: { group: Group }) {
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void openThread(group.id);
    void loadMembers(group.id).catch(() => undefined); // names for "… is typing"; offline: the cached list
  }, [group.id]);

  const thread = threads.value[group.id];
  const viewer = { groupId: group.id, me: auth.value?.userId, moderator: group.role === 'admin' || group.role === 'owner' };

  const jump = async (m: Message) => {
    setSearching(false);
    setError(null);
    try {
      await showAround(group.id, m);
    } catch (err) {
      return setError(err);
    }
    requestAnimationFrame(() => {
      const el = document.getElementById(`msg-${m.id}`);
      if (!el) return;
      el.scrollIntoView({ block: 'center' });
      el.focus({ preventScroll: true });
      el.classList.add('found');
      setTimeout(() => el.classList.remove('found'), 2500);
    });
  };

  // Offline with the last copy on screen, the top bar already says so.
  const failed = thread?.error && !(thread.messages.length > 0 && (thread.error as { offline?: boolean }).offline);
  return (
    <section class="view chat" aria-labelledby="chat-title">
      <header class="chat-head">
        <h1 id="chat-title" tabIndex={-1}>
          {t.nav.chat}
        </h1>
        <button type="button" class="btn small" aria-expanded={searching} aria-controls={searching ? 'chat-search' : undefined} onClick={() => setSearching(!searching)}>
          <span aria-hidden="true">⌕ </span>
          {searching ? t.chat.closeSearch : t.chat.search}
        </button>
      </header>
      {searching && <SearchPanel groupId={group.id} onPick={(m) => void jump(m)} />}
      <ErrorMessage error={error || (failed ? thread.error : null)} />
      {thread ? (
        <MessageList thread={thread} pending={outgoing.value[group.id] ?? []} viewer={viewer} unread={unread.value[group.id]?.unread ?? 0} />
      ) : (
        <p class="empty chat-log">{t.app.loading}</p>
      )}
      {thread && !thread.atNewest && (
        <p class="chat-newest">
          <button type="button" class="btn small" onClick={() => void showNewest(group.id)}>
            {t.chat.toNewest}
          </button>
        </p>
      )}
      <TypingLine groupId={group.id} />
      <Composer groupId={group.id} onSend={() => thread && !thread.atNewest && void showNewest(group.id)} />
    </section>
  );
}
