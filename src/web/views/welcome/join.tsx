/**
 * `/join/<code>`, the link in an invite: shows the group's name and who invited, then lets
 * a new person create an account with the invite (landing in the group), someone with an
 * account sign in and join, and someone signed in join with one tap. Ends on the map of
 * the joined group.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, explain } from '../../api/client.ts';
import { auth } from '../../api/session.ts';
import { navigate } from '../../app/router.ts';
import { toast } from '../../app/toast.ts';
import { loadGroups, pickGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';
import { Register } from './register.tsx';
import { SignIn } from './sign-in.tsx';

/** What `GET /v1/invites/{code}` answers. */
interface Preview {
  code: string;
  groupId: string;
  groupName: string;
  expiresAt: string;
  inviterName: string | null;
}

/** The join page for `code`. */
export function Join({ code }: { code: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const { busy, error, run, setError } = useAction();
  const [mode, setMode] = useState<'register' | 'signin'>('register');

  useEffect(() => {
    api<Preview>('GET', `/v1/invites/${encodeURIComponent(code)}`, { anonymous: true }).then(setPreview, setError);
  }, [code]);

  async function landIn(groupId: string) {
    await loadGroups().catch(() => undefined);
    pickGroup(groupId);
    toast(t.join.joined(preview?.groupName ?? ''));
    navigate('/map', { replace: true });
  }

  const accept = () =>
    run(async () => {
      const { groupId } = await api<{ groupId: string }>('POST', `/v1/invites/${encodeURIComponent(code)}/accept`).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'users.already_member' && preview) return { groupId: preview.groupId };
        throw err;
      });
      await landIn(groupId);
    });

  if (!preview) {
    return (
      <div class="card welcome-card">
        <h1 tabIndex={-1}>{error ? explain(error) : t.join.checking}</h1>
        {!!error && (
          <p>
            <a href="/">{t.app.name}</a>
          </p>
        )}
      </div>
    );
  }

  const lead = preview.inviterName ? t.join.invitedBy(preview.inviterName, preview.groupName) : t.join.invited(preview.groupName);
  if (auth.value) {
    return (
      <div class="card welcome-card">
        <h1 tabIndex={-1}>{t.join.title(preview.groupName)}</h1>
        <p>{lead}</p>
        <ErrorMessage error={error} />
        <button type="button" class="btn primary wide" disabled={busy} onClick={accept}>
          {t.join.accept(preview.groupName)}
        </button>
      </div>
    );
  }
  if (mode === 'signin') {
    return <SignIn title={t.join.title(preview.groupName)} lead={lead} invite={code} onDone={() => void accept()} footer={<p class="alt"><button type="button" class="link" onClick={() => setMode('register')}>{t.auth.registerTitle}</button></p>} />;
  }
  return (
    <Register
      title={t.join.title(preview.groupName)}
      lead={lead}
      submit={t.join.registerAndJoin}
      invite={code}
      onDone={(r) => void landIn(r.groupId ?? preview.groupId)}
      footer={
        <p class="alt">
          <button type="button" class="link" onClick={() => setMode('signin')}>
            {t.join.signInToJoin}
          </button>
        </p>
      }
    />
  );
}
