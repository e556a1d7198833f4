/**
 * Line numbers for paths in a JSON text (`users[12].email` → line 130), so that validation
 * problems point into the file. Only run when there are problems: one pass over the text that
 * descends only into the containers holding a wanted path.
 */
import { formatPath, type PathSegment } from './validate.js';

/** The line (1-based) of each wanted path, or of its nearest ancestor present in the text. */
export function lineNumbers(text: string, wanted: readonly PathSegment[][]): Map<string, number> {
  const exact = new Set(wanted.map(formatPath));
  const prefixes = new Set<string>();
  for (const at of wanted) for (let n = 0; n <= at.length; n++) prefixes.add(formatPath(at.slice(0, n)));
  const found = new Map<string, number>();
  let i = 0;
  let line = 1;

  const space = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      i++;
    }
  };
  const string = (): string => {
    const start = ++i; // after the opening quote
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i++);
      if (Number.isNaN(c)) throw new Error('unterminated string');
      if (escaped) escaped = false;
      else if (c === 92) escaped = true;
      else if (c === 34) break;
    }
    const raw = text.slice(start, i - 1);
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  /** Passes over a value without tracking paths (counting lines). */
  const skip = () => {
    let depth = 0;
    do {
      space();
      const c = text.charCodeAt(i);
      if (c === 34) string();
      else if (c === 123 || c === 91) {
        depth++;
        i++;
      } else if (c === 125 || c === 93) {
        depth--;
        i++;
      } else if (c === 44 || c === 58) i++;
      else {
        while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
      }
    } while (depth > 0 && i < text.length);
  };
  const value = (at: PathSegment[]) => {
    space();
    const key = formatPath(at);
    if (exact.has(key) || prefixes.has(key)) found.set(key, line);
    if (!prefixes.has(key)) return skip();
    const c = text.charCodeAt(i);
    if (c === 123) {
      i++;
      space();
      if (text.charCodeAt(i) === 125) return void i++;
      for (;;) {
        space();
        const name = string();
        space();
        i++; // :
        value([...at, name]);
        space();
        if (text.charCodeAt(i++) === 125) return;
      }
    } else if (c === 91) {
      i++;
      space();
      if (text.charCodeAt(i) === 93) return void i++;
      for (let n = 0; ; n++) {
        value([...at, n]);
        space();
        if (text.charCodeAt(i++) === 93) return;
      }
    } else skip();
  };

  try {
    value([]);
  } catch {
    // a text JSON.parse accepted but this scanner does not follow: no line numbers
  }
  const out = new Map<string, number>();
  for (const at of wanted) {
    for (let n = at.length; n >= 0; n--) {
      const hit = found.get(formatPath(at.slice(0, n)));
      if (hit !== undefined) {
        out.set(formatPath(at), hit);
        break;
      }
    }
  }
  return out;
}
