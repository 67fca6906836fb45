/**
 * The OwnTracks encryption secret (`GET`/`PUT /v1/me/owntracks`): whether one is set (never
 * the secret itself), how many encrypted locations wait for it, a field to type the secret
 * the phone uses, and a way to turn it off. Saving it reads the waiting locations at once,
 * and the answer says how many.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';

interface PhoneKey {
  encryptionKeySet: boolean;
  heldMessages: number;
}

/** The encryption part of the phone section. */
export function PhoneEncryption() {
  const [state, setState] = useState<PhoneKey | null>(null);
  const [secret, setSecret] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const load = useAction();
  const save = useAction<'set' | 'off'>();
  useEffect(() => void load.run(async () => setState(await api<PhoneKey>('GET', '/v1/me/owntracks'))), []);

  const put = (encryptionKey: string | null) =>
    save.run(async () => {
      const r = await api<PhoneKey & { processed: number }>('PUT', '/v1/me/owntracks', { body: { encryptionKey } });
      setState(r);
      setSecret('');
      setDone(encryptionKey === null ? t.account.encryptionOff : t.account.encryptionSaved(r.processed));
    }, encryptionKey === null ? 'off' : 'set');

  function submit(e: Event) {
    e.preventDefault();
    setDone(null);
    void put(secret);
  }

  return (
    <div class="stack phone-encryption" aria-busy={load.busy}>
      <h3 id="encryption-title">{t.account.encryption}</h3>
      <p class="hint">{t.account.encryptionLead}</p>
      <ErrorMessage error={load.error} />
      {state && <p>{state.encryptionKeySet ? t.account.encryptionIsOn : t.account.encryptionIsOffNow}</p>}
      {state && state.heldMessages > 0 && <p role="alert" class="notice">{t.account.encryptionWaiting(state.heldMessages)}</p>}
      <form class="card" aria-labelledby="encryption-title" onSubmit={submit}>
        <Field label={t.account.encryptionSecret} type="password" autocomplete="off" required maxLength={256} value={secret} onValue={setSecret} error={fieldError(save.error, 'encryptionKey')} />
        <ErrorMessage error={save.error} />
        <p role="status">{done}</p>
        <button type="submit" class="btn primary" disabled={!!save.busy}>
          {t.account.encryptionSave}
        </button>
        {state?.encryptionKeySet && (
          <button type="button" class="btn" disabled={!!save.busy} onClick={() => void put(null)}>
            {t.account.encryptionRemove}
          </button>
        )}
      </form>
    </div>
  );
}
