/**
 * A process that takes the lock on a data directory (argv[2]) and holds it until killed,
 * for the lock tests; runs on Node (with tsx), Bun and Deno. Prints `held <pid>` or
 * `refused <holder pid>`, and any warning as `warn <text>`.
 */
import { takeLock, LockError } from '../../src/supervisor/lock.ts';

const data = process.argv[2]!;
try {
  await takeLock(data, (m) => console.log(`warn ${m}`));
  console.log(`held ${process.pid}`);
  setInterval(() => {}, 60_000);
} catch (err) {
  if (!(err instanceof LockError)) throw err;
  console.log(`refused ${err.pid} ${err.message}`);
  process.exit(3);
}
