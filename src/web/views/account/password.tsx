/** Changing my password; every other session ends, and the answer says how many did. */
import { useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field } from '../../ui/index.ts';
import { loadSessions } from './sessions-store.ts';

/** The password section. */
export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { revoked } = await api<{ revoked: number }>('POST', '/v1/me/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setDone(t.account.passwordChanged(revoked));
      void loadSessions();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="section" aria-labelledby="password-title">
      <h2 id="password-title">{t.account.password}</h2>
      <form class="card" onSubmit={submit}>
        <Field label={t.account.currentPassword} type="password" autocomplete="current-password" required value={current} onValue={setCurrent} />
        <Field label={t.account.newPassword} type="password" autocomplete="new-password" required minLength={10} value={next} onValue={setNext} error={fieldError(error, 'newPassword')} />
        <ErrorMessage error={error} />
        <p role="status" class="password-status">
          {done}
        </p>
        <button type="submit" class="btn primary" disabled={busy}>
          {t.account.changePassword}
        </button>
      </form>
    </section>
  );
}
