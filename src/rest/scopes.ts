/** The permission scopes a webhook or application can be granted. */
export const SCOPES = ['im', 'imbot', 'user', 'user_basic', 'user_brief', 'department', 'sonet_group'] as const;
export type Scope = (typeof SCOPES)[number] | 'basic';

export function isScope(value: string): value is (typeof SCOPES)[number] {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * Parses a scope list (`im,user` or `im user`). Unknown names are returned separately so that
 * callers can refuse them with a message naming them.
 */
export function parseScopes(text: string): { scopes: string[]; unknown: string[] } {
  const names = [...new Set(text.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
  return { scopes: names.filter(isScope), unknown: names.filter((n) => !isScope(n) && n !== 'basic') };
}
