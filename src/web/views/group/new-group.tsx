/** "New group": creates another group (I am its owner) and switches the views to it. */
import { useState } from 'preact/hooks';
import { toast } from '../../app/toast.ts';
import { createGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, Field, useAction } from '../../ui/index.ts';

/** The dialog; `onClose` when done or dismissed. */
export function NewGroup({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      const g = await createGroup(name);
      toast(t.group.created(g.name));
      onClose();
    });
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
