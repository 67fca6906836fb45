/**
 * `hearth promote [--config FILE] [--data DIR]`: asks the standby running on the data
 * directory to become the primary (over its control socket, standby-control.ts), prints
 * what it does, and exits 0 once the new primary answers `/readyz` 200 — or 1, saying why
 * (no standby there, no copy to promote, Hearth not ready).
 */
import { configOrExit } from '../command-line.ts';
import { lockHolder } from '../lock.ts';
import { askPromote, NoStandby } from './standby-control.ts';

/** Runs `hearth promote`; resolves with the exit code. */
export async function runPromote(argv: string[]): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  const { data } = loaded.config;
  const say = (line: string) => process.stdout.write(`hearth promote: ${line}\n`);
  const refuse = (line: string) => {
    process.stderr.write(`hearth promote: ${line}\n`);
    return 1;
  };
  let answer: Awaited<ReturnType<typeof askPromote>>;
  try {
    answer = await askPromote(data, say);
  } catch (err) {
    if (!(err instanceof NoStandby)) return refuse((err as Error).message);
    const pid = await lockHolder(data).catch(() => 0);
    return refuse(pid
      ? `the Hearth running on ${data} (pid ${pid}) is not a standby: it is already a primary`
      : `no standby is running on ${data}; start one with hearth standby --from-replica URL --data ${data}`);
  }
  if (!answer.ok) return refuse(`not promoted: ${answer.why}`);
  const ready = await fetch(`${answer.url}/readyz`).then((r) => r.status, (err: Error) => err.message);
  if (ready !== 200) return refuse(`Hearth started at ${answer.url} but ${answer.url}/readyz answers ${ready}`);
  say(`${answer.url} is the primary now, and ready`);
  return 0;
}
