/**
 * `services.<name>`: whether and how often a service runs, and where its database lives.
 * Read by the supervisor and the service host only.
 */
import * as v from 'valibot';
import { BUILT_IN_SERVICES, settings } from '../contracts/index.ts';

const { named, section, setting } = settings;
const { bool, int, num, text, url } = settings.rules;

/** The services Hearth has built in (src/contracts/services.ts); any other name needs an `entry`. */
export const BUILTIN_SERVICES = BUILT_IN_SERVICES;

/** A service name: a lower-case letter, then up to 30 lower-case letters, digits or dashes. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

const SERVICE_NAME_ALLOWED = 'a service name: a lower-case letter, then up to 30 lower-case letters, digits or "-"';
const DB_URL = '"" (the file <data>/<service>.db) or a libsql://, http(s)://, ws(s):// or file: URL';
const SYNC_URL = '"" (no replica) or the libsql:// or http(s):// URL of the primary';

/** `services.<name>.db`: handed to the libSQL client as they are. */
const db = section({
  url: setting(url(['libsql:', 'http:', 'https:', 'ws:', 'wss:', 'file:'], DB_URL), '',
    '`""` is the file `<data>/<name>.db`; else a `libsql://`, `http(s)://`, `ws(s)://` or `file:` URL'),
  // Not ws(s)://: libSQL's embedded replica syncs over HTTP only ("unsupported scheme ws").
  sync_url: setting(url(['libsql:', 'http:', 'https:'], SYNC_URL), '',
    'makes the local file an embedded replica of this remote primary'),
  auth_token: setting(text(), '', 'the token for the remote database or primary (secret)'),
  sync_interval: setting(num(0, 86400, 'a number of seconds from 0 (no background sync) to 86400'), 0,
    'seconds between background syncs of a replica; 0: sync only at start'),
});

/** The `services` section: none listed by default; a listed one takes these defaults. */
export const services = named(
  v.pipe(v.string(SERVICE_NAME_ALLOWED), v.regex(SERVICE_NAME, SERVICE_NAME_ALLOWED)),
  section({
    enabled: setting(bool, true, 'whether `hearth serve` runs the service'),
    entry: setting(text('the path of the module file of a plug-in service, or "" for a built-in one'), '',
      'the module file of a plug-in service; `""` for a built-in one. Relative to the working directory, made absolute'),
    instances: setting(int(1, 16), 1, 'how many processes run the service (1–16); they share the work through a NATS queue group'),
    broker_user: setting(text(), '',
      'on an external broker (`broker.url`): the user this service connects as, with only its own permissions (`hearth nats-authorization`); `""`: `broker.user`'),
    broker_password: setting(text(), '', 'the password of `broker_user` (secret)'),
    db,
  }),
  'a section of services by name',
);
