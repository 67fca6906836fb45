/**
 * The memory baselines of the kit benchmark: a process that sets something up and then
 * idles. Run by Bun as a script, or compiled the way Hearth is (`scripts/build.ts --entry`).
 *
 *   bun tests/bench/kit-idle.ts nothing                          the runtime alone
 *   bun tests/bench/kit-idle.ts both nats://127.0.0.1:4222 x.db  a libSQL file (WAL, one write)
 *                                                               and a NATS connection: the least
 *                                                               a service process holds
 *   bun tests/bench/kit-idle.ts ledger nats://… x.db             the ledger test service on the
 *                                                               kit alone, without the rest of Hearth
 *   bun tests/bench/kit-idle.ts ledger+hearth nats://… x.db      the same, with the modules `hearth`
 *                                                               loads for every command imported, unused
 *
 * Prints "ready" on stdout once set up; runs until killed.
 */
const [mode = 'both', url = '', path = ''] = process.argv.slice(2);
// Keeps the process alive and the handles reachable.
const held: unknown[] = [setInterval(() => held.length, 60_000)];

if (mode === 'both') {
  const { createClient } = await import('@libsql/client');
  const { connect } = await import('nats');
  const db = createClient({ url: `file:${path}`, intMode: 'number' });
  await db.execute('PRAGMA journal_mode = WAL');
  await db.execute('PRAGMA synchronous = FULL');
  await db.execute('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
  await db.execute({ sql: 'INSERT INTO t (v) VALUES (?)', args: ['x'] });
  const nc = await connect({ servers: url, name: 'bare' });
  nc.subscribe('bare.>', { callback: () => undefined });
  await nc.flush();
  held.push(db, nc);
} else if (mode === 'ledger' || mode === 'ledger+hearth') {
  if (mode === 'ledger+hearth') {
    // What bin/hearth.ts imports besides the kit and the services, so any process has it.
    held.push(await import('../../embedded-broker/index.ts'), await import('../../src/supervisor/index.ts'), await import('../../services/index.ts'));
  }
  const { runService } = await import('../../src/kit/index.ts');
  const { default: ledger } = await import('../kit-service/ledger.ts');
  held.push(await runService(ledger, { broker: { url }, db: { path }, log: { level: 'warn' } }));
} else if (mode !== 'nothing') {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write('ready\n');
