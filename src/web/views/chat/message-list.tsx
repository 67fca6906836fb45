/**
 * The conversation: a scrolling `role="log"` (new messages are announced politely), by
 * day, oldest at the top. It opens at the newest message and follows new ones while the
 * reader is at the end; older pages load when the top comes near (an IntersectionObserver
 * sentinel, or the "Load older messages" button), with the reader kept where they were.
 * When the newest message is on screen and the page is seen, it tells the read marker.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { loadOlder, markSeen, type ChatMessage, type Pending, type Thread } from '../../stores/chat.ts';
import { t } from '../../strings.ts';
import { MessageItem, PendingItem, type Viewer } from './message-item.tsx';
import { dayKey, dayLabel } from './text.ts';

/** Closer than this to the end counts as "at the end" (following new messages). */
const NEAR_END_PX = 120;
/** Two messages of one author closer than this read as one run (one name). */
const RUN_MS = 5 * 60_000;

/** The log of one group's thread, with my pending messages at its end. */
export function MessageList({ thread, pending, viewer, unread }: { thread: Thread; pending: Pending[]; viewer: Viewer; unread: number }) {
  const box = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const end = useRef<HTMLSpanElement>(null);
  const seen = useRef(false);
  const before = useRef<{ first?: string; last?: string; height: number; top: number; atEnd: boolean } | null>(null);
  const { groupId } = viewer;
  const messages = thread.messages;
  const shownPending = thread.atNewest ? pending : [];
  const firstKey = messages[0]?.id;
  const lastKey = shownPending.length ? shownPending[shownPending.length - 1]!.txnId : messages[messages.length - 1]?.id;
  const last = messages[messages.length - 1];

  // Where the reader is, read before this render reaches the page (the render phase runs
  // before the DOM is patched), so the layout effect can keep them there.
  const el = box.current;
  if (el && before.current) Object.assign(before.current, { height: el.scrollHeight, top: el.scrollTop, atEnd: el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX });

  useLayoutEffect(() => {
    const el = box.current!;
    const b = before.current;
    if (!b || (!b.last && lastKey)) el.scrollTop = el.scrollHeight; // first messages: open at the end
    else if (firstKey !== b.first && lastKey === b.last) el.scrollTop = b.top + (el.scrollHeight - b.height); // older ones above
    else if (lastKey !== b.last && (b.atEnd || shownPending.length > 0)) el.scrollTop = el.scrollHeight; // a new one at the end
    before.current = { first: firstKey, last: lastKey, height: el.scrollHeight, top: el.scrollTop, atEnd: true };
  });

  // The top sentinel: made again whenever the thread grows, so a page too short to fill
  // the screen loads the next one at once (a new observer reports the current state).
  useEffect(() => {
    if (!thread.hasOlder || !sentinel.current) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadOlder(groupId), { root: box.current, rootMargin: '300px 0px 0px 0px' });
    io.observe(sentinel.current);
    return () => io.disconnect();
  }, [groupId, thread.hasOlder, messages.length]);

  // The read marker follows the newest message while the end of the log is on screen and
  // the page is seen.
  const tell = () => last && thread.atNewest && seen.current && document.visibilityState === 'visible' && markSeen(groupId, last);
  useEffect(() => {
    const target = end.current;
    if (!target) return;
    const io = new IntersectionObserver(([e]) => {
      seen.current = !!e?.isIntersecting;
      tell();
    }, { root: box.current });
    io.observe(target);
    return () => {
      io.disconnect();
      seen.current = false;
    };
  }, [groupId, last?.id]);
  useEffect(() => void tell(), [unread]);
  useEffect(() => {
    document.addEventListener('visibilitychange', tell);
    return () => document.removeEventListener('visibilitychange', tell);
  });

  return (
    <div ref={box} class="chat-log" role="log" aria-label={t.chat.log} tabIndex={0} aria-busy={thread.loadingOlder || undefined}>
      <div ref={sentinel} class="chat-top">
        {thread.hasOlder ? (
          <button type="button" class="btn small" disabled={thread.loadingOlder} onClick={() => void loadOlder(groupId)}>
            {thread.loadingOlder ? t.chat.loadingOlder : t.chat.loadOlder}
          </button>
        ) : (
          thread.fresh && messages.length > 0 && <p class="chat-start">{t.chat.start}</p>
        )}
      </div>
      {messages.length === 0 && shownPending.length === 0 && thread.fresh && <p class="empty">{t.chat.empty}</p>}
      {byDay(messages).map(({ key, iso, list }) => (
        <section key={key} class="chat-day" aria-labelledby={`day-${key}`}>
          <h2 id={`day-${key}`}>{dayLabel(iso, t.chat)}</h2>
          <ol class="chat-list">
            {list.map((m, i) => (
              <MessageItem key={m.id} m={m} viewer={viewer} continued={continues(list[i - 1], m)} />
            ))}
          </ol>
        </section>
      ))}
      {shownPending.length > 0 && (
        <ol class="chat-list">
          {shownPending.map((p) => (
            <PendingItem key={p.txnId} p={p} />
          ))}
        </ol>
      )}
      <span ref={end} class="chat-end" />
    </div>
  );
}

/** The messages by calendar day. */
function byDay(messages: ChatMessage[]): Array<{ key: string; iso: string; list: ChatMessage[] }> {
  const days: Array<{ key: string; iso: string; list: ChatMessage[] }> = [];
  for (const m of messages) {
    const key = dayKey(m.createdAt);
    const day = days[days.length - 1];
    if (day?.key === key) day.list.push(m);
    else days.push({ key, iso: m.createdAt, list: [m] });
  }
  return days;
}

/** The same author as just before, a moment earlier: one run, named once. */
function continues(prev: ChatMessage | undefined, m: ChatMessage): boolean {
  return !!prev && prev.kind === 'user' && m.kind === 'user' && prev.authorId === m.authorId && !prev.deletedAt && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < RUN_MS;
}
