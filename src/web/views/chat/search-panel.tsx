/**
 * Searching the group's messages: a box labelled "Search messages", the number found (a
 * status line), and the results — author, time and a snippet with the matches marked —
 * each a button that shows the message in its conversation.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message } from '../../api/types.ts';
import { clock } from '../../lib/time.ts';
import { searchMessages, type SearchResult } from '../../stores/chat.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';
import { Snippet } from './message-text.tsx';

/** The search box and its results; `onPick` shows a message. */
export function SearchPanel({ groupId, onPick }: { groupId: string; onPick: (m: Message) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const { busy, error, run } = useAction();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  async function search(e: Event) {
    e.preventDefault();
    const query = q.trim();
    if (!query) return;
    setResults((await run(() => searchMessages(groupId, query))) ?? null);
  }

  return (
    <div class="chat-search" id="chat-search">
      <form role="search" class="chat-search-form" onSubmit={search}>
        <label for="chat-search-q" class="visually-hidden">
          {t.chat.searchLabel}
        </label>
        <input id="chat-search-q" ref={input} type="search" value={q} placeholder={t.chat.searchLabel} maxLength={200} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" class="btn" disabled={busy}>
          {t.chat.find}
        </button>
      </form>
      <p class="hint" role="status">
        {busy ? t.chat.searching : results ? t.chat.found(results.length) : ''}
      </p>
      <ErrorMessage error={error} />
      {results && results.length > 0 && (
        <ul class="list chat-results" aria-label={t.chat.resultsLabel}>
          {results.map((r) => (
            <li key={r.message.id}>
              <button type="button" class="chat-result" onClick={() => onPick(r.message)}>
                <span class="chat-result-head">
                  {r.message.authorName} · <time dateTime={r.message.createdAt}>{clock(r.message.createdAt)}</time>
                </span>
                <Snippet snippet={r.snippet} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
