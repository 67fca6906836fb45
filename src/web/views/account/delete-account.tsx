/**
 * Deleting my account, confirmed with my password. An owner of a group is told to hand it
 * over (or delete it) first, naming the groups. Asked, the deletion runs as a saga on the
 * server (`DELETE /v1/me` → 202): this section then shows how far it got
 * (`GET /v1/me/deletion`, asked every second) — the grace period, if there is one, and each
 * part of Hearth erasing what it holds. When the account is gone, its session is refused:
 * the session ends with the reason `deleted`, so the sign-in page says the account is gone.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import { end, expectDeletion } from '../../api/session.ts';
import { navigate } from '../../app/router.ts';
import { groups } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ConfirmDialog, Field } from '../../ui/index.ts';

/** What GET /v1/me/deletion answers (contracts/sagas/account-deletion.ts). */
interface Progress {
  sagaId: string;
  status: string;
  step: string | null;
  steps: { name: string; participant: string; status: string }[];
  graceEndsAt: string | null;
  error: { code: string; message: string } | null;
}

const POLL_MS = 1000;

/** The deletion under way, or null; 'gone' once the account is (its session is refused). */
async function progress(): Promise<Progress | 'gone' | null> {
  try {
    return await api<Progress>('GET', '/v1/me/deletion');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return 'gone';
    if (err instanceof ApiError && err.code === 'users.no_account_deletion') return null;
    throw err;
  }
}

function leave(): void {
  navigate('/', { replace: true });
  end('deleted');
}

/** The steps of a running deletion, in words, as a live region. */
function DeletionProgress({ p }: { p: Progress }) {
  const d = t.account.deletion;
  return (
    <div role="status" aria-live="polite" class="deletion-progress">
      <p>{p.status === 'cancelled' ? d.cancelled : p.status === 'failed' || p.status === 'compensating' ? d.failed : d.running}</p>
      {p.graceEndsAt && p.status === 'running' && <p class="hint">{d.grace(new Date(p.graceEndsAt).toLocaleString())}</p>}
      {p.status !== 'cancelled' && (
        <ul aria-label={d.stepsLabel}>
          {p.steps.map((s) => (
            <li key={s.name}>
              {d.steps[s.name] ?? s.name}: {d.stepStatus[s.status] ?? s.status}
            </li>
          ))}
        </ul>
      )}
      {p.error && p.status === 'running' && <p class="hint">{d.retrying}</p>}
    </div>
  );
}

/** The "Delete your account" section. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [running, setRunning] = useState<Progress | null>(null);
  const close = () => (setOpen(false), setPassword(''));

  // While a deletion runs, it is asked again every second; a network error is asked again too.
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      const p = await progress().catch(() => undefined);
      if (stopped) return;
      if (p === 'gone' || p?.status === 'completed') return leave();
      if (p) setRunning(p);
      if (p && (p.status === 'cancelled' || p.status === 'failed')) expectDeletion(false);
      if (!p || p.status === 'running' || p.status === 'compensating') timer = setTimeout(ask, POLL_MS);
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running?.sagaId]);

  function explainError(err: unknown): string | undefined {
    if (!(err instanceof ApiError) || err.code !== 'users.owner_must_transfer') return undefined;
    const owned = groups.value.filter((g) => g.role === 'owner').map((g) => g.name);
    return t.account.ownerFirst(owned.join(', ') || t.nav.group);
  }

  return (
    <section class="section" aria-labelledby="delete-title">
      <h2 id="delete-title">{t.account.dangerTitle}</h2>
      {running ? (
        <DeletionProgress p={running} />
      ) : (
        <>
          <p class="hint">{t.account.deleteExplain}</p>
          <button type="button" class="btn danger" onClick={() => setOpen(true)}>
            {t.account.deleteAccount}
          </button>
        </>
      )}
      {open && (
        <ConfirmDialog
          title={t.account.deleteTitle}
          confirm={t.account.deleteConfirm}
          danger
          ready={password.length > 0}
          onClose={close}
          explainError={explainError}
          onConfirm={async () => {
            const started = await api<{ sagaId: string; status: string }>('DELETE', '/v1/me', { body: { password } });
            close();
            expectDeletion(true);
            setRunning({ sagaId: started.sagaId, status: started.status, step: null, steps: [], graceEndsAt: null, error: null });
          }}
        >
          <p>{t.account.deleteExplain}</p>
          <Field label={t.account.deletePassword} type="password" autocomplete="current-password" required value={password} onValue={setPassword} />
        </ConfirmDialog>
      )}
    </section>
  );
}
