/** Changing my password; every other session ends, and the answer says how many did. */
import { useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { loadSessions } from './sessions-store.ts';

/** The password section. */
export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  function submit(e: Event) {
    e.preventDefault();
    setDone(null);
    void run(async () => {
      const { revoked } = await api<{ revoked: number }>('POST', '/v1/me/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setDone(t.account.passwordChanged(revoked));
      void loadSessions();
    });
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
