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
  let broker;
  try {
    broker = await startBroker(loaded.options, log);
  } catch (err) {
    log.error((err as Error).message);
    return 1;
  }
  log.info('Server is ready');
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (how: () => Promise<void>) => () => {
      if (++signals > 1) {
        log.warn('Second signal: exiting now');
        resolve(1);
        return;
      }
      how().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop(() => (log.info('Trapped "interrupt" signal'), broker.close())));
    process.on('SIGTERM', stop(() => (log.info('Trapped "terminated" signal'), broker.close())));
    if (process.platform !== 'win32') {
      process.on('SIGUSR2', stop(() => broker.lameDuck()));
      // nats-server reloads its configuration on SIGHUP; without a handler we would exit.
      process.on('SIGHUP', () => log.warn('Configuration reload (SIGHUP) is not supported: restart the broker to apply changes'));
    }
  });
}
