/**
 * `hearth broker`: the broker alone, configured like nats-server (flags and file).
 * SIGINT/SIGTERM shut down (INFO ldm to clients, close, exit 0); SIGUSR2 enters lame-duck
 * mode as nats-server does; SIGHUP (reload there) is logged and ignored; a second
 * SIGINT/SIGTERM forces the exit.
 */
import { startBroker, PROTOCOL_VERSION } from './broker.ts';
import { loadBrokerOptions } from './config/index.ts';
import { createLogger } from './server/log.ts';

/** Runs the broker from the command line; resolves with the exit code. */
export async function runBrokerCli(argv: string[]): Promise<number> {
  let loaded;
  try {
    loaded = loadBrokerOptions(argv);
  } catch (err) {
    process.stderr.write(`broker: ${(err as Error).message}\n`);
    return 1;
  }
  if (loaded.version) {
    process.stdout.write(`nats-server: v${PROTOCOL_VERSION} (hearth embedded broker)\n`);
    return 0;
  }
  if (loaded.help) {
    process.stdout.write(loaded.help);
    return 0;
  }
  if (loaded.checkConfig) {
    process.stdout.write(`broker: configuration file ${loaded.configFile} test is successful\n`);
    return 0;
  }
  const log = createLogger(loaded.options);
  log.info('Starting hearth broker');
  log.info(`  Protocol: nats-server v${PROTOCOL_VERSION} core`);
  if (loaded.configFile) log.info(`Using configuration file: ${loaded.configFile}`);
  for (const w of loaded.warnings) log.warn(w);
  // The handlers go in before the listeners open: a client (or a test) that sees the ports
  // file may signal at once, and a signal without a handler would exit without cleaning up.
  let signals = 0;
  let stopped: ((code: number) => void) | undefined;
  const done = new Promise<number>((resolve) => (stopped = resolve));
  const starting = startBroker(loaded.options, log);
  const stop = (how: (b: Awaited<typeof starting>) => Promise<void>) => () => {
    if (++signals > 1) {
      log.warn('Second signal: exiting now');
      stopped!(1);
      return;
    }
    starting.then(how).then(() => stopped!(0), () => stopped!(1));
  };
  process.on('SIGINT', stop((b) => (log.info('Trapped "interrupt" signal'), b.close())));
  process.on('SIGTERM', stop((b) => (log.info('Trapped "terminated" signal'), b.close())));
  if (process.platform !== 'win32') {
    process.on('SIGUSR2', stop((b) => b.lameDuck()));
    // nats-server reloads its configuration on SIGHUP; without a handler we would exit.
    process.on('SIGHUP', () => log.warn('Configuration reload (SIGHUP) is not supported: restart the broker to apply changes'));
  }
  try {
    await starting;
  } catch (err) {
    log.error((err as Error).message);
    return 1;
  }
  log.info('Server is ready');
  return done;
}
