/**
 * The Instance page (`/admin`), for the person who runs this Hearth (the instance admin):
 * its services' health, version, registration mode and public address, its backups (made
 * on a schedule, started now, downloaded), the deletions and exports under way, and rotating the signing keys. Anyone else is told it is not for them. Reached from the Account view.
 */
import { useEffect } from 'preact/hooks';
import { me } from '../../stores/me.ts';
import { instance, loadInstance } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { Backups } from './backups.tsx';
import { RotateKeys } from './rotate-keys.tsx';
import { Sagas } from './sagas.tsx';
import { Services } from './services.tsx';
import './admin.css';

/** The admin view. */
export function AdminView() {
  const profile = me.value;
  return (
    <section class="view admin-view" aria-labelledby="admin-title" aria-busy={!profile}>
      <h1 id="admin-title" tabIndex={-1}>
        {t.admin.title}
      </h1>
      {!profile && <p class="hint">{t.app.loading}</p>}
      {profile && !profile.admin && <p class="notice">{t.admin.refused}</p>}
      {profile?.admin && <AdminSections />}
    </section>
  );
}

function AdminSections() {
  useEffect(() => void loadInstance().catch(() => undefined), []);
  const i = instance.value;
  return (
    <>
      <Services />
      <section class="section" aria-labelledby="about-title">
        <h2 id="about-title">{t.admin.about}</h2>
        {i && (
          <dl class="card admin-facts">
            <div>
              <dt>{t.admin.version}</dt>
              <dd>{i.version}</dd>
            </div>
            <div>
              <dt>{t.admin.registration}</dt>
              <dd>{t.admin.registrationModes[i.registration] ?? i.registration}</dd>
            </div>
            <div>
              <dt>{t.admin.publicUrl}</dt>
              <dd>
                <code>{i.publicUrl}</code>
              </dd>
            </div>
          </dl>
        )}
      </section>
      <Backups />
      <Sagas />
      <RotateKeys />
    </>
  );
}
