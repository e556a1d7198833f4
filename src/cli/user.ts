import { hashPassword, passwordProblem } from '../oauth/passwords.js';
import { openStore } from '../store/index.js';
import { setPassword } from '../directory/commands/users.js';
import { cliCommand, CliError, dbLocation } from './common.js';

/** The first line of standard input (a password piped in, or typed at a prompt). */
async function readLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** `roster user password <id>`: sets the password the OAuth sign-in page checks (scrypt). */
export async function userPassword(id: string, o: { db?: string; password?: string }): Promise<void> {
  const userId = Number(id);
  if (!Number.isInteger(userId) || userId <= 0) throw new CliError(`"${id}" is not a user id`);
  const password = o.password ?? (await readLine());
  const problem = passwordProblem(password);
  if (problem) throw new CliError(problem);
  const store = await openStore(dbLocation(o.db));
  try {
    const hash = await hashPassword(password);
    await cliCommand(store, (tx) => setPassword(tx, userId, hash));
    console.log(`Password set for user ${userId}.`);
  } finally {
    await store.close();
  }
}
