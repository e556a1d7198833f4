/** The display name upstream builds with the site's name template. */
export interface NameParts {
  name: string;
  last_name: string;
  second_name: string;
  login: string;
}

export function formatFullName(user: NameParts, template: string): string {
  if (!user.name && !user.last_name) return user.login;
  return template
    .replaceAll('#NAME#', user.name)
    .replaceAll('#LAST_NAME#', user.last_name)
    .replaceAll('#SECOND_NAME#', user.second_name)
    .replaceAll('#NAME_SHORT#', user.name ? `${user.name[0]}.` : '')
    .replaceAll('#SECOND_NAME_SHORT#', user.second_name ? `${user.second_name[0]}.` : '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `first_name`: NAME, or the login when the user has no name at all. */
export function firstName(user: NameParts): string {
  if (!user.name && !user.last_name) return user.login;
  return user.name;
}
