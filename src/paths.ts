import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root folder, for the files that ship beside the code (console/, seeds/). Resolved
 * from this module, which sits one level below the root both as a source file (src/paths.ts) and
 * in the bundle scripts/build.js writes (every file directly in dist/), where a module deeper in
 * src/ no longer has its own folder to count from.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const projectPath = (...parts: string[]): string => join(ROOT, ...parts);
