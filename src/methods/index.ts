import { MethodRegistry } from '../rest/registry.js';
import { departmentWriteMethods } from './department-write.js';
import { eventOfflineMethods } from './event-offline.js';
import { eventMethods } from './events.js';
import { imDepartmentMethods } from './im-department.js';
import { imSearchMethods } from './im-search.js';
import { imStatusMethods } from './im-status.js';
import { imUserMethods } from './im-user.js';
import { platformMethods } from './platform.js';
import { sonetGroupMethods } from './sonet-group.js';
import { userWriteMethods } from './user-write.js';
import { departmentReadMethods } from './department-read.js';
import { imbotMethods } from './imbot.js';
import { introspectionMethods } from './introspection.js';
import { userReadMethods } from './user-read.js';

/** Every method Roster answers: dispatch, batch, introspection and the docs read this one list. */
export function createRegistry(): MethodRegistry {
  return new MethodRegistry([
    ...platformMethods,
    ...imUserMethods,
    ...imDepartmentMethods,
    ...imStatusMethods,
    ...imSearchMethods,
    ...userWriteMethods,
    ...departmentWriteMethods,
    ...sonetGroupMethods,
    ...introspectionMethods,
    ...userReadMethods,
    ...departmentReadMethods,
    ...imbotMethods,
    ...eventMethods,
    ...eventOfflineMethods,
  ]);
}
