/**
 * One forwarding target: its name, kind, address and state in words; "Send test" (which
 * opens the delivery log and follows the test until it shows), the log, and "Delete" with a
 * confirmation.
 */
import { useState } from 'preact/hooks';
import type { Target } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, useAction } from '../../ui/index.ts';
import { DeliveryLog } from './delivery-log.tsx';
import { deleteTarget, nameOfTarget, testTarget } from './targets.ts';

/** A target in the list. */
export function TargetItem({ target }: { target: Target }) {
  const name = nameOfTarget(target);
  const [log, setLog] = useState(false);
  const [awaiting, setAwaiting] = useState<number | null>(null);
  const [confirm, setConfirm] = useState(false);
  const { busy, error, run } = useAction();
  const id = `target-${target.id}`;

  const test = () =>
    run(async () => {
      setAwaiting(await testTarget(target.id));
      setLog(true);
      toast(t.alerts.testSent);
    });
  const remove = () =>
    run(async () => {
      await deleteTarget(target.id);
      setConfirm(false);
      toast(t.alerts.deleted(name));
    });

  return (
    <li class="card alert-target" aria-labelledby={id}>
      <h3 id={id}>{name}</h3>
      <p class="hint">{t.alerts.kind[target.kind]}</p>
      <p class="alert-target-url">{target.url}</p>
      <p class={`alert-target-state${target.state === 'closed' ? '' : ' bad'}`}>
        {t.alerts.stateLabel}: {t.alerts.state[target.state]}
      </p>
      <div class="row">
        <button type="button" class="btn small primary" disabled={busy} onClick={test}>
          {t.alerts.sendTest}
        </button>
        <button type="button" class="btn small" aria-expanded={log} onClick={() => setLog(!log)}>
          {log ? t.alerts.hideLog : t.alerts.showLog}
        </button>
        <button type="button" class="btn small" onClick={() => setConfirm(true)}>
          {t.alerts.deleteTarget(name)}
        </button>
      </div>
      <ErrorMessage error={confirm ? null : error} />
      {log && <DeliveryLog target={target} awaiting={awaiting} />}
      {confirm && (
        <Dialog title={t.alerts.deleteTitle} onClose={() => setConfirm(false)}>
          <p>{t.alerts.deleteConfirm(name)}</p>
          <ErrorMessage error={error} />
          <div class="row">
            <button type="button" class="btn danger" disabled={busy} onClick={remove}>
              {t.app.delete}
            </button>
            <button type="button" class="btn" onClick={() => setConfirm(false)}>
              {t.app.cancel}
            </button>
          </div>
        </Dialog>
      )}
    </li>
  );
}
