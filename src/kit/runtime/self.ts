/**
 * How this process was started, so the supervisor can start its children the same way:
 * the compiled binary re-runs itself; Node re-runs its script with the same V8 flags (and
 * the tsx loader they carry); Bun re-runs its script; Deno needs `run -A` before it.
 */

/** The JavaScript runtime we are on. */
export type Runtime = 'node' | 'bun' | 'deno';

/** Which runtime this is. */
export function runtime(): Runtime {
  if (process.versions.bun) return 'bun';
  if ((process.versions as Record<string, string | undefined>).deno) return 'deno';
  return 'node';
}

/** True inside a `bun build --compile` executable (its script lives in Bun's embedded file system). */
export function isCompiled(argv1 = process.argv[1] ?? ''): boolean {
  return argv1.startsWith('/$bunfs/') || /^[A-Z]:[\\/]~BUN[\\/]/.test(argv1);
}

/**
 * The command that starts this program again: `[file, ...args]`, to which a subcommand
 * is appended.
 *
 * @example
 * const [cmd, ...args] = selfCommand();
 * spawn(cmd, [...args, 'service', 'chat']);
 */
export function selfCommand(): string[] {
  const script = process.argv[1] ?? '';
  if (isCompiled(script)) return [process.execPath];
  switch (runtime()) {
    case 'bun':
      return [process.execPath, script];
    case 'deno':
      return [process.execPath, 'run', '-A', script];
    default:
      return [process.execPath, ...process.execArgv, script];
  }
}

/** "Node v20.20.2", "Bun 1.4.5", "Deno 2.9.6". */
export function runtimeVersion(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.bun) return `Bun ${v.bun}`;
  if (v.deno) return `Deno ${v.deno}`;
  return `Node ${process.version}`;
}
