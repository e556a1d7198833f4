/** `roster generate`: a realistic company of any size, the same for the same options. */
import { DEFAULT_TODAY, generateCompany } from '../state/generate.js';
import { directoryJson, summary, writeDirectoryOutput } from '../state/output.js';
import { isCalendarDate } from '../facts.js';
import { CliError } from './common.js';
import { outputFormat } from './export.js';

export interface GenerateCliOptions {
  users: string;
  departments: string;
  seed?: string;
  today?: string;
  format?: string;
  out?: string;
}

function count(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

export async function generateCommand(o: GenerateCliOptions): Promise<void> {
  const users = count(o.users, '--users', 5_000_000);
  const departments = count(o.departments, '--departments', 1_000_000);
  const seed = o.seed === undefined ? 42 : Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be a whole number from 0 to 4294967295, got "${o.seed}"`);
  const today = o.today ?? DEFAULT_TODAY;
  if (!isCalendarDate(today)) throw new CliError(`--today must be a date YYYY-MM-DD, got "${o.today}"`);
  const format = outputFormat(o.format);
  if (format === 'csv' && !o.out) throw new CliError('--format csv writes users.csv, departments.csv and groups.csv: give the folder with --out');
  const started = performance.now();
  const dir = generateCompany({ users, departments, seed, today });
  if (!o.out) {
    process.stdout.write(directoryJson(dir));
    return;
  }
  const files = await writeDirectoryOutput(dir, format, o.out);
  console.error(`Generated ${summary(dir)} (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(2)} s: ${files.join(', ')}`);
}
