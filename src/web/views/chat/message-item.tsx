/**
 * One entry of the conversation: a member's message (author with their avatar, text,
 * time, "edited"; mine on the other side; "Message deleted" once deleted), a system line
 * in words ("Bo joined the group"), or a message of mine still on its way ("Sending…",
 * or "Not sent." with "Send again" and "Remove").
 */
import { useRef, useState } from 'preact/hooks';
import { explain } from '../../api/client.ts';
import type { ChatMessage, Pending } from '../../stores/chat.ts';
import { forget, sendAgain } from '../../stores/chat.ts';
import { fullTime } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { Avatar } from '../../ui/index.ts';
import { ConfirmDelete, EditForm, MessageActions } from './message-actions.tsx';
import { MessageText } from './message-text.tsx';
import { timeOf } from './text.ts';

/** What an entry needs to know about who is looking. */
export interface Viewer {
  groupId: string;
  me: string | undefined;
  /** An admin or the owner: may delete anyone's message. */
  moderator: boolean;
}

/** A message (or a system line). `continued`: the same author as just before, so no second name. */
export function MessageItem({ m, viewer, continued }: { m: ChatMessage; viewer: Viewer; continued: boolean }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const item = useRef<HTMLLIElement>(null);
  // Done editing or deleting: the keyboard goes back to the message, not to the page's start.
  const back = (close: (v: boolean) => void) => () => {
    close(false);
    requestAnimationFrame(() => item.current?.focus());
  };
  if (m.kind === 'system') {
    return (
      <li class="msg-system" id={`msg-${m.id}`} tabIndex={-1}>
        <p>
          {m.system ? t.chat.system[m.system.type](m.system.name) : m.text}{' '}
          <Time iso={m.createdAt} />
        </p>
      </li>
    );
  }
  const mine = !!m.authorId && m.authorId === viewer.me;
  const deleted = !!m.deletedAt || m.text === null;
  return (
    <li ref={item} class={`msg${mine ? ' mine' : ''}${continued ? ' continued' : ''}`} id={`msg-${m.id}`} tabIndex={-1}>
      {!mine && (continued ? <span class="avatar-gap" /> : <Avatar id={m.authorId ?? m.id} name={m.authorName} size={32} />)}
      <div class={`bubble${deleted ? ' tombstone' : ''}`}>
        <p class={`msg-author${mine || continued ? ' visually-hidden' : ''}`}>{mine ? t.chat.you : m.authorName}</p>
        {editing ? (
          <EditForm groupId={viewer.groupId} messageId={m.id} initial={m.text ?? ''} onDone={back(setEditing)} />
        ) : deleted ? (
          <p class="msg-deleted">{t.chat.deleted}</p>
        ) : (
          <MessageText text={m.text!} />
        )}
        <p class="msg-meta">
          <Time iso={m.createdAt} />
          {m.editedAt && !deleted && <span> · {t.chat.edited}</span>}
        </p>
      </div>
      {!deleted && !editing && (mine || viewer.moderator) && <MessageActions canEdit={mine} onEdit={() => setEditing(true)} onDelete={() => setDeleting(true)} />}
      {deleting && <ConfirmDelete groupId={viewer.groupId} messageId={m.id} onClose={back(setDeleting)} />}
    </li>
  );
}

/** A message of mine not in the conversation yet. */
export function PendingItem({ p }: { p: Pending }) {
  return (
    <li class={`msg mine pending${p.error ? ' failed' : ''}`}>
      <div class="bubble">
        <p class="msg-author visually-hidden">{t.chat.you}</p>
        <MessageText text={p.text} />
        {p.error ? (
          <div class="msg-meta msg-failed">
            <p>
              <span aria-hidden="true">⚠ </span>
              {t.chat.notSent} {explain(p.error)}
            </p>
            <div class="row">
              <button type="button" class="btn small" onClick={() => void sendAgain(p)}>
                {t.chat.sendAgain}
              </button>
              <button type="button" class="btn small" onClick={() => forget(p.txnId)}>
                {t.chat.remove}
              </button>
            </div>
          </div>
        ) : (
          <p class="msg-meta">
            <span aria-hidden="true">◷ </span>
            {t.chat.sending}
          </p>
        )}
      </div>
    </li>
  );
}

function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {timeOf(iso)}
    </time>
  );
}
