// The guard (issue 11): before the first write, every change of the plan is checked against the config and
// the live Zendesk records, and the whole plan is refused, naming each offending change, when one of them
// does what the config does not allow. The seal only catches accidents; this is what stops a hostile plan.
// Pure: the caller looks the live records up (stale.ts' lookupLive) and counts the organizations.
import type { Sync, ZendeskInstance } from '../model/config.js';
import { changeKind, isChangeKind, type Change, type SyncPlan } from '../model/plan.js';
import type { ZdUser } from '../model/zendesk.js';
import { normalizeEmail } from '../map/normalize.js';
import { planSettings } from '../reconcile/index.js';
import { isProtectedEmail } from '../reconcile/resources/users.js';
import { isProtectedOrganization } from '../reconcile/resources/organizations.js';
import type { LiveIndex } from './stale.js';
import { isPlainObject } from './compare.js';
import { guardOffboardLive, guardOffboardStatic } from './offboard-apply.js';
import { checkFieldChange } from './field-guard.js';
import { caseConfigProblems } from './cases.js';

/** How a message names a change: `sync "global": organization create "Acme" (key 001...)`. */
export function nameChange(sync: string, c: { type?: unknown; action?: unknown; key?: unknown; label?: unknown; zendesk_id?: unknown }): string {
  const label = typeof c.label === 'string' ? ` ${JSON.stringify(c.label)}` : '';
  const id = typeof c.zendesk_id === 'number' ? ` (id ${c.zendesk_id})` : typeof c.key === 'string' ? ` (key ${c.key})` : '';
  return `sync "${sync}": ${String(c.type)} ${String(c.action)}${label}${id}`;
}

/** The attributes a sync's config lets zdsf write, as dotted paths (custom fields: `organization_fields.<key>`). */
export function writableAttributes(sync: Sync): { organization: Set<string>; user: Set<string>; userCreateOnly: Set<string> } {
  const organization = new Set<string>();
  const o = sync.organizations;
  if (o) {
    for (const a of ['name', 'external_id', 'tags']) organization.add(a);
    if (o.domain_names) organization.add('domain_names');
    if (o.notes) organization.add('notes');
    if (o.details) organization.add('details');
    for (const k of Object.keys(o.fields)) organization.add(`organization_fields.${k}`);
  }
  const user = new Set<string>();
  const userCreateOnly = new Set<string>();
  const u = sync.users;
  if (u) {
    for (const a of ['name', 'email', 'external_id', 'tags']) user.add(a);
    if (u.phone) user.add('phone');
    if (u.notes) user.add('notes');
    if (u.details) user.add('details');
    for (const k of Object.keys(u.fields)) user.add(`user_fields.${k}`);
    userCreateOnly.add('role');
    if (!u.verify_email) for (const a of ['verified', 'skip_verify_email']) userCreateOnly.add(a);
  }
  return { organization, user, userCreateOnly };
}

/** Dotted leaves of an attribute object (custom fields one level down). */
function paths(obj: unknown): string[] {
  if (!isPlainObject(obj)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue; // not sent (JSON has no undefined)
    if ((k === 'organization_fields' || k === 'user_fields') && isPlainObject(v)) for (const f of Object.keys(v)) out.push(`${k}.${f}`);
    else out.push(k);
  }
  return out;
}

export interface StaticGuardInput {
  sync: SyncPlan;
  config: Sync;
  zendesk: ZendeskInstance;
}

/**
 * What the config alone forbids (checked before any request): unknown actions, settings that differ from the
 * config, attributes the config does not map, values zdsf never writes, deletes without a retention rule,
 * protected records, memberships without multiple organizations.
 */
export function guardAgainstConfig({ sync, config, zendesk }: StaticGuardInput): string[] {
  const out: string[] = [];
  const expected = planSettings(config, zendesk);
  for (const k of ['match', 'multiple_organizations', 'verify_email'] as const) {
    if (JSON.stringify(sync[k]) !== JSON.stringify(expected[k])) {
      out.push(`sync "${sync.name}": the plan says ${k} ${JSON.stringify(sync[k])}, the config ${JSON.stringify(expected[k])}`);
    }
  }
  const writable = writableAttributes(config);
  for (const c of sync.changes as unknown[]) {
    const change = (isPlainObject(c) ? c : {}) as Partial<Change> & Record<string, unknown>;
    const name = nameChange(sync.name, change);
    const kind = changeKind({ type: String(change.type), action: String(change.action) });
    if (!isChangeKind(kind)) {
      out.push(`${name}: zdsf has no such change (${kind})`);
      continue;
    }
    out.push(...checkChange(change as Change, config, writable, expected.multiple_organizations).map((p) => `${name}: ${p}`));
  }
  return out;
}

