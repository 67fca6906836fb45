/**
 * Where I am signed in: each device with when it was last used ("this device" marked),
 * signing one out, or every other one at once.
 */
import { useEffect, useState } from 'preact/hooks';
import { toast } from '../../app/toast.ts';
import { ago } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, TimeAgo } from '../../ui/index.ts';
import { endSession, loadSessions, sessions } from './sessions-store.ts';

/** The sessions section. */
export function Sessions() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void loadSessions().catch(setError), []);
  const list = sessions.value;
  const others = (list ?? []).filter((s) => !s.current);

  async function run(fn: () => Promise<string>) {
    setBusy(true);
    setError(null);
    try {
      toast(await fn());
    } catch (err) {
      setError(err);
      void loadSessions().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  }

  const endOne = (id: string) => run(async () => (await endSession(id), t.account.deviceSignedOut));
  const endOthers = () =>
    run(async () => {
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
