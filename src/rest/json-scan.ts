/**
 * The shape of a JSON text, checked on the text itself before `JSON.parse` builds anything.
 *
 * `checkShape` refuses a parsed body of more than `maxParams` values or `maxDepth` levels, but by
 * then `JSON.parse` has built the whole tree: a 1 MiB body of 500,000 values or 500,000 nested
 * lists cost hundreds of milliseconds of event loop and tens of MiB before the refusal. This scan
 * reads the text once, without building anything, and throws the same errors `checkShape` would
 * throw on the parsed value, at the same point: values and containers are met in document order,
 * as `checkShape` visits them.
 *
 * It does not validate: text it cannot make sense of is left for `JSON.parse` to refuse. It is
 * stricter than `checkShape` only where the parsed value forgets part of the text (a key given
 * twice keeps its last value; the scan counts both).
 */
import { tooDeep, tooManyParams, type DecodeLimits } from './bracket-params.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Characters a number or a literal (`true`, `false`, `null`) is made of. */
const isAtom = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;

/** Throws `tooDeep` or `tooManyParams` when the JSON `text` holds more than `limits` allow. Linear in the text. */
export function scanJsonShape(text: string, limits: DecodeLimits): void {
  const n = text.length;
  let depth = 0;
  let values = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      // `{` or `[`: checkShape counts the outermost container as level 1
      if (++depth > limits.maxDepth) throw tooDeep(limits);
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      i++;
    } else if (c === QUOTE) {
      // a string: to its closing quote, an escape (`\"`, `\\`, `\u0022`) skipping the character after it
      i++;
      while (i < n) {
        const s = text.charCodeAt(i);
        if (s === QUOTE) break;
        i += s === BACKSLASH ? 2 : 1;
      }
      i++;
      // a key is followed by `:`; any other string is a value
      let j = i;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== COLON && ++values > limits.maxParams) throw tooManyParams(limits);
      i = j;
    } else if (isAtom(c)) {
      if (++values > limits.maxParams) throw tooManyParams(limits);
      i++;
      while (i < n && isAtom(text.charCodeAt(i))) i++;
    } else {
      // white space, `,`, `:` and anything JSON.parse will refuse anyway
      i++;
    }
  }
}
