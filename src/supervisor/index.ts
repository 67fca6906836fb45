/**
 * `hearth serve`: what `npm start` runs. Today it starts the embedded broker with Hearth's
 * defaults (NATS on 127.0.0.1:4222, WebSocket on 127.0.0.1:4223, data in ./data); the
 * services, the gateway and process supervision arrive with TODO(#3).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, startBroker } from '../../embedded-broker/index.ts';

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

/** Runs Hearth in the foreground until SIGINT/SIGTERM; resolves with the exit code. */
export async function runServe(argv: string[]): Promise<number> {
  const data = resolve(flag(argv, '--data', './data'));
  mkdirSync(data, { recursive: true });
  const log = createLogger({ debug: false, trace: false, quiet: false });
  const broker = await startBroker(
    { port: 4222, websocket: { host: '127.0.0.1', port: 4223, noTls: true, compression: true } },
    log,
  );
  process.stdout.write(
    `\n  Hearth is running\n  broker     ${broker.url}  (WebSocket ${broker.wsUrl})\n  data       ${data}\n  stop with  Ctrl+C\n\n`,
  );
  return new Promise((done) => {
    const stop = () => void broker.close().then(() => done(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
