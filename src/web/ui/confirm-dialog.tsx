/**
 * "Are you sure?" as a dialog: what will happen in words, the action named on its button
 * ("Remove Bo", never "OK"), Cancel, and the API's refusal shown in place when it fails.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../strings.ts';
import { Dialog } from './dialog.tsx';
import { ErrorMessage } from './error-message.tsx';
import { useAction } from './use-action.ts';

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
  const { busy, error, run } = useAction();

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      await props.onConfirm().catch((err: unknown) => {
        throw props.explainError?.(err) ?? err; // in the caller's words when it has them
      });
      props.onClose();
    });
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
