/**
 * Setting up a phone (docs/api.md, "Setting up a phone"): three plain steps, a button that
 * makes a set-up on the server, then its QR code, the link to tap on the phone itself, the
 * settings file, and — folded away — the settings to type in by hand; then the optional
 * encryption secret (phone-encryption.tsx).
 */
import { t } from '../../strings.ts';
import { CopyButton, ErrorMessage, useAction } from '../../ui/index.ts';
import { PhoneEncryption } from './phone-encryption.tsx';
import { clearPhoneSetup, makePhoneSetup, phoneSetup, type PhoneSetup } from './phone-setup-store.ts';

/** The phone section. */
export function OwnTracks() {
  const { busy, error, run } = useAction();
  const setup = phoneSetup.value;
  return (
    <section class="section" aria-labelledby="owntracks-title">
      <h2 id="owntracks-title">{t.account.owntracks}</h2>
      <p class="hint">{t.account.owntracksLead}</p>
      <ol class="owntracks-steps">
        <li>{t.account.owntracksStep1}</li>
        <li>{t.account.owntracksStep2}</li>
        <li>{t.account.owntracksStep3}</li>
      </ol>
      <button type="button" class="btn primary" disabled={busy} onClick={() => void run(makePhoneSetup)}>
        {setup ? t.account.setUpAnother : t.account.setUpPhone}
      </button>
      <ErrorMessage error={error} />
      {setup && <SetupCard setup={setup} />}
      <PhoneEncryption />
    </section>
  );
}

function SetupCard({ setup }: { setup: PhoneSetup }) {
  const c = setup.configuration;
  const rows = [
    { id: 'ot-url', name: t.account.url, value: c.url },
    { id: 'ot-user', name: t.account.username, value: c.username },
    { id: 'ot-password', name: t.account.owntracksPassword, value: c.password },
    { id: 'ot-device', name: t.account.deviceId, value: c.deviceId },
  ];
  return (
    <div class="card stack phone-setup">
      <img class="setup-qr" src={setup.qrSrc} alt={t.account.setupQr} width={320} height={320} />
      <a class="btn" href={setup.link}>
        {t.account.openInOwntracks}
      </a>
      <p class="hint">
        <a href={setup.fileUrl} download="hearth.otrc">
          {t.account.downloadSettings}
        </a>
        {' — '}
        {t.account.downloadHint}
      </p>
      <p class="notice">{t.account.setupShownOnce}</p>
      <details>
        <summary>{t.account.manualTitle}</summary>
        <p class="hint">{t.account.manualLead}</p>
        <dl class="owntracks-settings">
          <div class="owntracks-setting">
            <dt>{t.account.mode}</dt>
            <dd>
              <code>{t.account.modeValue}</code>
            </dd>
          </div>
          <div class="owntracks-setting">
            <dt>{t.account.authentication}</dt>
            <dd>
              <code>{t.account.authenticationValue}</code>
            </dd>
          </div>
          {rows.map((r) => (
            <div class="owntracks-setting" key={r.id}>
              <dt>{r.name}</dt>
              <dd>
                <code id={r.id}>{r.value}</code>
                <CopyButton text={r.value} label={t.account.copyField(r.name)} target={r.id} />
              </dd>
            </div>
          ))}
        </dl>
      </details>
      <button type="button" class="btn" onClick={clearPhoneSetup}>
        {t.account.setupDone}
      </button>
    </div>
  );
}
