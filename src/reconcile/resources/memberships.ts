// Organization memberships: the memberships users should have (from the users pass's relationship decisions,
// shared emails and secondary relationships) vs those Zendesk has -> membership create and make_default
// changes. Memberships are only added (DESIGN.md section 5), unless the sync says memberships: mirror
// (issue 17, membership-mirror.ts). Pure.
import type { SourceData } from '../../model/salesforce.js';
import { membershipLabel, type MembershipChange, type MembershipCreate, type MembershipDelete, type MembershipMakeDefault, type UserRef } from '../../model/plan.js';
import type { ZdMembership, ZdUser } from '../../model/zendesk.js';
import { secondaryActive } from '../relationships.js';
import { organizationRef, type LinkedOrganization } from './organizations.js';
import { emptyComparison, type Comparison, type FindResult, type Resource, type ResourceInput, type ResourcePlugin, type ResourceResult } from './resource.js';
import type { PlannedPerson, UsersResult } from './users.js';
import { mirrorMemberships } from './membership-mirror.js';

export type MembershipReason = 'primary' | 'secondary';

/** One membership a user should have. */
export interface MembershipIntent {
  org: LinkedOrganization;
  reason: MembershipReason;
  /** Salesforce records behind it: the contact, and the AccountContactRelation for a secondary one */
  sources: string[];
}

/** Everything memberships need to know about one user. */
export interface UserMemberships {
  /** the user's change key (email, or external_id with match: external_id) */
  userKey: string;
  email: string;
  /** null when this plan creates the user (refs.user) */
  userId: number | null;
  /** organization ids the user already belongs to (for a user this plan creates: none) */
  existingOrgIds: ReadonlySet<number>;
  /** organization keys the user will belong to without a membership change (created with that organization_id) */
  implicitOrgKeys: ReadonlySet<string>;
  intents: MembershipIntent[];
  /** the organization whose membership becomes the user's default (only when the user has none) */
  makeDefault: LinkedOrganization | null;
}

/** A membership one user should have (the plugin's desired record). */
export interface DesiredMembership {
  user: UserMemberships;
  intent: MembershipIntent;
  /** it is to be the user's default organization */
  default: boolean;
}

/** The membership (or organization_id) that already links the user to the organization. */
export interface ExistingMembership {
  /** the membership's id; null when only users.organization_id links them */
  id: number | null;
}
// Shared empty values for the many users with no memberships (never mutated: membershipChanges copies).
const NO_MEMBERSHIPS: readonly ZdMembership[] = Object.freeze([]);
const NO_ORG_IDS: ReadonlySet<number> = new Set<number>();
const NO_ORG_KEYS: ReadonlySet<string> = new Set<string>();

/** Index of a target's memberships, by user id. */
export class MembershipIndex {
  private readonly byUser = new Map<number, ZdMembership[]>();

  constructor(memberships: ZdMembership[]) {
    for (const m of memberships) {
      const list = this.byUser.get(m.user_id);
      if (list) list.push(m);
      else this.byUser.set(m.user_id, [m]);
    }
  }

  of(userId: number): readonly ZdMembership[] {
    return this.byUser.get(userId) ?? NO_MEMBERSHIPS;
  }

  /** The user's default organization: its default membership's, else users.organization_id (which Zendesk
   * reports as the default organization), else null. */
  defaultOrgId(user: ZdUser): number | null {
    const def = this.of(user.id).find((m) => m.default === true);
    return def ? def.organization_id : (user.organization_id ?? null);
  }

  /** Organizations the user belongs to (memberships, plus organization_id, which always has one). */
  orgIds(user: ZdUser): ReadonlySet<number> {
    const list = this.byUser.get(user.id);
    const orgId = user.organization_id ?? null;
    if (!list && orgId === null) return NO_ORG_IDS;
    const ids = new Set<number>();
    if (list) for (const m of list) ids.add(m.organization_id);
    if (orgId !== null) ids.add(orgId);
    return ids;
  }

  membershipId(userId: number, orgId: number): number | null {
    return this.of(userId).find((m) => m.organization_id === orgId)?.id ?? null;
  }
}

const NONE: FindResult<ExistingMembership> = { kind: 'none' };

function membershipKey(userKey: string, org: LinkedOrganization): string {
  return `${userKey} -> ${org.key}`;
}

function userRef(u: UserMemberships): UserRef {
  return { id: u.userId, key: u.userKey, email: u.email };
}

