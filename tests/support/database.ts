/** A look into a service's database file from outside the service. */
import { createClient } from '@libsql/client';

/** Runs a query on a service's database file (after Hearth stopped, or read-only while it runs). */
export async function sql(file: string, query: string): Promise<Record<string, unknown>[]> {
  const c = createClient({ url: `file:${file}` });
  try {
    return (await c.execute(query)).rows as unknown as Record<string, unknown>[];
  } finally {
    c.close();
  }
}
