/**
 * `hearth nats-authorization`: the `authorization {}` block for a nats-server (or a cluster's
 * every node) that carries Hearth with one user per process, each allowed exactly what that
 * process does — the permissions the embedded broker gives it (credentials.ts). Passwords are
 * nats-server environment references (`$HEARTH_LOCATION_NATS_PASSWORD`), never printed. Each
 * Hearth process then connects as its own user: `services.<name>.broker_user`/`broker_password`
 * under `hearth serve --broker`; `broker.user`/`password` name the supervisor's user
 * (`hearth-supervisor`) there, and the service's own under `hearth service <name>` alone
 * (docs/scaling.md).
 */
import type { HearthConfig } from '../config/index.ts';
import type { Permissions } from '../../embedded-broker/index.ts';
import { configOrExit } from './command-line.ts';
import { servicePermissions, SUPERVISOR_PERMISSIONS, SUPERVISOR_USER } from './credentials.ts';
import { planServices } from './plan.ts';

/** The environment variable nats-server reads the password of `process`'s user from. */
export const passwordVariable = (process: string): string => `HEARTH_${process.toUpperCase().replace(/-/g, '_')}_NATS_PASSWORD`;

/** The user name of service `name` on an external broker. */
export const serviceUser = (config: HearthConfig, name: string): string => config.services[name]?.broker_user || `hearth-${name}`;

const list = (subjects: readonly string[] | undefined): string => `[${(subjects ?? []).map((s) => `"${s}"`).join(', ')}]`;

function permissionsBlock(p: Permissions): string {
  const side = (name: string, s: Permissions['publish']) =>
    s ? `      ${name}: { ${[s.allow ? `allow: ${list(s.allow)}` : '', s.deny ? `deny: ${list(s.deny)}` : ''].filter(Boolean).join(', ')} }\n` : '';
  const responses = p.allowResponses ? `      allow_responses: { max: ${p.allowResponses.maxMsgs} }\n` : '';
  return `{\n${side('publish', p.publish)}${side('subscribe', p.subscribe)}${responses}    }`;
}

/** The block for the services `config` runs (of `builtins`) and the supervisor. */
export function natsAuthorization(config: HearthConfig, builtins: readonly string[]): string {
  const { services } = planServices(config, builtins);
  const users = [
    ...services.map((name) => ({ process: name, user: serviceUser(config, name), permissions: servicePermissions(name) })),
    { process: 'supervisor', user: SUPERVISOR_USER, permissions: SUPERVISOR_PERMISSIONS },
  ];
  const entries = users.map((u) => `    # ${u.process}\n    { user: "${u.user}", password: $${passwordVariable(u.process)}, permissions: ${permissionsBlock(u.permissions)} }`);
  return `# Hearth on this nats-server: one user per process, each allowed only what it does.
# Set each password in nats-server's environment (${passwordVariable('supervisor')} …), a letter
# first (nats-server reads it as configuration: pw_$(openssl rand -hex 24)), and give no
# other user >, svc.>, saga.>, sys.>, log.>, _INBOX.> or Hearth's evt.<service>.> (docs/scaling.md).
authorization {
  users: [
${entries.join('\n')}
  ]
}
`;
}

/** Prints the block for this configuration; resolves with the exit code. */
export async function runNatsAuthorization(argv: string[], builtins: readonly string[]): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  process.stdout.write(natsAuthorization(loaded.config, builtins));
  return 0;
}
