/**
 * The JSON text of a directory document: one department, user or group per line, so that
 * files stay readable, diff well and problems reported by line point at one entry.
 */
import type { DirectoryFile, FullDirectory } from '../store/directory-format.js';

export function directoryToJson(dir: FullDirectory | DirectoryFile): string {
  const section = (items: readonly unknown[]) => (items.length ? `[\n${items.map((i) => `    ${JSON.stringify(i)}`).join(',\n')}\n  ]` : '[]');
  return [
    '{',
    `  "format": ${JSON.stringify(dir.format)},`,
    `  "version": ${JSON.stringify(dir.version)},`,
    `  "departments": ${section(dir.departments)},`,
    `  "users": ${section(dir.users)},`,
    `  "groups": ${section(dir.groups ?? [])}`,
    '}',
    '',
  ].join('\n');
}
