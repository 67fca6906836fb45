/**
 * Adding a forwarding target: an ntfy topic (with how to subscribe in the app, and an
 * optional access token) or a webhook. A webhook's secret comes in the answer only: it is
 * shown once, in a dialog with "Copy" and a warning, and kept nowhere.
 */
import { useState } from 'preact/hooks';
import { fieldError } from '../../api/client.ts';
import { toast } from '../../app/toast.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { addTarget, nameOfTarget, type TargetIn } from './targets.ts';

/** Both forms, and the secret's dialog when a webhook was just added. */
export function AddTarget() {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <TargetForm kind="ntfy" />
      <TargetForm kind="webhook" onSecret={setSecret} />
      {secret && <SecretDialog secret={secret} onClose={() => setSecret(null)} />}
    </>
  );
}

function TargetForm({ kind, onSecret }: { kind: 'ntfy' | 'webhook'; onSecret?: (s: string) => void }) {
  const ntfy = kind === 'ntfy';
  const [url, setUrl] = useState('');
  const [label, setLabel] = useState('');
  const [token, setToken] = useState('');
  const { busy, error, run } = useAction();
  const h = `add-${kind}-h`;

  function submit(e: Event) {
    e.preventDefault();
    const body: TargetIn = ntfy
      ? { kind, url: url.trim(), ...(label.trim() ? { label: label.trim() } : {}), ...(token.trim() ? { token: token.trim() } : {}) }
      : { kind, url: url.trim(), ...(label.trim() ? { label: label.trim() } : {}) };
    void run(async () => {
      const r = await addTarget(body);
      setUrl('');
      setLabel('');
      setToken('');
      toast(t.alerts.added(nameOfTarget(r.target)));
      if (r.secret) onSecret?.(r.secret);
    });
  }

  return (
    <form class="section card" onSubmit={submit} aria-labelledby={h}>
      <h3 id={h}>{ntfy ? t.alerts.ntfyTitle : t.alerts.webhookTitle}</h3>
      {ntfy ? (
        <ol class="alert-steps">
          {t.alerts.ntfyHelp.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      ) : (
        <p class="hint">{t.alerts.webhookHelp}</p>
      )}
      <Field label={ntfy ? t.alerts.ntfyUrl : t.alerts.webhookUrl} type="url" required maxLength={2048} value={url} onValue={setUrl} error={fieldError(error, 'url')} autocomplete="off" />
      <Field label={t.alerts.targetName} hint={t.alerts.targetNameHint} maxLength={80} value={label} onValue={setLabel} error={fieldError(error, 'label')} autocomplete="off" />
      {ntfy && <Field label={t.alerts.ntfyToken} hint={t.alerts.ntfyTokenHint} type="password" maxLength={256} value={token} onValue={setToken} error={fieldError(error, 'token')} autocomplete="off" />}
      <ErrorMessage error={error} />
      <button type="submit" class="btn primary" disabled={busy}>
        {ntfy ? t.alerts.addNtfy : t.alerts.addWebhook}
      </button>
    </form>
  );
}

function SecretDialog({ secret, onClose }: { secret: string; onClose: () => void }) {
  const [note, setNote] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setNote(t.app.copied);
    } catch {
      setNote(t.alerts.copyFailed); // no clipboard here (an insecure origin, a refusal): copy by hand
    }
  }
  return (
    <Dialog title={t.alerts.secretTitle} onClose={onClose}>
      <p>{t.alerts.secretLead}</p>
      <p class="alert-warning">{t.alerts.secretWarning}</p>
      <div class="field">
        <label for="webhook-secret">{t.alerts.secretLabel}</label>
        <input id="webhook-secret" class="alert-secret" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <p role="status" class="hint">
        {note}
      </p>
      <div class="row">
        <button type="button" class="btn" onClick={() => void copy()}>
          {t.app.copy}
        </button>
        <button type="button" class="btn primary" onClick={onClose}>
          {t.alerts.done}
        </button>
      </div>
    </Dialog>
  );
}