/** The membership plugin: find / compare / add / update for one sync (memberships are never removed). */
export class MembershipPlugin implements ResourcePlugin<DesiredMembership, ExistingMembership> {
  readonly type = 'membership' as const;

  constructor(private readonly index: MembershipIndex) {}

  find(d: DesiredMembership): FindResult<ExistingMembership> {
    const { user, intent } = d;
    if (intent.org.id === null || !user.existingOrgIds.has(intent.org.id)) return NONE;
    const id = user.userId !== null ? this.index.membershipId(user.userId, intent.org.id) : null;
    return { kind: 'found', record: { id }, via: 'user_id and organization_id' };
  }

  /** An existing membership differs only in being the default: make_default is planned when the user has
   * none (DESIGN.md section 5), and only for a membership record (organization_id alone cannot be made one). */
  compare(d: DesiredMembership, m: ExistingMembership): Comparison {
    const c = emptyComparison();
    if (d.default && m.id !== null) c.diff.push({ path: 'default_organization', before: null, after: d.intent.org.name });
    return c;
  }

  add(d: DesiredMembership): MembershipCreate {
    const { org } = d.intent;
    const user = userRef(d.user);
    return {
      type: 'membership',
      action: 'create',
      key: membershipKey(d.user.userKey, org),
      zendesk_id: null,
      label: membershipLabel(user, org),
      before: null,
      after: null,
      user,
      organization: organizationRef(org),
      default: d.default,
      diff: [{ path: 'organization', before: null, after: org.name }, ...(d.default ? [{ path: 'default', before: null, after: true }] : [])],
      reason: d.intent.reason,
      sources: d.intent.sources,
    };
  }

  /** make_default. before: the user's default organization as it is now (none: make_default is only planned
   * then). Zendesk: PUT /api/v2/users/{user_id}/organization_memberships/{membership_id}/make_default. */
  update(d: DesiredMembership, m: ExistingMembership, c: Comparison): MembershipMakeDefault {
    const { org } = d.intent;
    const u = d.user;
    if (m.id === null || u.userId === null || org.id === null) throw new Error(`make_default needs an existing membership (${membershipKey(u.userKey, org)})`);
    return {
      type: 'membership',
      action: 'make_default',
      key: membershipKey(u.userKey, org),
      zendesk_id: m.id,
      label: membershipLabel(userRef(u), org),
      before: { default_organization_id: null },
      after: null,
      user: { ...userRef(u), id: u.userId },
      organization: { ...organizationRef(org), id: org.id },
      diff: c.diff,
      reason: 'primary',
      sources: d.intent.sources,
    };
  }

  remove(): MembershipChange {
    throw new Error('zdsf never removes organization memberships');
  }
}

/**
 * The membership create and make_default changes for one user. The default membership is folded into the
 * bulk create (issue 12): a user's first and only membership needs nothing (Zendesk makes it the default); a
 * new membership that must be the default among others is created with `default: true`; only a membership
 * that exists already needs a make_default request.
 */
const plugins = new WeakMap<MembershipIndex, MembershipPlugin>();

export function membershipChanges(u: UserMemberships, index: MembershipIndex): MembershipChange[] {
  let plugin = plugins.get(index);
  if (!plugin) plugins.set(index, (plugin = new MembershipPlugin(index)));
  const absent: MembershipIntent[] = [];
  // primary intents first, so that an organization that is both primary and secondary reads 'primary'
  const intents = u.intents.length > 1 ? [...u.intents].sort((a, b) => (a.reason === b.reason ? 0 : a.reason === 'primary' ? -1 : 1)) : u.intents;
  // the organizations seen: a Set only when there is more than one intent to tell apart
  const seen = intents.length > 1 ? new Set<string>(u.implicitOrgKeys) : null;
  for (const intent of intents) {
    if (seen) {
      if (seen.has(intent.org.key)) continue;
      seen.add(intent.org.key);
    } else if (u.implicitOrgKeys.has(intent.org.key)) continue;
    if (plugin.find({ user: u, intent, default: false }).kind === 'none') absent.push(intent);
  }
  const org = u.makeDefault;
  // the user's only membership once applied: Zendesk makes it the default without being asked
  const only = u.existingOrgIds.size === 0 && absent.length === 1;
  const changes: MembershipChange[] = absent.map((intent) => plugin.add({ user: u, intent, default: org !== null && intent.org.key === org.key && !only }));
  if (!org) return changes;
  const desired: DesiredMembership = { user: u, intent: { org, reason: 'primary', sources: u.intents.find((i) => i.org.key === org.key)?.sources ?? [] }, default: true };
  const existing = plugin.find(desired);
  if (existing.kind !== 'found') return changes;
  const c = plugin.compare(desired, existing.record);
  if (c.diff.length > 0) changes.push(plugin.update(desired, existing.record, c));
  return changes;
}

