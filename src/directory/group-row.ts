import type { GroupListRow } from '../store/group-list.js';
import { formatAtom } from './dates.js';

/**
 * A sonet_group.get row in upstream's shape. Roster's groups are plain workgroups: one site,
 * always visible, closed to free joining, never archived; dates are the creation date.
 */
export function presentGroupRow(g: GroupListRow, timeZone: string): Record<string, unknown> {
  const created = formatAtom(g.date_create, timeZone);
  return {
    ID: String(g.id),
    SITE_ID: 's1',
    NAME: g.name,
    DESCRIPTION: g.description,
    DATE_CREATE: created,
    DATE_UPDATE: created,
    ACTIVE: g.active === 1 ? 'Y' : 'N',
    VISIBLE: 'Y',
    OPENED: 'N',
    CLOSED: 'N',
    SUBJECT_ID: '1',
    OWNER_ID: String(g.owner_id),
    KEYWORDS: '',
    NUMBER_OF_MEMBERS: String(g.members),
    DATE_ACTIVITY: created,
    SUBJECT_NAME: 'Workgroups',
    PROJECT: 'N',
    IS_EXTRANET: g.extranet === 1 ? 'Y' : 'N',
  };
}
