/** Upstream's messenger palette, in upstream's order (im/lib/color.php). */
export const PALETTE = {
  RED: '#df532d',
  GREEN: '#64a513',
  MINT: '#4ba984',
  LIGHT_BLUE: '#4ba5c3',
  DARK_BLUE: '#3e99ce',
  PURPLE: '#8474c8',
  AQUA: '#1eb4aa',
  PINK: '#f76187',
  LIME: '#58cc47',
  BROWN: '#ab7761',
  AZURE: '#29619b',
  KHAKI: '#728f7a',
  SAND: '#ba9c7b',
  ORANGE: '#e8a441',
  MARENGO: '#556574',
  GRAY: '#909090',
  GRAPHITE: '#5e5f5e',
  COPILOT: '#8d51eb',
} as const;

export type ColorCode = keyof typeof PALETTE;
const CODES = Object.keys(PALETTE) as ColorCode[];

/** Colours a user may choose (upstream refuses ORANGE). */
export function isSelectableColor(code: string): code is ColorCode {
  return code in PALETTE && code !== 'ORANGE';
}

/** Default colours swapped for male users, so that neighbouring ids of both genders differ. */
const MALE_SWAP: Partial<Record<ColorCode, ColorCode>> = { LIGHT_BLUE: 'AZURE', AQUA: 'SAND', PINK: 'KHAKI' };

/**
 * The user's colour: their chosen code, else upstream's default from the last digit of the id
 * (…1 red … …0 brown), with the male swap. Unknown gender counts as female here, as upstream.
 */
export function userColor(id: number, gender: string, chosen: string | null): string {
  if (chosen && chosen in PALETTE) return PALETTE[chosen as ColorCode];
  const digit = id % 10;
  let code = CODES[digit === 0 ? 9 : digit - 1]!;
  if (gender === 'M') code = MALE_SWAP[code] ?? code;
  return PALETTE[code];
}
