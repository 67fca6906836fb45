/** Renaming the group (admins); every member's page follows through `group.renamed`. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { loadGroups } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, Field, useAction } from '../../ui/index.ts';

/** The dialog for `group`. */
export function RenameGroup({ group, onClose }: { group: Group; onClose: () => void }) {
  const [name, setName] = useState(group.name);
  const { busy, error, run } = useAction();

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      await api('PATCH', `/v1/groups/${group.id}`, { body: { name: name.trim() } });
      await loadGroups().catch(() => undefined); // the event follows; show the name now
      toast(t.group.renamed);
      onClose();
    });
  }

  return (
    <Dialog title={t.group.renameTitle} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label={t.group.name} required maxLength={80} value={name} onValue={setName} />
        <ErrorMessage error={error} />
        <button type="submit" class="btn primary" disabled={busy || !name.trim()}>
          {t.app.save}
        </button>
      </form>
    </Dialog>
  );
}
