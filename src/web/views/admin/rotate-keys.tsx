/** "Rotate signing keys" (`POST /v1/admin/keys/rotate`), after saying that everyone stays signed in. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { toast } from '../../app/toast.ts';
import { t } from '../../strings.ts';
import { ConfirmDialog } from '../../ui/index.ts';

/** The signing keys section. */
export function RotateKeys() {
  const [open, setOpen] = useState(false);
  return (
    <section class="section" aria-labelledby="keys-title">
      <h2 id="keys-title">{t.admin.keys}</h2>
      <p class="hint">{t.admin.keysLead}</p>
      <button type="button" class="btn" onClick={() => setOpen(true)}>
        {t.admin.rotate}
      </button>
      {open && (
        <ConfirmDialog
          title={t.admin.rotateTitle}
          confirm={t.admin.rotateConfirm}
          onClose={() => setOpen(false)}
          onConfirm={async () => {
            await api('POST', '/v1/admin/keys/rotate');
            toast(t.admin.rotated);
          }}
        >
          <p>{t.admin.rotateExplain}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
