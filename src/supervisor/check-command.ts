/**
 * `hearth check`: a full check of every service's database file — `PRAGMA integrity_check`
 * (every page and every index against its table) and the scan of every text value for
 * damaged bytes (db/check.ts), without the time bound of the start-up check. One line per
 * file (`ok`, `DAMAGED` with what was found and what to do, `missing`, `remote`); exit 0
 * when every file is sound, 1 when any is damaged, 2 for a usage or configuration error.
 * While Hearth runs the files are checked as they are (a WAL reader disturbs nothing) and
 * a warning says so.
 */
import { existsSync } from 'node:fs';
import { checkDatabase } from '../kit/index.ts';
import { configOrExit } from './command-line.ts';
import { lockHolder } from './lock.ts';
import { planServices } from './plan.ts';
import { dbOptions } from './service-host.ts';

/** Runs the check; resolves with the exit code. `builtins`: the services this build has. */
export async function runCheck(argv: string[], builtins: readonly string[], out = process.stdout): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  const { config } = loaded;
  const holder = await lockHolder(config.data);
  if (holder) out.write(`warning: Hearth is running on ${config.data} (pid ${holder}); checking the files as they are now\n`);
  const { createClient } = await import('@libsql/client');
  let damaged = 0;
  for (const service of planServices(config, builtins).services) {
    const o = dbOptions(config, service);
    if (o.url) {
      out.write(`remote   ${service.padEnd(14)} ${o.url.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '')} (checked by its server)\n`);
      continue;
    }
    if (!existsSync(o.path!)) {
      out.write(`missing  ${service.padEnd(14)} ${o.path} (created when the service first starts)\n`);
      continue;
    }
    const client = createClient({ url: `file:${o.path}`, intMode: 'number' });
    try {
      const r = await checkDatabase(client, { full: true, maxProblems: 100 });
      if (r.ok) out.write(`ok       ${service.padEnd(14)} ${o.path} (${r.ms} ms)\n`);
      else {
        damaged++;
        out.write(`DAMAGED  ${service.padEnd(14)} ${o.path}\n${r.problems.map((p) => `           ${p}\n`).join('')}         restore it from a backup (with Hearth stopped), or move it aside to start ${service} empty\n`);
      }
    } finally {
      client.close();
    }
  }
  out.write(damaged ? `${damaged} damaged database${damaged > 1 ? 's' : ''}\n` : 'every database is sound\n');
  return damaged ? 1 : 0;
}