function checkChange(c: Change, config: Sync, writable: ReturnType<typeof writableAttributes>, multipleOrganizations: boolean): string[] {
  if (c.type === 'field' || c.type === 'field_option') return checkFieldChange(c, config);
  const out: string[] = [];
  if (c.action === 'suspend' || (c.action === 'delete' && c.type !== 'organization')) return guardOffboardStatic(c, config, multipleOrganizations);
  const unmapped = (list: string[], allowed: Set<string>, what: string): void => {
    const bad = list.filter((p) => !allowed.has(p));
    if (bad.length > 0) out.push(`${what} ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not mapped by the config`);
  };
  if (c.type === 'organization') {
    if (!config.organizations) return ['the sync has no organizations section'];
    if (c.action === 'delete') {
      if (!config.organizations.retention) out.push('the sync has no organizations.retention rule: zdsf deletes nothing without one');
      if (typeof c.zendesk_id !== 'number') out.push('a delete needs the Zendesk id of the organization');
      const ext = isPlainObject(c.before) ? c.before.external_id : undefined;
      if (typeof ext !== 'string' || ext === '') out.push('the organization has no external_id: zdsf deletes only organizations it syncs');
    } else {
      unmapped(paths(c.after), writable.organization, 'attribute');
      if (c.action === 'update') unmapped(paths(c.before), writable.organization, 'attribute (before)');
    }
    const rec = c.action === 'delete' ? c.before : c.after;
    if (isPlainObject(rec) && isProtectedOrganization(config.protected, { external_id: (rec.external_id as string) ?? c.key, name: rec.name as string })) {
      out.push('the organization is protected (sync protected: list)');
    }
    return out;
  }
  if (c.type === 'user') {
    if (!config.users) return ['the sync has no users section'];
    const allowed = new Set([...writable.user, ...(c.action === 'create' ? writable.userCreateOnly : [])]);
    unmapped(paths(c.after), allowed, 'attribute');
    if (c.action === 'update') unmapped(paths(c.before).filter((p) => p !== 'organization_id'), writable.user, 'attribute (before)');
    if (isPlainObject(c.after)) {
      if (c.after.role !== undefined && c.after.role !== 'end-user') out.push(`role ${JSON.stringify(c.after.role)}: zdsf creates end-users only`);
      for (const flag of ['verified', 'skip_verify_email'] as const) {
        if (c.after[flag] !== undefined && c.after[flag] !== true) out.push(`${flag} ${JSON.stringify(c.after[flag])}: zdsf only ever sets it to true`);
      }
      const email = normalizeEmail(c.after.email ?? (config.users.match === 'email' ? c.key : null));
      if (email && isProtectedEmail(config.protected, email)) out.push('the user is in a protected email domain');
    }
    if (c.organization && c.action === 'update' && multipleOrganizations) {
      out.push("writing organization_id would replace the user's memberships (multiple organizations is on)");
    }
    if (c.organization && !config.users.relationships.primary) out.push('users.relationships.primary is off: zdsf sets no organization');
    return out;
  }
  if (c.type === 'case') return caseConfigProblems(c, config);
  if (!config.users) return ['the sync has no users section'];
  if (!multipleOrganizations) out.push('memberships need multiple organizations');
  if (!isPlainObject(c.user) || !isPlainObject(c.organization)) out.push('a membership needs its user and organization');
  return out;
}

export interface LiveGuardInput {
  sync: SyncPlan;
  config: Sync;
  live: LiveIndex;
  /** organizations in the instance now (the base of the default max_deletes); undefined: unknown */
  organizationCount: number | undefined;
  /** users in the instance now (the base of the default max_offboard); undefined: unknown or not needed */
  userCount?: number;
  allowDelete: boolean;
  force: boolean;
}

