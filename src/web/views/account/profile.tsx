/**
 * My name and picture. The picture is chosen from a file, cropped and shrunk here in the
 * browser (avatar-crop.tsx) to what the API takes, then saved; it can be removed again.
 */
import { useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import type { Profile as Me } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { loadMembers, members } from '../../stores/groups.ts';
import { me, setMe } from '../../stores/me.ts';
import { t } from '../../strings.ts';
import { Avatar, ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { AvatarCrop } from './avatar-crop.tsx';

/** The profile section (shown once the profile is known). */
export function Profile({ profile }: { profile: Me }) {
  const [name, setName] = useState(profile.displayName);
  const { busy, error, run, setError } = useAction();
  const [image, setImage] = useState<ImageBitmap | null>(null);

  async function patch(body: { displayName?: string; avatar?: string | null }) {
    setMe(await api<Me>('PATCH', '/v1/me', { body }));
  }

  function saveName(e: Event) {
    e.preventDefault();
    void run(async () => {
      await patch({ displayName: name.trim() });
      // Renames are not on the stream: reload the member lists on this page so they show it.
      for (const groupId of Object.keys(members.value)) void loadMembers(groupId).catch(() => undefined);
      toast(t.account.nameSaved);
    });
  }

  async function pick(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again still opens the crop
    if (!file) return;
    setError(null);
    try {
      setImage(await createImageBitmap(file));
    } catch {
      setError(t.account.pictureUnreadable);
    }
  }

  async function removePicture() {
    setError(null);
    try {
      await patch({ avatar: null });
      toast(t.account.pictureRemoved);
    } catch (err) {
      setError(err);
    }
  }

  const current = me.value ?? profile;
  return (
    <section class="section" aria-labelledby="profile-title">
      <h2 id="profile-title">{t.account.profile}</h2>
      <div class="profile-picture">
        <Avatar id={current.id} name={current.displayName} src={current.avatar} size={96} label={t.account.picture(current.displayName)} />
        <div class="stack">
          <label class="btn small file-btn">
            {t.account.choosePicture}
            <input type="file" accept="image/*" class="visually-hidden" onChange={pick} />
          </label>
          {current.avatar && (
            <button type="button" class="btn small" onClick={removePicture}>
              {t.account.removePicture}
            </button>
          )}
        </div>
      </div>
      <form class="name-form" onSubmit={saveName}>
        <Field label={t.account.displayName} hint={t.account.displayNameHint} autocomplete="nickname" required maxLength={80} value={name} onValue={setName} error={fieldError(error, 'displayName')} />
        <button type="submit" class="btn primary" disabled={busy || !name.trim() || name.trim() === current.displayName}>
          {t.account.saveName}
        </button>
      </form>
      <ErrorMessage error={error} />
      {image && (
        <AvatarCrop
          image={image}
          onClose={() => setImage(null)}
          onDone={async (avatar) => {
            await patch({ avatar });
            setImage(null);
            toast(t.account.pictureSaved);
          }}
        />
      )}
    </section>
  );
}
