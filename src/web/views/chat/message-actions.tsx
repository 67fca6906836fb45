/**
 * What can be done with a message: a "Message options" button that shows "Edit" (my own)
 * and "Delete" (my own, or anyone's for an admin); deleting asks first, in a dialog; editing
 * happens in place, in a box labelled "Edit message" (Enter saves, Escape cancels).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { deleteMessage, editMessage, MAX_TEXT, textProblem } from '../../stores/chat.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, useAction } from '../../ui/index.ts';

/** The options button and its choices. */
export function MessageActions({ canEdit, onEdit, onDelete }: { canEdit: boolean; onEdit: () => void; onDelete: () => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pick = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  return (
    <div class="msg-actions" onKeyDown={(e) => e.key === 'Escape' && open && (setOpen(false), button.current?.focus())}>
      <button ref={button} type="button" class="msg-options" aria-expanded={open} aria-label={t.chat.options} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div class="msg-menu">
          {canEdit && (
            <button type="button" class="btn small" onClick={pick(onEdit)}>
              {t.chat.edit}
            </button>
          )}
          <button type="button" class="btn small" onClick={pick(onDelete)}>
            {t.chat.delete}
          </button>
        </div>
      )}
    </div>
  );
}

/** Asks before deleting a message. */
export function ConfirmDelete({ groupId, messageId, onClose }: { groupId: string; messageId: string; onClose: () => void }) {
  const { busy, error, run } = useAction();
  const remove = () =>
    run(async () => {
      await deleteMessage(groupId, messageId);
      onClose();
    });
  return (
    <Dialog title={t.chat.confirmDelete} onClose={onClose}>
      <p>{t.chat.confirmDeleteLead}</p>
      <ErrorMessage error={error} />
      <div class="row">
        <button type="button" class="btn danger" disabled={busy} onClick={remove}>
          {t.chat.delete}
        </button>
        <button type="button" class="btn" onClick={onClose}>
          {t.app.cancel}
        </button>
      </div>
    </Dialog>
  );
}

/** Edits a message in place. */
export function EditForm({ groupId, messageId, initial, onDone }: { groupId: string; messageId: string; initial: string; onDone: () => void }) {
  const [text, setText] = useState(initial);
  const { busy, error, run, setError } = useAction();
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current!;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const problem = textProblem(text);
  function save(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (text === initial) return onDone();
    if (problem) return setError(problem === 'long' ? t.chat.tooLong(text.length, MAX_TEXT) : null);
    void run(async () => {
      await editMessage(groupId, messageId, text);
      onDone();
    });
  }
  return (
    <form class="msg-edit" onSubmit={save}>
      <label class="visually-hidden" for={`edit-${messageId}`}>
        {t.chat.editLabel}
      </label>
      <textarea
        id={`edit-${messageId}`}
        ref={box}
        rows={3}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') (e.preventDefault(), onDone());
          else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) save(e);
        }}
      />
      <ErrorMessage error={error} />
      <div class="row">
        <button type="submit" class="btn small primary" disabled={busy}>
          {t.app.save}
        </button>
        <button type="button" class="btn small" onClick={onDone}>
          {t.app.cancel}
        </button>
      </div>
    </form>
  );
}