function role(u: ZdUser | undefined): string | null {
  if (!u || u.role === 'end-user') return null;
  return `Zendesk user ${u.id} is ${u.role === 'admin' ? 'an admin' : 'an agent'}: zdsf never writes agents or admins`;
}

/** The default max_deletes: 10% of the organizations, at least 1 (rounded down). */
export function defaultMaxDeletes(organizations: number): number {
  return Math.max(1, Math.floor(organizations / 10));
}

/**
 * What the live records forbid: agents and admins (by id, by email and by external_id, whatever the match
 * mode), deletes of organizations without an external_id, and the delete guardrails (--allow-delete,
 * max_deletes counted against the live number of organizations).
 */
export function guardAgainstLive(input: LiveGuardInput): { changes: string[]; deletes: string[] } {
  const { sync, config, live } = input;
  const out: string[] = [];
  const del: string[] = [];
  const byEmail = new Map<string, ZdUser>();
  const byExternal = new Map<string, ZdUser>();
  for (const u of live.userById.values()) {
    const e = normalizeEmail(u.email);
    if (e) byEmail.set(e, u);
    if (u.external_id) byExternal.set(u.external_id, u);
  }
  const deletes: Change[] = [];
  for (const c of sync.changes) {
    const name = nameChange(sync.name, c);
    if (c.action === 'suspend' || (c.action === 'delete' && c.type !== 'organization')) continue; // guardOffboardLive
    if (c.type === 'user') {
      const candidates = [
        c.action === 'update' ? live.userById.get(c.zendesk_id) : undefined,
        byEmail.get(normalizeEmail(c.after.email ?? (sync.match.users === 'email' ? c.key : null)) ?? ''),
        byExternal.get(typeof c.after.external_id === 'string' ? c.after.external_id : sync.match.users === 'external_id' ? c.key : ''),
      ];
      const problem = candidates.map(role).find((r) => r !== null);
      if (problem) out.push(`${name}: ${problem}`);
    } else if (c.type === 'membership') {
      const problem = role(c.user.id !== null ? live.userById.get(c.user.id) : live.userByKey.get(c.user.key));
      if (problem) out.push(`${name}: ${problem}`);
    } else if (c.action === 'delete') {
      const org = live.orgById.get(c.zendesk_id);
      if (!org) continue; // already deleted: nothing to send
      if (!org.external_id) out.push(`${name}: the organization has no external_id in Zendesk: zdsf deletes only organizations it syncs`);
      deletes.push(c);
    }
  }
  if (deletes.length > 0) {
    const what = `sync "${sync.name}" would delete ${deletes.length} organization${deletes.length === 1 ? '' : 's'} (${deletes
      .slice(0, 5)
      .map((d) => JSON.stringify(d.label))
      .join(', ')}${deletes.length > 5 ? ', ...' : ''})`;
    if (!input.allowDelete) del.push(`${what}: deletes need --allow-delete`);
    else if (!input.force) {
      const configured = config.organizations?.retention?.max_deletes;
      const count = input.organizationCount;
      if (configured !== undefined) {
        if (deletes.length > configured) del.push(`${what}, more than max_deletes (retention.max_deletes is ${configured}): raise syncs.${sync.name}.organizations.retention.max_deletes or pass --force`);
      } else if (count === undefined) {
        del.push(`${what}, but the number of organizations in Zendesk "${config.to}" is unknown, so the default limit (10% of them) cannot be checked: set syncs.${sync.name}.organizations.retention.max_deletes or pass --force`);
      } else if (deletes.length > defaultMaxDeletes(count)) {
        del.push(
          `${what}, more than max_deletes (the default limit is 10% of the ${count} organizations in Zendesk "${config.to}", ${defaultMaxDeletes(count)}): set syncs.${sync.name}.organizations.retention.max_deletes or pass --force`,
        );
      }
    }
  }
  const offboard = guardOffboardLive({ sync, config, live, userCount: input.userCount, allowDelete: input.allowDelete, force: input.force }, (c) => nameChange(sync.name, c));
  return { changes: [...out, ...offboard.changes], deletes: [...del, ...offboard.deletes] };
}

