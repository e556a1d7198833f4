/**
 * The console's files, read once at start: its own (console/ at the repository's root) and three
 * ES modules from node_modules (Preact, its hooks, htm), whose bare `preact` import is pointed at
 * the served copy, so the browser needs neither a bundler nor an import map (an inline script
 * the Content-Security-Policy would have to allow).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { projectPath } from '../../paths.js';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const CONSOLE_DIR = projectPath('console');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

function asset(body: Buffer, name: string): Asset {
  return { body, type: TYPES[extname(name)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** node_modules files of the page, and the module text that replaces their bare imports. */
function vendorFiles(): { name: string; path: string }[] {
  const require = createRequire(import.meta.url);
  // the CommonJS entry points sit beside the ES module builds
  const beside = (specifier: string, file: string) => join(dirname(require.resolve(specifier)), file);
  return [
    { name: 'vendor/preact.js', path: beside('preact', 'preact.module.js') },
    { name: 'vendor/hooks.js', path: beside('preact/hooks', 'hooks.module.js') },
    { name: 'vendor/htm.js', path: beside('htm', 'htm.module.js') },
  ];
}

/** Keys: `index.html`, `assets/<file>`, `vendor/<file>.js`. */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  for (const name of await readdir(CONSOLE_DIR)) {
    if (!TYPES[extname(name)]) continue;
    const body = await readFile(join(CONSOLE_DIR, name));
    out.set(name === 'index.html' ? name : `assets/${name}`, asset(body, name));
  }
  for (const v of vendorFiles()) {
    // source maps point at files we do not serve
    const text = (await readFile(v.path, 'utf8')).replace(/from\s*["']preact["']/g, 'from"./preact.js"').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
    out.set(v.name, asset(Buffer.from(text), v.name));
  }
  return out;
}
