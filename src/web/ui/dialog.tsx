/**
 * A modal dialog on the browser's own `<dialog>` (focus kept inside, Escape closes, the
 * rest of the page inert), named by its title.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { t } from '../strings.ts';

/** Open while rendered; `onClose` when dismissed (Escape, the close button). */
export function Dialog({ title, onClose, children, class: cls }: { title: string; onClose: () => void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => d.open && d.close();
  }, []);
  return (
    <dialog ref={ref} class={`dialog ${cls ?? ''}`} aria-labelledby={id} onCancel={(e) => (e.preventDefault(), onClose())}>
      <header class="dialog-head">
        <h2 id={id}>{title}</h2>
        <button type="button" class="icon-btn" aria-label={t.app.close} onClick={onClose}>
          ×
        </button>
      </header>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}
