/**
 * The Hearth command line: argv → the chosen command. Nothing else lives here.
 *
 *   hearth broker [nats-server flags]   the embedded broker alone
 *   hearth serve                        Hearth (today: the broker with Hearth's defaults)
 *   hearth version
 */
import { runBrokerCli } from '../embedded-broker/index.ts';
import { runServe } from '../src/supervisor/index.ts';

const USAGE = `Usage: hearth <command> [options]

Commands:
  serve     run Hearth (what \`npm start\` runs)
  broker    run the embedded NATS-compatible broker alone (nats-server flags: hearth broker --help)
  version   print the version
`;

const [command, ...rest] = process.argv.slice(2);
let code: number;
switch (command) {
  case 'broker':
    code = await runBrokerCli(rest);
    break;
  case 'serve':
    code = await runServe(rest);
    break;
  case 'version':
  case '--version':
    process.stdout.write('hearth 0.1.0\n');
    code = 0;
    break;
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
