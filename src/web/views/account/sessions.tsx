/**
 * Where I am signed in: each device with when it was last used ("this device" marked),
 * signing one out, or every other one at once.
 */
import { useEffect } from 'preact/hooks';
import { toast } from '../../app/toast.ts';
import { ago } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, TimeAgo, useAction } from '../../ui/index.ts';
import { endSession, loadSessions, sessions } from './sessions-store.ts';

/** The sessions section. */
export function Sessions() {
  const { busy, error, run, setError } = useAction();
  useEffect(() => void loadSessions().catch(setError), []);
  const list = sessions.value;
  const others = (list ?? []).filter((s) => !s.current);

  /** Runs `fn` and toasts what it says; after a failure, shows which sessions are left. */
  async function end(fn: () => Promise<string>) {
    const said = await run(fn);
    if (said === undefined) void loadSessions().catch(() => undefined);
    else toast(said);
  }

  const endOne = (id: string) => end(async () => (await endSession(id), t.account.deviceSignedOut));
  const endOthers = () =>
    end(async () => {
      for (const s of others) await endSession(s.id);
      return t.account.othersSignedOut(others.length);
    });

  return (
    <section class="section" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t.account.sessions}</h2>
      <ErrorMessage error={error} />
      {list && (
        <ul class="list" aria-labelledby="sessions-title">
          {list.map((s) => (
            <li key={s.id} class="card account-row">
              <div class="account-row-text">
                <p class="account-row-title">
                  {s.device}
                  {s.current && <span class="this-device">{t.account.thisDevice}</span>}
                </p>
                <p class="hint">
                  <TimeAgo iso={s.lastUsedAt} prefix={t.account.lastUsed} />
                </p>
              </div>
              {!s.current && (
                <button type="button" class="btn small" disabled={busy} aria-label={t.account.signOutDeviceLabel(s.device, ago(s.lastUsedAt))} onClick={() => endOne(s.id)}>
                  {t.account.signOutDevice}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <button type="button" class="btn" disabled={busy} onClick={endOthers}>
          {t.account.signOutOthers}
        </button>
      )}
    </section>
  );
}
