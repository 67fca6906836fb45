/**
 * "Are you sure?" as a dialog: what will happen in words, the action named on its button
 * ("Remove Bo", never "OK"), Cancel, and the API's refusal shown in place when it fails.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../strings.ts';
import { Dialog } from './dialog.tsx';
import { ErrorMessage } from './error-message.tsx';

/** Runs `onConfirm` (closing on success); `ready` false keeps the button disabled (type-to-confirm). */
export function ConfirmDialog(props: {
  title: string;
  confirm: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  danger?: boolean;
  ready?: boolean;
  /** Words for a refusal the caller knows better than `explain` (e.g. an owner who must transfer first). */
  explainError?: (err: unknown) => string | undefined;
  children: ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError(props.explainError?.(err) ?? err);
      setBusy(false);
    }
  }

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form class="stack" onSubmit={submit}>
        {props.children}
        <ErrorMessage error={error} />
        <div class="row">
          <button type="submit" class={`btn ${props.danger ? 'danger' : 'primary'}`} disabled={busy || props.ready === false}>
            {props.confirm}
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            {t.app.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
