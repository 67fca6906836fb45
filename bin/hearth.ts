/**
 * The Hearth command line: argv → the chosen command. Nothing else lives here.
 *
 *   hearth serve [--config FILE] [--data DIR] [--http HOST:PORT] [--broker URL] [--one-process]
 *   hearth service <name>               one service alone (what `serve` starts per service)
 *   hearth rebuild <service>            rebuild a service's projections (Hearth stopped)
 *   hearth check                        check every service's database file for damage
 *   hearth backup [--out FILE]          an online backup of every service's database, as one archive
 *   hearth restore <archive>            restore a backup into a stopped or new data directory
 *   hearth restore --from-replica URL   … or rebuild it from a Litestream replica
 *   hearth standby --from-replica URL   keep a copy a few seconds behind the primary, ready to promote
 *   hearth promote                      make a standby the primary
 *   hearth config                       the effective configuration, secrets redacted
 *   hearth nats-authorization           a nats-server authorization block: one user per Hearth process
 *   hearth broker [nats-server flags]   the embedded broker alone
 *   hearth version
 */
// Commands load their code when chosen, so a service process does not carry the broker or
// the supervisor (memory on a small home server is the scarce thing).
const supervisor = () => import('../src/supervisor/index.ts');
const services = async () => (await import('../services/index.ts')).SERVICES;

const USAGE = `Usage: hearth <command> [options]

Commands:
  serve              run Hearth: broker, services, HTTP (what \`npm start\` runs)
  service <name>     run one service alone, e.g. on another machine with --broker nats://host:4222
  rebuild <service>  rebuild a service's projections from its event log (stop Hearth first)
  check              check every service's database file for damage (exit 1 if any is damaged)
  backup             an online backup of every service's database, as one archive (--out FILE; --encrypt or --passphrase-file FILE)
  restore ARCHIVE    restore a backup into a stopped or new data directory (--force, --passphrase-file FILE; --from-replica URL: from a replica)
  standby            keep a copy of a primary's replica a few seconds behind (--from-replica URL)
  promote            make the standby on --data DIR the primary
  config             print the effective configuration, secrets redacted
  nats-authorization print the authorization block for a nats-server carrying Hearth: one user per process, each allowed only what it does
  broker             run the embedded NATS-compatible broker alone (nats-server flags: hearth broker --help)
  version            print the version and the runtime

Options for serve, service, rebuild, check, config and nats-authorization:
  --config FILE      configuration file (see docs/configuration.md)
  --data DIR         data directory (default ./data)
  --http HOST:PORT   HTTP address (default 127.0.0.1:8080)
  --broker URL       use this NATS server instead of the embedded broker
  --log-level LEVEL  debug, info, warn or error
  --one-process      serve: run the broker and every service in this one process (less memory, faster start; small boards)
`;

const [command, ...rest] = process.argv.slice(2);
let code: number;
switch (command) {
  case 'serve':
    code = await (await supervisor()).runServe(rest, await services());
    break;
  case 'service':
    code = await (await supervisor()).runServiceHost(rest, await services());
    break;
  case 'rebuild':
    code = await (await supervisor()).runRebuild(rest, await services());
    break;
  case 'check':
    code = await (await supervisor()).runCheck(rest, Object.keys(await services()));
    break;
  case 'backup':
    code = await (await supervisor()).runBackup(rest, Object.keys(await services()));
    break;
  case 'backup-worker': // internal: a scheduled backup, made off the supervisor's event loop
    code = await (await supervisor()).runBackupWorker(rest, Object.keys(await services()));
    break;
  case 'restore':
    code = await (await supervisor()).runRestore(rest, await services());
    break;
  case 'standby':
    code = await (await supervisor()).runStandby(rest, await services());
    break;
  case 'promote':
    code = await (await supervisor()).runPromote(rest);
    break;
  case 'config':
    code = await (await supervisor()).runConfigCommand(rest);
    break;
  case 'nats-authorization':
    code = await (await supervisor()).runNatsAuthorization(rest, Object.keys(await services()));
    break;
  case 'broker':
    code = await (await import('../embedded-broker/index.ts')).runBrokerCli(rest);
    break;
  case 'version':
  case '--version': {
    const { HEARTH_VERSION, runtimeVersion } = await import('../src/kit/index.ts');
    // From source: TypeScript run by tsx, Bun or Deno; otherwise compiled (build/node/ or the binary).
    const from = import.meta.url.endsWith('.ts') ? ', from TypeScript source' : '';
    process.stdout.write(`hearth ${HEARTH_VERSION} (${runtimeVersion()}${from})\n`);
    code = 0;
    break;
  }
  case undefined:
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE);
    code = command === undefined ? 2 : 0;
    break;
  default:
    process.stderr.write(`hearth: unknown command "${command}"\n\n${USAGE}`);
    code = 2;
}
process.exit(code);
