/**
 * Sign in: "Email", "Password", "Sign in" — and "Two-factor code" once the API says the
 * account needs one (`users.code_required`). Says why the last session ended when it did
 * (signed out elsewhere, a reused token …), and offers registration only where this Hearth
 * takes new accounts openly. Below the form, a button per external OpenID provider (a
 * plain link: the browser leaves for the provider and comes back signed in, main.tsx).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client.ts';
import { signIn, ended, externalError } from '../../api/session.ts';
import { link } from '../../app/router.ts';
import { instance } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';

/**
 * The sign-in form; `onDone` after a successful sign-in (the join page accepts the invite then).
 * `invite` goes with a provider's button: a new account made through the provider joins its group.
 */
export function SignIn({ title = t.auth.signInTitle, lead, onDone, footer, invite }: { title?: string; lead?: string; onDone?: () => void; footer?: preact.ComponentChildren; invite?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const { busy, error, run } = useAction();
  const why = ended.value;

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      try {
        await signIn(email.trim(), password, needCode ? code.trim() : undefined);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'users.code_required') setNeedCode(true);
        throw err;
      }
      onDone?.();
    });
  }

  return (
    <form class="card welcome-card" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title" tabIndex={-1}>
        {title}
      </h1>
      {lead && <p>{lead}</p>}
      {why && why !== 'signed_out' && (
        <p class="notice" role="status">
          {t.auth.ended[why]}
        </p>
      )}
      <Field label={t.auth.email} type="email" autocomplete="username" required value={email} onValue={setEmail} />
      <Field label={t.auth.password} type="password" autocomplete="current-password" required value={password} onValue={setPassword} />
      {needCode && <Field label={t.auth.code} hint={t.auth.codeHint} autocomplete="one-time-code" required maxLength={64} value={code} onValue={setCode} />}
      <ErrorMessage error={error} />
      {externalError.value && (
        <p class="error" role="alert">
          {t.auth.external[externalError.value] ?? t.auth.external.other}
        </p>
      )}
      <button type="submit" class="btn primary wide" disabled={busy}>
        {busy ? t.auth.signingIn : t.auth.signIn}
      </button>
      {!!instance.value?.oidc?.length && (
        <nav class="alt" aria-label={t.auth.orUse}>
          {instance.value.oidc.map((p) => (
            <a key={p.name} class="btn wide" href={`/v1/auth/oidc/${encodeURIComponent(p.name)}/start${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`}>
              {p.label}
            </a>
          ))}
        </nav>
      )}
      {footer ??
        (instance.value?.registration === 'open' ? (
          <p class="alt">
            <a href="/register" onClick={link}>
              {t.auth.noAccount}
            </a>
          </p>
        ) : instance.value?.registration === 'invite-only' ? (
          <p class="alt hint">{t.auth.inviteOnly}</p>
        ) : null)}
    </form>
  );
}
