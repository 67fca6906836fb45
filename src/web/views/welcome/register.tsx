/**
 * Creating an account: the first one of a fresh Hearth (it becomes the instance admin), one
 * with an invite (it lands in the invite's group), or an open registration. Signs in right
 * after, so the next screen is the app.
 */
import { useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import { signIn } from '../../api/session.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';

/** What `POST /v1/auth/register` answers. */
export interface Registered {
  userId: string;
  admin: boolean;
  groupId: string | null;
}

/** The registration form. */
export function Register({ title, lead, submit: submitLabel, invite, onDone, footer }: { title: string; lead?: string; submit: string; invite?: string; onDone: (r: Registered) => void; footer?: preact.ComponentChildren }) {
  const [displayName, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      const r = await api<Registered>('POST', '/v1/auth/register', {
        anonymous: true,
        body: { email: email.trim(), password, displayName: displayName.trim(), ...(invite ? { invite } : {}) },
      });
      await signIn(email.trim(), password);
      onDone(r);
    });
  }

  return (
    <form class="card welcome-card" onSubmit={submit} aria-labelledby="register-title">
      <h1 id="register-title" tabIndex={-1}>
        {title}
      </h1>
      {lead && <p>{lead}</p>}
      <Field label={t.auth.displayName} hint={t.auth.displayNameHint} autocomplete="nickname" required maxLength={80} value={displayName} onValue={setName} error={fieldError(error, 'displayName')} />
      <Field label={t.auth.email} type="email" autocomplete="username" required value={email} onValue={setEmail} error={fieldError(error, 'email')} />
      <Field label={t.auth.newPassword} type="password" autocomplete="new-password" required minLength={10} value={password} onValue={setPassword} error={fieldError(error, 'password')} />
      <ErrorMessage error={error} />
      <button type="submit" class="btn primary wide" disabled={busy}>
        {submitLabel}
      </button>
      {footer}
    </form>
  );
}
