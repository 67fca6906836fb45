/**
 * A button that copies a text (an invite link, an app password, a setting) to the
 * clipboard and says so. Where the clipboard cannot be written (an insecure origin, a
 * refused permission) it selects the text in `target` instead, so Ctrl+C copies it.
 */
import { toast } from '../app/toast.ts';
import { t } from '../strings.ts';

/** Copies `text`; `target` is the id of the input (or element) that shows it. */
export function CopyButton({ text, label = t.app.copy, target, class: cls = 'btn small' }: { text: string; label?: string; target?: string; class?: string }) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast(t.app.copied, 3000);
    } catch {
      // No clipboard here: select the text for the person to copy themselves.
      selectText(target);
      toast(t.app.copyManual);
    }
  }
  return (
    <button type="button" class={cls} onClick={copy}>
      {label}
    </button>
  );
}

function selectText(id: string | undefined): void {
  const el = id ? document.getElementById(id) : null;
  if (!el) return;
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    el.focus();
    el.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}
