/** The README at the top of an export archive: what each file holds, in words a family member understands. */

/** The README's text (CRLF line ends, so Notepad shows it right too). */
export function readme(createdAt: string): string {
  return `Your data from Hearth
=====================

This archive was made on ${createdAt} (UTC) at your request. It holds what this Hearth
server keeps about you. Passwords, app passwords, sign-in tokens and the secrets of your
notification targets are NOT in it: the server keeps only scrambled forms of them, and
those would be of no use to you.

The .json files can be opened with any text editor or a web browser. The .gpx files are
your location tracks: open them with a map or sports app (for example OsmAnd, Google
Earth, Garmin BaseCamp) or a website that shows GPX tracks.

users/profile.json           your account: e-mail, display name, picture, when it was made
users/groups.json            the groups you belong to and your role in each
users/sessions.json          the devices you signed in with (no tokens)
users/app-passwords.json     your app passwords: name and dates only (no passwords)
location/fixes.json          every location your phones or browser reported, per group
location/tracks/*.gpx        the same locations as one GPX track per group
location/places.json         the places you created
location/place-suggestions.json  the places you suggested
location/sharing-and-journeys.json  your sharing state and journey (if any) in each group
location/journeys-and-alerts.json   your journeys, SOS alerts, arrivals and departures
chat/messages.json           every message you wrote (deleted messages are gone)
notifications/notifications.json  the notifications you received
notifications/preferences.json    your notification settings
notifications/targets.json   where your notifications are forwarded (addresses without
                             passwords or tokens)

Times are in UTC (ISO 8601). Ids are the ones Hearth uses; a group's id is the same in
every file.
`.replace(/\n/g, '\r\n');
}
