/**
 * The location write path alone, in this process: N fixes for one member in two groups,
 * each decided, recorded (`ScopeStore.record`) and projected (the scope projection), ten
 * fixes per group per transaction, on a real libSQL file; prints CPU ms per fix (user + sys)
 * after a warm-up. Give another checkout's root to compare trees on the same machine
 * (docs/benchmarks.md): `node --import tsx tests/bench/location-write.ts [root] [N]`.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2] || fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const N = Number(process.argv[3] ?? 3000);
const kit = await import(`${root}/src/kit/index.ts`);
const { migrations } = await import(`${root}/services/location/migrations.ts`);
const { ScopeStore } = await import(`${root}/services/location/store/scopes.ts`);
const { scopeProjection } = await import(`${root}/services/location/projections/scope.ts`);
const { decide, DEFAULT_RULES } = await import(`${root}/services/location/domain/index.ts`);
const dir = mkdtempSync(join(tmpdir(), 'loc-micro-'));
const db = await kit.openDb({ path: join(dir, 'l.db') });
await kit.migrate(db, 'kit', kit.KIT_MIGRATIONS);
await kit.migrate(db, 'location', migrations);
const events = new kit.EventLog(db, 'location');
const handoff = await import(`${root}/services/location/store/fold-handoff.ts`).then((m) => new m.FoldHandoff(), () => undefined);
events.project(kit.inlineProjection(scopeProjection(DEFAULT_RULES, handoff), events));
const scopes = new ScopeStore(DEFAULT_RULES, events, handoff);
const inTx = (tx: any) => async (sql: string, args?: any[]) => (await tx.execute(sql, args ?? [])).rows;
const [G1, G2, U1] = [kit.uuidv7(), kit.uuidv7(), kit.uuidv7()];
const t0 = Date.now() - N * 1000;
const fix = (i: number) => ({ lat: 50 + i * 1e-5, lon: 8, accuracy: 5, altitude: null, speed: null, course: null, battery: 80, batteryState: null, device: 'd', fixAt: new Date(t0 + i * 1000).toISOString(), receivedAt: new Date().toISOString() });
async function run(from: number, to: number) {
  for (let i = from; i < to; i += 10) {
    await db.write(async (raw: any) => {
      const tx = kit.writeTx(raw, events, {});
      for (const g of [G1, G2]) {
        let s = await scopes.load(inTx(tx), g, U1);
        for (let j = i; j < i + 10; j++) s = await scopes.record(tx, s, decide({ type: 'sample', fix: fix(j) }, s, { now: Date.now(), rules: DEFAULT_RULES, places: [] }));
      }
    });
  }
}
await run(0, 500); // warm-up
const c0 = process.cpuUsage();
const w0 = performance.now();
await run(500, 500 + N);
const c = process.cpuUsage(c0);
const wall = performance.now() - w0;
const fixes = N * 2;
console.log(JSON.stringify({ root, handoff: !!handoff, fixes, cpuMsPerFix: +((c.user + c.system) / 1000 / fixes).toFixed(4), wallMsPerFix: +(wall / fixes).toFixed(4) }));
db.close();
rmSync(dir, { recursive: true, force: true });
