/** The toasts (app/toast.ts), in a polite live region. */
import { toasts } from './toast.ts';

/** Renders the messages on screen now. */
export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((m) => (
        <p key={m.id} class="toast">
          {m.text}
        </p>
      ))}
    </div>
  );
}
