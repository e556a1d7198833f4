/** `roster export`: the whole directory as JSON (stdout or a file) or as CSV files in a folder; password hashes only with --with-secrets. */
import { exportDirectory } from '../state/directory.js';
import { directoryJson, summary, writeDirectoryOutput, type OutputFormat } from '../state/output.js';
import { openStore } from '../store/index.js';
import { CliError, dbLocation } from './common.js';

export interface ExportOptions {
  db?: string;
  format?: string;
  out?: string;
  /** include password hashes (left out by default) */
  withSecrets?: boolean;
}

export function outputFormat(value: string | undefined): OutputFormat {
  const format = (value ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'csv') throw new CliError(`--format must be json or csv, got "${value}"`);
  return format;
}

export async function exportCommand(o: ExportOptions): Promise<void> {
  const format = outputFormat(o.format);
  if (format === 'csv' && !o.out) throw new CliError('--format csv writes users.csv, departments.csv and groups.csv: give the folder with --out');
  const store = await openStore(dbLocation(o.db));
  try {
    const dir = await exportDirectory(store);
    const secrets = { secrets: o.withSecrets === true };
    if (!o.out) {
      process.stdout.write(directoryJson(dir, secrets));
      return;
    }
    const files = await writeDirectoryOutput(dir, format, o.out, secrets);
    console.error(`Exported ${summary(dir)} to ${files.join(', ')}`);
  } finally {
    await store.close();
  }
}
