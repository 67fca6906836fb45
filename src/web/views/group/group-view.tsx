/**
 * The group view (`/group`): the current group's name and members, its invites (admins),
 * a pointer to the map for places, and leaving or deleting it; "New group" makes another.
 * Everything follows the groups store, so a group that goes (left, deleted, or I was
 * removed by someone else) leaves this view at once: it shows the next group, or the shell
 * shows "Name your group" when none is left.
 */
import { useState } from 'preact/hooks';
import { link } from '../../app/router.ts';
import { currentGroup, groupsLoaded } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Invites } from './invites.tsx';
import { LeaveDelete } from './leave-delete.tsx';
import { Members } from './members.tsx';
import { NewGroup } from './new-group.tsx';
import { RenameGroup } from './rename-group.tsx';
import './group.css';

/** The group view. */
export function GroupView() {
  const g = currentGroup.value;
  const [dialog, setDialog] = useState<'new' | 'rename' | null>(null);
  if (!g) {
    return (
      <section class="view" aria-labelledby="group-title" aria-busy={!groupsLoaded.value}>
        <h1 id="group-title" tabIndex={-1}>
          {t.group.title}
        </h1>
        <p class="hint">{t.group.loading}</p>
      </section>
    );
  }
  const admin = g.role !== 'member';
  const close = () => setDialog(null);
  return (
    <section class="view group-view" aria-labelledby="group-title">
      <header class="group-head">
        <div>
          <p class="group-eyebrow">{t.group.eyebrow}</p>
          <h1 id="group-title" tabIndex={-1}>
            {g.name}
          </h1>
          <p class="hint">{t.group.summary(g.memberCount, g.role)}</p>
        </div>
        <div class="row">
          {admin && (
            <button type="button" class="btn small" onClick={() => setDialog('rename')}>
              {t.group.rename}
            </button>
          )}
          <button type="button" class="btn small" onClick={() => setDialog('new')}>
            {t.group.newGroup}
          </button>
        </div>
      </header>
      <Members key={`m-${g.id}`} group={g} />
      {admin && <Invites key={`i-${g.id}`} group={g} />}
      <section class="section" aria-labelledby="places-title">
        <h2 id="places-title">{t.group.places}</h2>
        <p>
          {t.group.placesHint}{' '}
          <a href="/map" onClick={link}>
            {t.group.openMap}
          </a>
        </p>
      </section>
      <LeaveDelete key={`l-${g.id}`} group={g} />
      {dialog === 'new' && <NewGroup onClose={close} />}
      {dialog === 'rename' && <RenameGroup key={g.id} group={g} onClose={close} />}
    </section>
  );
}
