// The apply side of offboarding and memberships: mirror (issue 17): the three change kinds user:suspend,
// user:delete and membership:delete — their phases (payload, endpoint), their stale check, and what the guard
// refuses of them (statically from the config, and against the live records: agents, admins, protected
// domains, users zdsf does not own, deletes without --allow-delete, the max_offboard limit). Registered in
// phases.ts, stale.ts and guard.ts by one entry each.
import type { Sync } from '../model/config.js';
import type { Change, MembershipDelete, SyncPlan, UserDelete, UserSuspend } from '../model/plan.js';
import type { WriteResult } from '../model/ports.js';
import type { ZdUser } from '../model/zendesk.js';
import { normalizeEmail, normalizeTags } from '../map/normalize.js';
import { isProtectedEmail } from '../reconcile/resources/users.js';
import { isOffboardChange } from '../reconcile/offboarding.js';
import { isSuspendedTag, suspendedOn } from '../reconcile/offboard-marker.js';
import { isPlainObject } from './compare.js';
import type { PhaseSpec } from './phases.js';
import type { ChangeCheck } from './stale-checks.js';
import type { LiveIndex } from './live.js';

/** Zendesk's bulk limit (estimate.ts' BULK_SIZE, not imported: estimate.ts -> stale.ts -> this file would be a cycle) */
const BULK_SIZE = 100;

function unsupported(what: string, n: number): WriteResult[] {
  return Array.from({ length: n }, (_v, index) => ({ index, ok: false, status: 'Failed', error: `this Zendesk writer cannot ${what}` }));
}

export const OFFBOARD_PHASES: {
  'user:suspend': PhaseSpec<UserSuspend>;
  'user:delete': PhaseSpec<UserDelete>;
  'membership:delete': PhaseSpec<MembershipDelete>;
} = {
  'user:suspend': {
    endpoint: 'PUT /api/v2/users/update_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ id: c.zendesk_id, suspended: true, tags: [...c.after.tags] }),
    send: (w, payloads) => w.updateUsers(payloads as (Record<string, unknown> & { id: number })[]),
  },
  'user:delete': {
    endpoint: 'DELETE /api/v2/users/destroy_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ id: c.zendesk_id }),
    send: (w, payloads) => (w.deleteUsers ? w.deleteUsers(payloads.map((p) => p.id as number)) : Promise.resolve(unsupported('delete users', payloads.length))),
  },
  'membership:delete': {
    endpoint: 'DELETE /api/v2/organization_memberships/destroy_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ id: c.zendesk_id }),
    send: (w, payloads) => (w.deleteMemberships ? w.deleteMemberships(payloads.map((p) => p.id as number)) : Promise.resolve(unsupported('delete memberships', payloads.length))),
  },
};

// ---- stale checks ----

function stale(change: Change, reason: string): ChangeCheck {
  return { change, status: 'stale', reason: `${change.type} ${JSON.stringify(change.label)} (id ${change.zendesk_id}): ${reason}` };
}

function sameTags(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeTags(Array.isArray(a) ? (a as string[]) : [])) === JSON.stringify(normalizeTags(Array.isArray(b) ? (b as string[]) : []));
}

function roleProblem(u: ZdUser): string | null {
  return u.role !== 'end-user' ? `is now ${u.role === 'admin' ? 'an admin' : 'an agent'}; zdsf never modifies agents or admins` : null;
}

/** pending: Zendesk still looks as the plan saw it; done: already as the plan wants; stale otherwise. */
export function checkOffboardChange(change: UserSuspend | UserDelete | MembershipDelete, idx: LiveIndex): ChangeCheck {
  if (change.type === 'membership') {
    const m = idx.membershipById.get(change.zendesk_id);
    if (!m) return { change, status: 'done', reason: 'membership already deleted' };
    if (m.user_id !== change.before.user_id || m.organization_id !== change.before.organization_id) return stale(change, 'the membership now joins another user or organization');
    return { change, status: 'pending', id: m.id };
  }
  const live = idx.userById.get(change.zendesk_id);
  if (change.action === 'delete') {
    if (!live || live.active === false) return { change, status: 'done', reason: 'already deleted' };
    const role = roleProblem(live);
    if (role) return stale(change, role);
    if (live.suspended !== true) return stale(change, 'is no longer suspended (someone unsuspended it since the plan)');
    if (!sameTags(change.before.tags, live.tags)) return stale(change, `tags changed since the plan: ${JSON.stringify(change.before.tags)} -> ${JSON.stringify(live.tags ?? [])}`);
    return { change, status: 'pending', id: live.id };
  }
  if (!live) return stale(change, 'no longer exists in Zendesk');
  const role = roleProblem(live);
  if (role) return stale(change, role);
  if (live.suspended === true && sameTags(change.after.tags, live.tags)) return { change, status: 'done', reason: 'already suspended', id: live.id };
  if ((live.suspended === true) !== change.before.suspended) return stale(change, `suspended changed since the plan: ${String(change.before.suspended)} -> ${String(live.suspended === true)}`);
  if (!sameTags(change.before.tags, live.tags)) return stale(change, `tags changed since the plan: ${JSON.stringify(change.before.tags)} -> ${JSON.stringify(live.tags ?? [])}`);
  return { change, status: 'pending', id: live.id };
}

// ---- the guard ----

