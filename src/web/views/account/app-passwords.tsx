/**
 * App passwords, for apps that cannot sign in with my password (OwnTracks, scripts):
 * create one with a label — its password is shown once (revealed-password.tsx) — and
 * revoke those no longer used.
 */
import { useEffect, useState } from 'preact/hooks';
import { toast } from '../../app/toast.ts';
import { ago } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { appPasswords, createAppPassword, loadAppPasswords, revokeAppPassword } from './sessions-store.ts';

/** The app passwords section. */
export function AppPasswords() {
  const [label, setLabel] = useState('');
  const { busy, error, run, setError } = useAction();
  useEffect(() => void loadAppPasswords().catch(setError), []);
  const list = appPasswords.value;

  function create(e: Event) {
    e.preventDefault();
    void run(async () => {
      await createAppPassword(label.trim());
      setLabel('');
    });
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await revokeAppPassword(id);
      toast(t.account.appPasswordRevoked);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section class="section" aria-labelledby="app-passwords-title">
      <h2 id="app-passwords-title">{t.account.appPasswords}</h2>
      <p class="hint">{t.account.appPasswordsLead}</p>
      <form class="card" onSubmit={create}>
        <Field label={t.account.label} hint={t.account.labelHint} required maxLength={80} value={label} onValue={setLabel} />
        <button type="submit" class="btn primary" disabled={busy || !label.trim()}>
          {t.account.createAppPassword}
        </button>
      </form>
      <ErrorMessage error={error} />
      {list && list.length === 0 && <p class="empty">{t.account.noAppPasswords}</p>}
      {list && list.length > 0 && (
        <ul class="list" aria-labelledby="app-passwords-title">
          {list.map((p) => (
            <li key={p.id} class="card account-row">
              <div class="account-row-text">
                <p class="account-row-title">{p.label}</p>
                <p class="hint">{t.account.appPasswordUse(ago(p.createdAt), ago(p.lastUsedAt))}</p>
              </div>
              <button type="button" class="btn small" aria-label={t.account.revokeLabel(p.label)} onClick={() => revoke(p.id)}>
                {t.account.revoke}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
