// The resource registry (issue 11, item 5): every ChangeType has one resource, each runs after the resources
// it reads, and the driver's changes are the resources' changes, memberships a resource of their own.
import { describe, expect, it } from 'vitest';
import { relationshipSettings } from '../../src/reconcile/relationships.js';
import { RESOURCE_ORDER, RESOURCES, runResources } from '../../src/reconcile/registry.js';
import { dOrg, dPerson, makeDesired, makeSource, makeSync, makeTarget, makeZendesk, zMembership, zOrg, zUser } from './helpers.js';

describe('resource registry', () => {
  it('keys each resource by its own type', () => {
    for (const [type, resource] of Object.entries(RESOURCES)) expect(resource.type).toBe(type);
    expect(RESOURCE_ORDER).toEqual(['field', 'field_option', 'organization', 'user', 'membership', 'case']);
  });

  it('runs every resource after the resources it needs', () => {
    for (const [i, type] of RESOURCE_ORDER.entries()) {
      for (const need of RESOURCES[type].needs) expect(RESOURCE_ORDER.indexOf(need), `${type} needs ${need}`).toBeLessThan(i);
    }
  });

  it('collects each resource’s changes: memberships from the membership resource', () => {
    const sync = makeSync();
    const zendesk = makeZendesk(true);
    const desired = makeDesired({
      organizations: [dOrg('A1', 'Acme'), dOrg('B1', 'Beta')],
      people: [dPerson('C1', 'ann@x.example', { accountId: 'B1' })],
    });
    const target = makeTarget({
      settings: { multipleOrganizations: true },
      organizations: [zOrg(10, 'Acme', 'A1'), zOrg(20, 'Beta', 'B1')],
      users: [zUser(5, 'ann@x.example', { organization_id: 10 })],
      memberships: [zMembership(50, 5, 10, true)],
    });
    const input = { sync, zendesk, desired, source: makeSource(), target, settings: relationshipSettings(sync, zendesk), explain: false };
    const { results, changes } = runResources(input);
    expect(results.user.changes).toEqual([]);
    expect(results.membership.changes.map((c) => `${c.type}:${c.action} ${c.key}`)).toEqual(['membership:create ann@x.example -> B1']);
    expect(changes).toEqual([...results.organization.changes, ...results.user.changes, ...results.membership.changes]);
  });
});