export interface MembershipsResult extends ResourceResult {
  changes: (MembershipChange | MembershipDelete)[];
}

/** The memberships one planned person should have: primary account, the accounts of people sharing its email,
 * active secondary relations (also read by memberships: mirror). */
export function membershipIntents(p: PlannedPerson, input: ResourceInput, link: (accountId: string | null) => LinkedOrganization | null, relationsByContact: Map<string, SourceData['relations']>): MembershipIntent[] {
  const { group: g, decision, primaryOrg } = p;
  const intents: MembershipIntent[] = [];
  if (decision.M === '✓' && primaryOrg) intents.push({ org: primaryOrg, reason: 'primary', sources: [g.syncRecord.sourceId] });
  for (const other of g.others) {
    const org = link(other.accountId);
    if (org) intents.push({ org, reason: 'primary', sources: [other.sourceId] });
  }
  if (secondaryActive(input.settings)) {
    for (const person of [g.syncRecord, ...g.others]) {
      for (const r of relationsByContact.get(person.sourceId) ?? []) {
        const org = link(r.AccountId);
        if (org) intents.push({ org, reason: 'secondary', sources: [person.sourceId, r.Id] });
      }
    }
  }
  return intents;
}

/** What memberships one planned person should have (multiple organizations + primary only). */
function userMemberships(p: PlannedPerson, input: ResourceInput, link: (accountId: string | null) => LinkedOrganization | null, index: MembershipIndex, relationsByContact: Map<string, SourceData['relations']>): UserMemberships | null {
  const { group: g, decision, primaryOrg, user } = p;
  const intents = membershipIntents(p, input, link, relationsByContact);
  const makeDefault = decision.makeDefault && primaryOrg ? primaryOrg : null;
  if (intents.length === 0 && !makeDefault) return null;
  const implicit = !user && decision.A === '✓' && primaryOrg ? new Set<string>([primaryOrg.key]) : NO_ORG_KEYS;
  return {
    userKey: p.userKey,
    email: g.email,
    userId: user ? user.id : null,
    existingOrgIds: user ? index.orgIds(user) : NO_ORG_IDS,
    implicitOrgKeys: implicit,
    intents,
    makeDefault,
  };
}

/** Active indirect AccountContactRelations by contact (secondary relationships only). */
function relationsOf(input: ResourceInput): Map<string, SourceData['relations']> {
  const byContact = new Map<string, SourceData['relations']>();
  if (!secondaryActive(input.settings)) return byContact;
  for (const r of input.source.relations) {
    if (r.IsDirect || !r.IsActive) continue;
    const list = byContact.get(r.ContactId);
    if (list) list.push(r);
    else byContact.set(r.ContactId, [r]);
  }
  return byContact;
}

/** The membership pass of one sync: for each person the users pass planned, the memberships it should have. */
export function reconcileMemberships(
  input: ResourceInput,
  users: UsersResult,
  link: (accountId: string | null) => LinkedOrganization | null,
  linked: ReadonlyMap<string, LinkedOrganization> = new Map(),
): MembershipsResult {
  const relations = relationsOf(input);
  const changes: (MembershipChange | MembershipDelete)[] = [];
  for (const p of users.people) {
    const u = userMemberships(p, input, link, users.memberships, relations);
    if (u) changes.push(...membershipChanges(u, users.memberships));
  }
  // memberships: mirror (issue 17): the memberships zdsf manages that no relation asks for any more
  if (input.sync.memberships === 'mirror') changes.push(...mirrorMemberships(users.people, (p) => membershipIntents(p, input, link, relations), linked, users.memberships));
  return { changes, warnings: [] };
}

/** The membership resource (registered in reconcile/registry.ts): reads the users' decisions and the
 * organizations' links. */
export const membershipResource: Resource<'membership', MembershipsResult> = {
  type: 'membership',
  needs: ['organization', 'user'],
  reconcile: (input, upstream) => reconcileMemberships(input, upstream.user, upstream.organization.link, upstream.organization.linked),
};
