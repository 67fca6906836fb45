/**
 * Deleting my account, confirmed with my password. An owner of a group is told to hand it
 * over (or delete it) first, naming the groups. Done, the session ends with the reason
 * `deleted`, so the sign-in page says the account is gone.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import { end } from '../../api/session.ts';
import { navigate } from '../../app/router.ts';
import { groups } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ConfirmDialog, Field } from '../../ui/index.ts';

/** The "Delete your account" section. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const close = () => (setOpen(false), setPassword(''));

  function explainError(err: unknown): string | undefined {
    if (!(err instanceof ApiError) || err.code !== 'users.owner_must_transfer') return undefined;
    const owned = groups.value.filter((g) => g.role === 'owner').map((g) => g.name);
    return t.account.ownerFirst(owned.join(', ') || t.nav.group);
  }

  return (
    <section class="section" aria-labelledby="delete-title">
      <h2 id="delete-title">{t.account.dangerTitle}</h2>
      <p class="hint">{t.account.deleteExplain}</p>
      <button type="button" class="btn danger" onClick={() => setOpen(true)}>
        {t.account.deleteAccount}
      </button>
      {open && (
        <ConfirmDialog
          title={t.account.deleteTitle}
          confirm={t.account.deleteConfirm}
          danger
          ready={password.length > 0}
          onClose={close}
          explainError={explainError}
          onConfirm={async () => {
            await api('DELETE', '/v1/me', { body: { password } });
            navigate('/', { replace: true });
            end('deleted');
          }}
        >
          <p>{t.account.deleteExplain}</p>
          <Field label={t.account.deletePassword} type="password" autocomplete="current-password" required value={password} onValue={setPassword} />
        </ConfirmDialog>
      )}
    </section>
  );
}
