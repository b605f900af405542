// Field management needs the permission to create fields (issue 17, "Bad input"): before a plan with field
// changes is shown, zdsf asks Zendesk who it signs in as (GET /api/v2/users/me) and fails that sync's plan,
// naming the setting and the missing permission, unless it is an admin, or an agent whose custom role says
// manage_organization_fields / manage_user_fields (read through GET /api/v2/custom_roles/{id} when allowed).
import type { Sync, ZendeskInstance } from '../model/config.js';
import type { FieldChange } from '../model/plan.js';
import type { CurrentUser, Logger, TargetReader } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';
import { ZendeskHttpError } from '../zendesk/transport.js';

export interface FieldPermissionInput {
  sync: Sync;
  instance: ZendeskInstance;
  changes: FieldChange[];
  reader: TargetReader;
  logger?: Logger;
}

function allowed(me: CurrentUser, resource: FieldChange['resource']): boolean {
  if (me.role === 'admin') return true;
  if (me.role !== 'agent') return false;
  return resource === 'organization_field' ? me.manage_organization_fields === true : me.manage_user_fields === true;
}

/** Throws a `permission` error when the user zdsf signs in as cannot create the fields / options of `changes`. */
export async function refuseWithoutFieldPermission({ sync, instance, changes, reader, logger }: FieldPermissionInput): Promise<void> {
  const resources = [...new Set(changes.map((c) => c.resource))];
  const section = (r: FieldChange['resource']): string => `syncs.${sync.name}.${r === 'organization_field' ? 'organizations' : 'users'}.manage_fields`;
  const pos = (r: FieldChange['resource']): string => {
    const p = r === 'organization_field' ? sync.organizations?.pos : sync.users?.pos;
    return p ? `${p.file}:${p.line}:${p.col}: ` : '';
  };
  const first = resources[0];
  const target = `Zendesk "${instance.name}" (${instance.url})`;
  if (!reader.currentUser) {
    throw new ZdsfError(`${pos(first)}${section(first)}: this Zendesk reader cannot tell which user zdsf signs in as, so it cannot check the permission to create fields`, 'permission');
  }
  let me: CurrentUser;
  try {
    me = await reader.currentUser({ instance, logger });
  } catch (err) {
    if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) {
      throw new ZdsfError(`${pos(first)}${section(first)} needs to know who zdsf signs in as (GET /api/v2/users/me), but ${target} answered ${err.status}: check the credentials.`, 'permission');
    }
    throw err;
  }
  for (const r of resources) {
    if (allowed(me, r)) continue;
    const n = changes.filter((c) => c.resource === r).length;
    const kind = r === 'organization_field' ? 'organization' : 'user';
    const who = `${me.email ?? (me.id !== null ? `user ${me.id}` : 'an unknown user')} (${me.role}${me.custom_role_id !== null ? `, custom role ${me.custom_role_id}` : ''})`;
    throw new ZdsfError(
      `${pos(r)}${section(r)} is true and this plan has ${n} ${kind} field change${n === 1 ? '' : 's'} (fields or options to create), but zdsf signs in to ${target} as ${who}, who may not manage ${kind} fields: ` +
        `creating fields and options needs an admin, or an agent whose custom role has the permission manage_${kind}_fields. ` +
        `Sign in as an admin, or set ${section(r)}: false and create the fields and options by hand, then plan again.`,
      'permission',
    );
  }
}
