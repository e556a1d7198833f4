/**
 * Case-insensitive text matching that does not depend on the database. SQLite folds only ASCII
 * and PostgreSQL folds by the database's locale (not at all under `C`), so Roster decides case
 * equivalence itself, from JavaScript's Unicode case mappings, and hands the engines patterns
 * that spell every variant out (`[mM][üÜ]ller`). Simple (one character to one character) folding:
 * `ß` does not match `ss`.
 */

/** The character every member of a case class folds to; itself when it has no simple mapping. */
function foldKey(ch: string): string {
  const upper = ch.toUpperCase();
  if (isSingle(upper)) {
    const lower = upper.toLowerCase();
    if (isSingle(lower)) return lower;
  }
  const lower = ch.toLowerCase();
  return isSingle(lower) ? lower : ch;
}

function isSingle(s: string): boolean {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === (cp > 0xffff ? 2 : 1);
}

/** The planes that hold cased letters: the BMP, and the cased scripts from Deseret to Adlam. */
const RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0xffff],
  [0x10400, 0x1e9ff],
];

let classes: Map<string, string[]> | undefined;

/** key → every character with that key; built once, on first use. */
function caseClasses(): Map<string, string[]> {
  if (classes) return classes;
  const byKey = new Map<string, string[]>();
  const chunks: string[] = [];
  for (const [from, to] of RANGES) {
    for (let start = from; start <= to; start += 4096) {
      const cps: number[] = [];
      for (let cp = start; cp <= Math.min(to, start + 4095); cp++) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp);
      chunks.push(String.fromCodePoint(...cps));
    }
  }
  const all = chunks.join('');
  // the regex engine picks the few thousand cased characters out far faster than a loop would
  for (const [ch] of all.matchAll(/\p{Changes_When_Casemapped}/gu)) {
    const key = foldKey(ch);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(ch);
  }
  classes = new Map([...byKey].filter(([, list]) => list.length > 1));
  return classes;
}

/** Every character that matches `ch` ignoring case, `ch` first; `[ch]` for caseless ones. */
export function caseVariants(ch: string): string[] {
  const list = caseClasses().get(foldKey(ch));
  if (!list) return [ch];
  return [ch, ...list.filter((c) => c !== ch)];
}

/** What each character folds to, as met: folding is two case mappings and a look-up per character. */
const folds = new Map<string, string>();
/** Characters kept in `folds` at most (every cased character there is fits several times over). */
const MAX_FOLDS = 1 << 16;
const ASCII = /^[\x00-\x7f]*$/;

/** `s` with every character replaced by its fold key: equal folds mean equal ignoring case. */
export function foldCase(s: string): string {
  // in ASCII only the letters fold, each to its lower case (K and k to k, whatever the Kelvin sign does): most names
  if (ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    let folded = folds.get(ch);
    if (folded === undefined) {
      const key = foldKey(ch);
      folded = caseClasses().has(key) ? key : ch;
      if (folds.size < MAX_FOLDS) folds.set(ch, folded);
    }
    out += folded;
  }
  return out;
}
