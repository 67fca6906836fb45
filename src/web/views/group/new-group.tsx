/** "New group": creates another group (I am its owner) and switches the views to it. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { addGroup, pickGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, Field } from '../../ui/index.ts';

/** The dialog; `onClose` when done or dismissed. */
export function NewGroup({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const g = await api<Group>('POST', '/v1/groups', { body: { name: name.trim() } });
      addGroup(g);
      pickGroup(g.id);
      toast(t.group.created(g.name));
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t.group.newGroupTitle} onClose={onClose}>
      <form onSubmit={submit}>
        <p>{t.group.newGroupLead}</p>
        <Field label={t.group.name} required maxLength={80} value={name} onValue={setName} />
        <ErrorMessage error={error} />
        <button type="submit" class="btn primary" disabled={busy || !name.trim()}>
          {t.group.create}
        </button>
      </form>
    </Dialog>
  );
}