/** What the config forbids of one of the three kinds (checked before any request). */
export function guardOffboardStatic(c: UserSuspend | UserDelete | MembershipDelete, config: Sync, multipleOrganizations: boolean): string[] {
  const out: string[] = [];
  if (c.type === 'membership') {
    if (config.memberships !== 'mirror') out.push('the sync does not say memberships: mirror: zdsf deletes no membership without it');
    if (!multipleOrganizations) out.push('memberships need multiple organizations');
    if (typeof c.zendesk_id !== 'number' || !isPlainObject(c.user) || !isPlainObject(c.organization)) out.push('a membership delete needs the membership id, its user and organization');
    return out;
  }
  const rule = config.users?.offboard;
  if (!rule) return ['the sync has no users.offboard rule: zdsf suspends and deletes no user without one'];
  if (typeof c.zendesk_id !== 'number') out.push('needs the Zendesk id of the user');
  if (c.action === 'suspend') {
    if (rule.action === 'remove_tags') out.push('users.offboard.action is remove_tags: zdsf suspends no user');
    const after: Record<string, unknown> = isPlainObject(c.after) ? c.after : {};
    const before: Record<string, unknown> = isPlainObject(c.before) ? c.before : {};
    const keys = Object.keys(after).sort().join(',');
    if (keys !== 'suspended,tags' || after.suspended !== true) out.push('a suspend writes suspended: true and the tags, nothing else');
    const had = new Set(normalizeTags(Array.isArray(before.tags) ? (before.tags as string[]) : []));
    const added = normalizeTags(Array.isArray(after.tags) ? (after.tags as string[]) : []).filter((t) => !had.has(t));
    const removed = [...had].filter((t) => !(Array.isArray(after.tags) && normalizeTags(after.tags as string[]).includes(t)));
    if (added.length !== 1 || !isSuspendedTag(added[0]) || removed.some((t) => !isSuspendedTag(t))) out.push("a suspend adds zdsf's zdsf_suspended_YYYYMMDD tag and changes no other tag");
  } else {
    if (rule.action !== 'delete') out.push(`users.offboard.action is ${rule.action}: zdsf deletes no user`);
    const before: Record<string, unknown> = isPlainObject(c.before) ? c.before : {};
    if (before.suspended !== true || !suspendedOn(Array.isArray(before.tags) ? (before.tags as string[]) : [])) out.push('zdsf deletes only users it suspended (suspended, with its zdsf_suspended_ tag)');
  }
  return out;
}

export interface OffboardLiveInput {
  sync: SyncPlan;
  config: Sync;
  live: LiveIndex;
  /** end users and agents in the instance now (the base of the default max_offboard); undefined: unknown */
  userCount: number | undefined;
  allowDelete: boolean;
  force: boolean;
}

/** The default max_offboard: 10% of the instance's users, at least 1 (rounded down). */
export function defaultMaxOffboard(users: number): number {
  return Math.max(1, Math.floor(users / 10));
}

/** How many changes of a plan offboard a user (suspend, delete, offboarding's remove_tags). */
export function offboardCount(changes: readonly Change[]): number {
  return changes.filter(isOffboardChange).length;
}

/**
 * What the live records forbid: a user that is (now) an agent or admin, in a protected domain, or not owned by
 * zdsf (no external_id); a delete of a user zdsf did not suspend; deletes without --allow-delete; more offboarded
 * users than max_offboard (unless --force).
 */
export function guardOffboardLive(input: OffboardLiveInput, name: (c: Change) => string): { changes: string[]; deletes: string[] } {
  const { sync, config, live } = input;
  const out: string[] = [];
  const del: string[] = [];
  const deletes: Change[] = [];
  for (const c of sync.changes) {
    if (c.type !== 'user' || (c.action !== 'suspend' && c.action !== 'delete')) continue;
    const u = live.userById.get(c.zendesk_id);
    if (!u) continue; // gone: the stale check says so (or it is done)
    const email = normalizeEmail(u.email);
    if (u.role !== 'end-user') out.push(`${name(c)}: Zendesk user ${u.id} is ${u.role === 'admin' ? 'an admin' : 'an agent'}: zdsf never writes agents or admins`);
    else if (email && isProtectedEmail(config.protected, email)) out.push(`${name(c)}: the user is in a protected email domain`);
    else if (!u.external_id || u.external_id !== c.key) out.push(`${name(c)}: the user's external_id is not the Salesforce Id the plan names: zdsf offboards only users it owns`);
    if (c.action === 'delete' && u.active !== false) {
      if (!suspendedOn(u.tags)) out.push(`${name(c)}: the user carries no zdsf_suspended_ tag: zdsf deletes only users it suspended`);
      deletes.push(c);
    }
  }
  if (deletes.length > 0 && !input.allowDelete) {
    del.push(`sync "${sync.name}" would delete ${deletes.length} user${deletes.length === 1 ? '' : 's'} (${deletes.slice(0, 5).map((d) => JSON.stringify(d.label)).join(', ')}${deletes.length > 5 ? ', ...' : ''}): deletes need --allow-delete`);
  }
  const n = offboardCount(sync.changes);
  const rule = config.users?.offboard;
  if (n > 0 && rule && !input.force) {
    const setting = `syncs.${sync.name}.users.offboard.max_offboard`;
    if (rule.max_offboard !== undefined) {
      if (n > rule.max_offboard) del.push(`sync "${sync.name}" would offboard ${n} users, more than max_offboard (${rule.max_offboard}): raise ${setting} or pass --force`);
    } else if (input.userCount === undefined) {
      del.push(`sync "${sync.name}" would offboard ${n} user${n === 1 ? '' : 's'}, but the number of users in Zendesk "${config.to}" is unknown, so the default max_offboard (10% of them) cannot be checked: set ${setting} or pass --force`);
    } else if (n > defaultMaxOffboard(input.userCount)) {
      del.push(`sync "${sync.name}" would offboard ${n} users, more than max_offboard (the default limit is 10% of the ${input.userCount} users in Zendesk "${config.to}", ${defaultMaxOffboard(input.userCount)}): set ${setting} or pass --force`);
    }
  }
  return { changes: out, deletes: del };
}
