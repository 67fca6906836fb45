/** "Name your group": shown to someone signed in who is in no group yet (the first admin, above all). */
import { useState } from 'preact/hooks';
import { createGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';

/** The form that creates a group (its creator is the owner). */
export function FirstGroup() {
  const [name, setName] = useState('Family');
  const { busy, error, run } = useAction();

  function submit(e: Event) {
    e.preventDefault();
    void run(async () => {
      await createGroup(name);
    });
  }

  return (
    <form class="card welcome-card" onSubmit={submit} aria-labelledby="first-group-title">
      <h1 id="first-group-title" tabIndex={-1}>
        {t.auth.firstGroupTitle}
      </h1>
      <p>{t.auth.firstGroupLead}</p>
      <Field label={t.auth.groupName} required maxLength={80} value={name} onValue={setName} />
      <ErrorMessage error={error} />
      <button type="submit" class="btn primary wide" disabled={busy}>
        {t.auth.createGroup}
      </button>
    </form>
  );
}
