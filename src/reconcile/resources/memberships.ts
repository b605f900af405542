// Organization memberships: the memberships users should have (from relationships.ts' decisions, shared
// emails and secondary relationships) vs those Zendesk has -> membership create and make_default changes.
// Memberships are only ever added, never removed (DESIGN.md section 5). Pure.
import { membershipLabel, type MembershipChange, type MembershipCreate, type UserRef } from '../../model/plan.js';
import type { ZdMembership, ZdUser } from '../../model/zendesk.js';
import { organizationRef, type LinkedOrganization } from './organizations.js';

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

/**
 * The membership create and make_default changes for one user. The default membership is folded into the
 * bulk create (issue 12): a user's first and only membership needs nothing (Zendesk makes it the default); a
 * new membership that must be the default among others is created with `default: true`; only a membership
 * that exists already needs a make_default request.
 */
export function membershipChanges(u: UserMemberships, index: MembershipIndex): MembershipChange[] {
  const creates: MembershipCreate[] = [];
  const user: UserRef = { id: u.userId, key: u.userKey, email: u.email };
  const seen = new Set<string>(u.implicitOrgKeys);
  // primary intents first, so that an organization that is both primary and secondary reads 'primary'
  const intents = [...u.intents].sort((a, b) => (a.reason === b.reason ? 0 : a.reason === 'primary' ? -1 : 1));
  for (const intent of intents) {
    const { org } = intent;
    if (seen.has(org.key)) continue;
    seen.add(org.key);
    if (org.id !== null && u.existingOrgIds.has(org.id)) continue;
    creates.push({
      type: 'membership',
      action: 'create',
      key: membershipKey(u.userKey, org),
      zendesk_id: null,
      label: membershipLabel(user, org),
      before: null,
      after: null,
      user,
      organization: organizationRef(org),
      default: false,
      diff: [{ path: 'organization', before: null, after: org.name }],
      reason: intent.reason,
      sources: intent.sources,
    });
  }
  const changes: MembershipChange[] = [...creates];
  const org = u.makeDefault;
  if (!org) return changes;
  const existing = u.userId !== null && org.id !== null ? index.membershipId(u.userId, org.id) : null;
  if (existing !== null && u.userId !== null && org.id !== null) {
    // before: the user's default organization as it is now (none: make_default is only planned then).
    // Zendesk: PUT /api/v2/users/{user_id}/organization_memberships/{membership_id}/make_default.
    changes.push({
      type: 'membership',
      action: 'make_default',
      key: membershipKey(u.userKey, org),
      zendesk_id: existing,
      label: membershipLabel(user, org),
      before: { default_organization_id: null },
      after: null,
      user: { ...user, id: u.userId },
      organization: { ...organizationRef(org), id: org.id },
      diff: [{ path: 'default_organization', before: null, after: org.name }],
      reason: 'primary',
      sources: u.intents.find((i) => i.org.key === org.key)?.sources ?? [],
    });
    return changes;
  }
  const create = creates.find((c) => c.organization.key === org.key);
  // the user's only membership once applied: Zendesk makes it the default without being asked
  const only = u.existingOrgIds.size === 0 && creates.length === 1;
  if (create && !only) {
    create.default = true;
    create.diff.push({ path: 'default', before: null, after: true });
  }
  return changes;
}
