// Who zdsf signs in as (issue 17: field management needs the permission): GET /api/v2/users/me, and for an agent
// with a custom role, that role's manage_organization_fields / manage_user_fields (GET /api/v2/custom_roles/{id},
// which needs the manage_roles permission: when it is refused, the role's permissions stay unknown).
import type { CurrentUser } from '../model/ports.js';
import { isRecord } from '../util/data.js';
import { ZendeskHttpError, type ZendeskTransport } from './transport.js';

export async function readCurrentUser(transport: ZendeskTransport): Promise<CurrentUser> {
  const { body } = await transport.get('/users/me');
  const u = isRecord(body) && isRecord(body.user) ? body.user : {};
  const me: CurrentUser = {
    id: typeof u.id === 'number' ? u.id : null,
    email: typeof u.email === 'string' ? u.email : null,
    role: typeof u.role === 'string' ? u.role : 'unknown',
    custom_role_id: typeof u.custom_role_id === 'number' ? u.custom_role_id : null,
  };
  if (me.role !== 'agent' || me.custom_role_id === null) return me;
  try {
    const role = await transport.get(`/custom_roles/${me.custom_role_id}`);
    const config = isRecord(role.body) && isRecord(role.body.custom_role) && isRecord(role.body.custom_role.configuration) ? role.body.custom_role.configuration : {};
    if (typeof config.manage_organization_fields === 'boolean') me.manage_organization_fields = config.manage_organization_fields;
    if (typeof config.manage_user_fields === 'boolean') me.manage_user_fields = config.manage_user_fields;
  } catch (err) {
    if (!(err instanceof ZendeskHttpError && (err.status === 403 || err.status === 404))) throw err;
  }
  return me;
}
