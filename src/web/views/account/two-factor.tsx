/**
 * Two-factor sign-in: turn it on (a QR code for the authenticator app, the secret as text
 * for typing in, a field for the first code), then the ten recovery codes, shown this once
 * with a Copy button; turn it off with a code from the app (or a recovery code).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { toast } from '../../app/toast.ts';
import { ago } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { CopyButton, ErrorMessage, Field, useAction } from '../../ui/index.ts';

interface Status {
  enabled: boolean;
  pending: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
}

interface Enrolment {
  secret: string;
  qrSrc: string;
}

/** The two-factor section. */
export function TwoFactor() {
  const [status, setStatus] = useState<Status | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, run, setError } = useAction();

  const load = async () => setStatus(await api<Status>('GET', '/v1/me/two-factor'));
  useEffect(() => void load().catch(setError), []);

  function start() {
    void run(async () => {
      const made = await api<{ secret: string; uri: string; qrSvg: string }>('POST', '/v1/me/two-factor');
      setEnrolment({ secret: made.secret, qrSrc: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(made.qrSvg)}` });
      setCode('');
    });
  }

  function confirm(e: Event) {
    e.preventDefault();
    void run(async () => {
      const { recoveryCodes } = await api<{ recoveryCodes: string[] }>('POST', '/v1/me/two-factor/confirm', { body: { code: code.trim() } });
      setEnrolment(null);
      setCode('');
      setRecovery(recoveryCodes);
      await load();
    });
  }

  function turnOff(e: Event) {
    e.preventDefault();
    void run(async () => {
      await api('DELETE', '/v1/me/two-factor', { body: { code: code.trim() } });
      setCode('');
      setRecovery(null);
      toast(t.twoFactor.turnedOff);
      await load();
    });
  }

  return (
    <section class="section" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">{t.twoFactor.title}</h2>
      <p class="hint">{t.twoFactor.lead}</p>
      {recovery && (
        <div class="card stack" role="region" aria-labelledby="recovery-title">
          <h3 id="recovery-title">{t.twoFactor.recoveryTitle}</h3>
          <p class="notice">{t.twoFactor.recoveryLead}</p>
          <ul id="recovery-codes" class="recovery-codes" aria-label={t.twoFactor.recoveryTitle}>
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div class="row">
            <CopyButton text={recovery.join('\n')} label={t.twoFactor.copyRecovery} target="recovery-codes" class="btn primary" />
            <button type="button" class="btn" onClick={() => setRecovery(null)}>
              {t.account.done}
            </button>
          </div>
        </div>
      )}
      {status?.enabled && !recovery && (
        <form class="card" onSubmit={turnOff}>
          <p role="status">{t.twoFactor.isOn(ago(status.enabledAt), status.recoveryCodesLeft)}</p>
          <Field label={t.twoFactor.codeToTurnOff} autocomplete="one-time-code" required maxLength={64} value={code} onValue={setCode} />
          <ErrorMessage error={error} />
          <button type="submit" class="btn" disabled={busy || !code.trim()}>
            {t.twoFactor.turnOff}
          </button>
        </form>
      )}
      {status && !status.enabled && !enrolment && (
        <div class="card">
          <p role="status">{t.twoFactor.isOff}</p>
          <ErrorMessage error={error} />
          <button type="button" class="btn primary" disabled={busy} onClick={start}>
            {t.twoFactor.turnOn}
          </button>
        </div>
      )}
      {status && !status.enabled && enrolment && (
        <form class="card two-factor-enrol" onSubmit={confirm}>
          <p>{t.twoFactor.scan}</p>
          <img class="setup-qr" src={enrolment.qrSrc} alt={t.twoFactor.qrAlt} width={240} height={240} />
          <div class="field">
            <label for="two-factor-secret">{t.twoFactor.secret}</label>
            <input id="two-factor-secret" class="password-text" readOnly value={enrolment.secret} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <Field label={t.twoFactor.firstCode} hint={t.twoFactor.firstCodeHint} autocomplete="one-time-code" inputMode="numeric" required maxLength={64} value={code} onValue={setCode} />
          <ErrorMessage error={error} />
          <div class="row">
            <button type="submit" class="btn primary" disabled={busy || !code.trim()}>
              {t.twoFactor.confirm}
            </button>
            <button type="button" class="btn" onClick={() => setEnrolment(null)}>
              {t.twoFactor.cancel}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
