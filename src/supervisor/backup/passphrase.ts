/**
 * Where a backup's passphrase comes from — never the command line (other users see it in
 * the process list) and never a log: `--passphrase-file FILE`, else the `backup.passphrase`
 * setting (a secret: from the configuration file or `HEARTH_BACKUP__PASSPHRASE`), else,
 * when asked for, typed on the terminal without echo.
 */
import { readFileSync } from 'node:fs';
import { BackupError } from './errors.ts';

/** The passphrase in `file`: its first line, without the line break. */
export function readPassphraseFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BackupError('missing', `cannot read the passphrase file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const line = text.split(/\r?\n/)[0]!;
  if (!line) throw new BackupError('missing', `the passphrase file ${file} is empty (the passphrase is its first line)`);
  return line;
}

/** Whether a passphrase can be asked for: both the keyboard and the screen are a terminal. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks for a passphrase on the terminal, without echo. */
export function askPassphrase(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt shows: whatever is typed (or pasted) once it is visible is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(typed);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(new BackupError('refused', 'no passphrase given'));
        }
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks for a new passphrase twice; throws when the two differ or it is empty. */
export async function askNewPassphrase(): Promise<string> {
  const first = await askPassphrase('Passphrase for the backup: ');
  if (!first) throw new BackupError('refused', 'an empty passphrase encrypts nothing; none given');
  if ((await askPassphrase('The same passphrase again: ')) !== first) throw new BackupError('refused', 'the two passphrases differ');
  return first;
}
