/**
 * Every consumer in the code base, given events it already applied again, leaves its tables
 * as they were. A family's activity reaches each consumer (support.ts lists them: the
 * gateway, location, chat and notifications following users; chat and notifications
 * following location; notifications following chat); Hearth stops and every table of the
 * consuming services is snapshotted; every checkpoint is set back (to 0, then to the middle
 * of its source's log); Hearth starts again, every consumer reads its sources to their heads
 * again, and every table — the events a consumer appends in answer included — is compared.
 *
 * Setting checkpoints back by hand onto the current tables is harsher than any restore: the
 * kit moves a checkpoint back only with its tables (the consumer's database restored) or to
 * where the producer's log changed (es/epoch.ts), except when a producer's history shares no
 * epoch with the consumer's (another database altogether), when it reads from 0.
 */
import { after, before, describe, it } from 'node:test';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { useBroker } from '../support/broker.ts';
import { useTempDir } from '../support/test-file.ts';
import { assertSameTables, CONSUMING, dbFile, everyConsumerActivity, headOf, setCheckpoints, settled, snapshots, type Snapshot } from './support.ts';


describe('every consumer applies re-delivered events once', { timeout: 240_000 }, () => {
  const broker = useBroker();
  const dir = useTempDir('redelivery');
  const start = () => startInProcessHearth(broker().url, dir, undefined, { sameFiles: true });
  let h: InProcessHearth | undefined;
  let was: Record<string, Snapshot>;
  const heads: Record<string, number> = {};

  before(async () => {
    h = await start();
    await everyConsumerActivity(h);
    await settled(h);
    await h.stop();
    h = undefined;
    was = await snapshots(dir, CONSUMING);
    for (const s of ['users', 'location', 'chat']) heads[s] = await headOf(dbFile(dir, s));
  });
  after(() => h?.stop());

  for (const [name, to] of [
    ['from the start of every log', () => 0],
    ['from the middle of every log', (source: string) => Math.floor(heads[source]! / 2)],
  ] as const) {
    describe(`each consumer reads again ${name}`, () => {
      let now: Record<string, Snapshot>;
      before(async () => {
        was = await snapshots(dir, CONSUMING); // what the previous round left
        for (const s of CONSUMING) await setCheckpoints(dbFile(dir, s), to);
        h = await start();
        await settled(h);
        await h.stop();
        h = undefined;
        now = await snapshots(dir, CONSUMING);
      });
      for (const service of CONSUMING) {
        it(`leaves every table of ${service} as it was`, () => assertSameTables(now[service]!, was[service]!, service));
      }
    });
  }
});
