/** The app password just created, shown this once with a Copy button. */
import { t } from '../../strings.ts';
import { CopyButton, Dialog } from '../../ui/index.ts';
import { revealed } from './sessions-store.ts';

/** The dialog, while there is a password to show. */
export function RevealedPassword() {
  const r = revealed.value;
  if (!r) return null;
  const close = () => (revealed.value = null);
  return (
    <Dialog title={t.account.newAppPassword} onClose={close}>
      <div class="stack">
        <p>
          <strong>{r.label}</strong>
        </p>
        <div class="field">
          <label for="revealed-password">{t.account.appPassword}</label>
          <input id="revealed-password" class="password-text" readOnly value={r.password} onFocus={(e) => e.currentTarget.select()} />
        </div>
        <p class="notice">{t.account.shownOnce}</p>
        <div class="row">
          <CopyButton text={r.password} label={t.account.copyPassword} target="revealed-password" class="btn primary" />
          <button type="button" class="btn" onClick={close}>
            {t.account.done}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
