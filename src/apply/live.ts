// The live side of apply's checks: the Zendesk records a plan's changes concern, indexed by id and by key in
// the plan's match modes, and how a change's references resolve against them. Pure (lookupLive in stale.ts
// reads them through the writer).
import { normalizeEmail, normalizeName } from '../map/normalize.js';
import type { MatchModes, OrganizationRef, UserRef } from '../model/plan.js';
import type { ZdFieldDef, ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import type { FieldResource } from '../model/field-changes.js';
import type { LiveFields } from './field-stale.js';

export interface LiveRecords {
  organizations: ZdOrganization[];
  users: ZdUser[];
  memberships: ZdMembership[];
  /** the field definitions, read when the plan has field changes (issue 17; a full read has them anyway) */
  organizationFields?: ZdFieldDef[];
  userFields?: ZdFieldDef[];
}

export type MatchOptions = MatchModes;
export function organizationKey(org: { name?: unknown; external_id?: unknown }, match: MatchOptions): string | null {
  if (match.organizations === 'name') return typeof org.name === 'string' && org.name.trim() ? normalizeName(org.name) : null;
  return typeof org.external_id === 'string' && org.external_id !== '' ? org.external_id : null;
}

export function userKey(user: { email?: unknown; external_id?: unknown }, match: MatchOptions): string | null {
  if (match.users === 'external_id') return typeof user.external_id === 'string' && user.external_id !== '' ? user.external_id : null;
  return normalizeEmail(user.email);
}

/** The key of a plan change's record in the form the live indexes use. */
export function changeKey(type: 'organization' | 'user', key: string, match: MatchOptions): string {
  if (type === 'organization') return match.organizations === 'name' ? normalizeName(key) : key;
  return match.users === 'email' ? key.trim().toLowerCase() : key;
}

/** Live records indexed by id and by key. */
export class LiveIndex {
  readonly orgById = new Map<number, ZdOrganization>();
  readonly orgByKey = new Map<string, ZdOrganization>();
  readonly userById = new Map<number, ZdUser>();
  readonly userByKey = new Map<string, ZdUser>();
  readonly membershipById = new Map<number, ZdMembership>();
  readonly membershipsByUser = new Map<number, ZdMembership[]>();
  /** field definitions by kind (field changes, issue 17) */
  readonly fields: LiveFields = {};

  constructor(
    live: LiveRecords,
    readonly match: MatchOptions,
  ) {
    if (live.organizationFields) this.fields.organization_field = live.organizationFields;
    if (live.userFields) this.fields.user_field = live.userFields;
    for (const o of live.organizations) this.addOrganization(o);
    for (const u of live.users) this.addUser(u);
    for (const m of live.memberships) this.addMembership(m);
  }

  addOrganization(o: ZdOrganization): void {
    this.orgById.set(o.id, o);
    const k = organizationKey(o, this.match);
    if (k !== null) this.orgByKey.set(k, o);
  }

  addUser(u: ZdUser): void {
    this.userById.set(u.id, u);
    const k = userKey(u, this.match);
    if (k !== null) this.userByKey.set(k, u);
  }

  addMembership(m: ZdMembership): void {
    if (this.membershipById.has(m.id)) return;
    this.membershipById.set(m.id, m);
    const list = this.membershipsByUser.get(m.user_id) ?? [];
    list.push(m);
    this.membershipsByUser.set(m.user_id, list);
  }

  /** drops a user's memberships that match (placeholders replaced by what Zendesk says) */
  forgetMemberships(userId: number, which: (m: ZdMembership) => boolean): void {
    const list = this.membershipsByUser.get(userId) ?? [];
    for (const m of list.filter(which)) this.membershipById.delete(m.id);
    this.membershipsByUser.set(userId, list.filter((m) => !which(m)));
  }

  membership(userId: number, organizationId: number): ZdMembership | undefined {
    return (this.membershipsByUser.get(userId) ?? []).find((m) => m.organization_id === organizationId);
  }
}

/** The Zendesk id of a referenced organization: its id, or the live record with its key (a record this plan
 * creates that exists already: a re-run). undefined: not known yet. */
export function orgRefId(ref: OrganizationRef | undefined, idx: LiveIndex): number | undefined {
  if (!ref) return undefined;
  return ref.id ?? idx.orgByKey.get(changeKey('organization', ref.key, idx.match))?.id;
}

export function userRefId(ref: UserRef | undefined, idx: LiveIndex): number | undefined {
  if (!ref) return undefined;
  return ref.id ?? idx.userByKey.get(changeKey('user', ref.key, idx.match))?.id;
}

export interface LookupTargets {
  orgIds: Set<number>;
  orgKeys: Set<string>;
  /** with match: name, the names organization creates write, by key (searched besides the keys) */
  orgNames: Map<string, string>;
  userIds: Set<number>;
  userKeys: Set<string>;
  /** emails and external ids of the users the plan creates or updates, looked up whatever the match mode: an
   * agent or admin with either of them must stop the plan (the guard) */
  userEmails: Set<string>;
  userExternalIds: Set<string>;
  /** users whose memberships are read, in the plan's order: a number is a user id, a string a user's key (a
   * user the plan creates that may exist already: a re-run) */
  memberUsers: Set<number | string>;
  /** the kinds of field definitions read whole (field changes, issue 17) */
  fieldResources: Set<FieldResource>;
}

export function emptyTargets(): LookupTargets {
  return {
    orgIds: new Set(),
    orgKeys: new Set(),
    orgNames: new Map(),
    userIds: new Set(),
    userKeys: new Set(),
    userEmails: new Set(),
    userExternalIds: new Set(),
    memberUsers: new Set(),
    fieldResources: new Set(),
  };
}

/** Adds a referenced organization to the look-ups: by id, or by key when this plan creates it. */
export function targetOrganization(t: LookupTargets, ref: OrganizationRef | undefined): void {
  if (!ref) return;
  if (ref.id !== null) t.orgIds.add(ref.id);
  else t.orgKeys.add(ref.key);
}
