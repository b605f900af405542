// memberships: mirror (issue 17 part 1), pure: with it, a membership zdsf manages whose relation is gone in
// Salesforce becomes a membership:delete. zdsf manages the memberships of the users the users pass planned
// (existing users only; agents, admins and protected domains are never planned) in the organizations this
// sync links (accounts of its organizations section: not skipped, not protected, not being deleted). A
// membership in any other organization stays, and so does every membership a relation still asks for
// (primary account, the accounts of people sharing the email, active secondary relations: membershipIntents).
import { membershipLabel, type MembershipDelete } from '../../model/plan.js';
import type { LinkedOrganization } from './organizations.js';
import { organizationRef } from './organizations.js';
import type { MembershipIndex, MembershipIntent } from './memberships.js';
import type { PlannedPerson } from './users.js';

export function mirrorMemberships(
  people: readonly PlannedPerson[],
  intentsOf: (p: PlannedPerson) => MembershipIntent[],
  linked: ReadonlyMap<string, LinkedOrganization>,
  index: MembershipIndex,
): MembershipDelete[] {
  const managed = new Map<number, LinkedOrganization>();
  for (const org of linked.values()) if (org.id !== null) managed.set(org.id, org);
  const out: MembershipDelete[] = [];
  for (const p of people) {
    const user = p.user;
    if (!user) continue;
    const wanted = new Set<number>();
    for (const i of intentsOf(p)) if (i.org.id !== null) wanted.add(i.org.id);
    if (p.primaryOrg?.id !== null && p.primaryOrg?.id !== undefined) wanted.add(p.primaryOrg.id);
    for (const m of index.of(user.id)) {
      const org = managed.get(m.organization_id);
      if (!org || wanted.has(m.organization_id)) continue;
      const ref = { id: user.id, key: p.userKey, email: p.group.email };
      out.push({
        type: 'membership',
        action: 'delete',
        key: `${p.userKey} -> ${org.key}`,
        zendesk_id: m.id,
        label: membershipLabel(ref, org),
        before: { user_id: user.id, organization_id: m.organization_id },
        after: null,
        user: ref,
        organization: { ...organizationRef(org), id: m.organization_id },
        diff: [{ path: 'organization', before: org.name, after: null }],
        reason: 'mirror: no relation in Salesforce any more',
        sources: [p.group.syncRecord.sourceId, org.accountId],
      });
    }
  }
  return out;
}
