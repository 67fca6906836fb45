/**
 * Writing a message: a box labelled "Message" (Enter sends, Shift+Enter starts a new line)
 * and a "Send" button. What is sent shows at once in the conversation as pending; while
 * typing, the others are told (throttled in the store). The box grows with its text.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT, sendMessage, tellTyping, textProblem } from '../../stores/chat.ts';
import { t } from '../../strings.ts';

/** The composer of one group's chat; `onSend` runs before the message is queued. */
export function Composer({ groupId, onSend }: { groupId: string; onSend?: () => void }) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const problem = textProblem(text);

  // Grow with the text, up to a third of the screen (chat.css caps it); element.style is CSP-safe.
  useLayoutEffect(() => {
    const el = box.current!;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight + 2}px`;
  }, [text]);

  const submit = (e: Event) => {
    e.preventDefault();
    if (problem) return box.current?.focus();
    onSend?.();
    void sendMessage(groupId, text);
    setText('');
    box.current?.focus();
  };

  return (
    <form class="composer" onSubmit={submit}>
      <label for="chat-message" class="visually-hidden">
        {t.chat.message}
      </label>
      <textarea
        id="chat-message"
        ref={box}
        rows={1}
        value={text}
        placeholder={t.chat.placeholder}
        aria-invalid={problem === 'long' || undefined}
        aria-describedby={problem === 'long' ? 'chat-message-error' : undefined}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          if (v.trim()) tellTyping(groupId);
        }}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter is a new line; an IME still composing keeps its Enter.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
        }}
      />
      <button type="submit" class="btn primary">
        {t.chat.send}
      </button>
      {problem === 'long' && (
        <p id="chat-message-error" class="field-error" role="alert">
          {t.chat.tooLong(text.length, MAX_TEXT)}
        </p>
      )}
    </form>
  );
}
