/**
 * The settings to type into the OwnTracks app (docs/api.md, "OwnTracks"), each with Copy:
 * mode HTTP, this Hearth's `/v1/owntracks` URL, my email, an app password (made here, for
 * OwnTracks alone) and a device id to suggest.
 */
import type { Profile } from '../../api/types.ts';
import { shareableUrl } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { CopyButton, ErrorMessage, useAction } from '../../ui/index.ts';
import { createAppPassword } from './sessions-store.ts';

/** "ann-phone" for Ann: lower case letters and digits only, as OwnTracks likes them. */
export function deviceIdOf(name: string): string {
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 20);
  return `${base || 'my'}-phone`;
}

/** The OwnTracks section. */
export function OwnTracks({ profile }: { profile: Profile }) {
  const { busy, error, run } = useAction();
  const rows = [
    { id: 'ot-url', name: t.account.url, value: shareableUrl('/v1/owntracks') },
    { id: 'ot-user', name: t.account.username, value: profile.email },
    { id: 'ot-device', name: t.account.deviceId, value: deviceIdOf(profile.displayName) },
  ];

  return (
    <section class="section" aria-labelledby="owntracks-title">
      <h2 id="owntracks-title">{t.account.owntracks}</h2>
      <p class="hint">{t.account.owntracksLead}</p>
      <dl class="card owntracks-settings">
        <div class="owntracks-setting">
          <dt>{t.account.mode}</dt>
          <dd>
            <code>{t.account.modeValue}</code>
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
        <div class="owntracks-setting">
          <dt>{t.account.owntracksPassword}</dt>
          <dd>
            <span>{t.account.owntracksPasswordValue}</span>
            <button type="button" class="btn small" disabled={busy} onClick={() => void run(() => createAppPassword(t.account.owntracksLabel))}>
              {t.account.createOwntracks}
            </button>
          </dd>
        </div>
      </dl>
      <ErrorMessage error={error} />
    </section>
  );
}
