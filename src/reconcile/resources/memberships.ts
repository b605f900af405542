// Organization memberships: the memberships users should have (from relationships.ts' decisions, shared
// emails and secondary relationships) vs those Zendesk has -> membership create and make_default changes.
// Memberships are only ever added, never removed (DESIGN.md section 5). Pure.
import type { Change } from '../../model/plan.js';
import type { ZdMembership, ZdUser } from '../../model/zendesk.js';
import type { LinkedOrganization } from './organizations.js';

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
  existingOrgIds: Set<number>;
  /** organization keys the user will belong to without a membership change (created with that organization_id) */
  implicitOrgKeys: Set<string>;
  intents: MembershipIntent[];
  /** the organization whose membership becomes the user's default (only when the user has none) */
  makeDefault: LinkedOrganization | null;
}

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

  of(userId: number): ZdMembership[] {
    return this.byUser.get(userId) ?? [];
  }

  /** The user's default organization: its default membership's, else users.organization_id (which Zendesk
   * reports as the default organization), else null. */
  defaultOrgId(user: ZdUser): number | null {
    const def = this.of(user.id).find((m) => m.default === true);
    return def ? def.organization_id : (user.organization_id ?? null);
  }

  /** Organizations the user belongs to (memberships, plus organization_id, which always has one). */
  orgIds(user: ZdUser): Set<number> {
    const ids = new Set(this.of(user.id).map((m) => m.organization_id));
    if (user.organization_id !== null && user.organization_id !== undefined) ids.add(user.organization_id);
    return ids;
  }

  membershipId(userId: number, orgId: number): number | null {
    return this.of(userId).find((m) => m.organization_id === orgId)?.id ?? null;
  }
}

function membershipKey(userKey: string, org: LinkedOrganization): string {
  return `${userKey} -> ${org.key}`;
}

function refsFor(u: UserMemberships, org: LinkedOrganization): Change['refs'] {
  const refs: NonNullable<Change['refs']> = {};
  if (u.userId === null) refs.user = u.userKey;
  if (org.id === null) refs.organization = org.key;
  return Object.keys(refs).length > 0 ? refs : undefined;
}

/** The membership create and make_default changes for one user. */
export function membershipChanges(u: UserMemberships, index: MembershipIndex): Change[] {
  const changes: Change[] = [];
  const seen = new Set<string>(u.implicitOrgKeys);
  // primary intents first, so that an organization that is both primary and secondary reads 'primary'
  const intents = [...u.intents].sort((a, b) => (a.reason === b.reason ? 0 : a.reason === 'primary' ? -1 : 1));
  for (const intent of intents) {
    const { org } = intent;
    if (seen.has(org.key)) continue;
    seen.add(org.key);
    if (org.id !== null && u.existingOrgIds.has(org.id)) continue;
    const after = { user_id: u.userId, organization_id: org.id };
    const change: Change = {
      type: 'membership',
      action: 'create',
      key: membershipKey(u.userKey, org),
      zendesk_id: null,
      label: `${u.email} -> ${org.name}`,
      before: null,
      after,
      diff: [{ path: 'organization', before: null, after: org.name }],
      reason: intent.reason,
      sources: intent.sources,
    };
    const refs = refsFor(u, org);
    if (refs) change.refs = refs;
    changes.push(change);
  }
  if (u.makeDefault) {
    const org = u.makeDefault;
    // before: the user's default organization as it is now (none: make_default is only planned then);
    // after: the membership to make default, as { user_id, organization_id } (nulls + refs when this plan
    // creates them), plus organization_name for the reader (render prints it; apply reads only the ids).
    // Zendesk: PUT /api/v2/users/{user_id}/organizations/{organization_id}/make_default.
    const change: Change = {
      type: 'membership',
      action: 'make_default',
      key: membershipKey(u.userKey, org),
      zendesk_id: u.userId !== null && org.id !== null ? index.membershipId(u.userId, org.id) : null,
      label: `${u.email} -> ${org.name}`,
      before: { user_id: u.userId, organization_id: null },
      after: { user_id: u.userId, organization_id: org.id, organization_name: org.name },
      diff: [{ path: 'default_organization', before: null, after: org.name }],
      reason: 'primary',
      sources: u.intents.find((i) => i.org.key === org.key)?.sources ?? [],
    };
    const refs = refsFor(u, org);
    if (refs) change.refs = refs;
    changes.push(change);
  }
  return changes;
}
