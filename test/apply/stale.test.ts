import { describe, expect, it } from 'vitest';
import { sameAttribute } from '../../src/apply/compare.js';
import type { Change } from '../../src/model/plan.js';
import { checkChanges, findStaleChanges, lookupSize, lookupTargets, type LiveRecords } from '../../src/apply/stale.js';
import type { ZdOrganization, ZdUser } from '../../src/model/zendesk.js';
import { makeDefault, makePlan, membershipCreate, orgCreate, orgDelete, orgUpdate, userCreate, userUpdate } from './helpers.js';

const org = (o: Partial<ZdOrganization>): ZdOrganization => ({
  id: 1,
  name: '',
  external_id: null,
  tags: [],
  domain_names: [],
  notes: null,
  details: null,
  organization_fields: {},
  ...o,
});
const user = (u: Partial<ZdUser>): ZdUser => ({ id: 1, name: '', email: null, role: 'end-user', external_id: null, organization_id: null, tags: [], user_fields: {}, ...u });
const match = { organizations: 'external_id', users: 'email' } as const;

describe('sameAttribute', () => {
  it('compares as Zendesk means them', () => {
    expect(sameAttribute('tags', ['b', 'A'], ['a', 'b'])).toBe(true);
    expect(sameAttribute('tags', ['a'], ['a', 'b'])).toBe(false);
    expect(sameAttribute('notes', '', null)).toBe(true);
    expect(sameAttribute('notes', ' x\r\ny ', 'x\ny')).toBe(true);
    expect(sameAttribute('notes', 'x', 'X')).toBe(false);
    expect(sameAttribute('email', 'Ann@X.com', 'ann@x.com')).toBe(true);
    expect(sameAttribute('organization_fields.seats', 5, '5.0')).toBe(true);
    expect(sameAttribute('organization_fields.renewal', '2026-01-31', '2026-01-31T00:00:00Z')).toBe(true);
    expect(sameAttribute('organization_fields.vip', false, null)).toBe(true);
    expect(sameAttribute('organization_fields', { a: 1 }, { a: '1', b: null })).toBe(true);
  });
});

describe('checkChanges', () => {
  it('classifies changes as pending, done or stale', () => {
    const live: LiveRecords = {
      organizations: [
        org({ id: 1, name: 'Acme', external_id: 'ACME', notes: 'old', organization_fields: { health: 'healthy' } }),
        org({ id: 2, name: 'Beta', external_id: 'BETA', notes: 'new' }),
        org({ id: 3, name: 'Done', external_id: 'DONE', tags: ['salesforce', 'manual'] }),
      ],
      users: [user({ id: 10, email: 'bob@x.com', name: 'Bob', organization_id: 1 }), user({ id: 11, email: 'carl@x.com', name: 'Carl', organization_id: null })],
      memberships: [
        { id: 100, user_id: 10, organization_id: 1, default: true },
        { id: 101, user_id: 10, organization_id: 2, default: false },
        { id: 102, user_id: 11, organization_id: 2, default: false },
      ],
    };
    const checks = checkChanges(
      [
        orgUpdate(1, 'ACME', 'Acme', { notes: 'old', 'organization_fields.health': 'healthy' }, { notes: 'new' }), // pending
        orgUpdate(2, 'BETA', 'Beta', { notes: 'old' }, { notes: 'new' }), // done
        orgCreate('DONE', 'Done'), // done (tags a superset)
        orgCreate('NEW', 'New'), // pending
        orgDelete(9, 'NINE', 'Nine'), // done: already gone
        userUpdate(10, 'bob@x.com', { name: 'Robert' }, { name: 'Rob' }), // stale
        membershipCreate('bob@x.com', 'BETA', { user_id: 10, organization_id: 2 }), // done
        makeDefault('carl@x.com', 'BETA', 102, { user_id: 11, organization_id: 2 }), // pending: Carl has no default
        makeDefault('bob@x.com', 'BETA', 101, { user_id: 10, organization_id: 2 }), // stale: Bob got a default since
      ],
      live,
      match,
    );
    expect(checks.map((c) => c.status)).toEqual(['pending', 'done', 'done', 'pending', 'done', 'stale', 'done', 'pending', 'stale']);
    expect(checks[2].id).toBe(3);
    expect(checks[5].reason).toBe('user "bob@x.com" (id 10): name changed since the plan: "Robert" -> "Bob"');
    expect(checks[8].reason).toBe('membership "bob@x.com -> BETA" (id 101): default_organization_id changed since the plan: null -> 1');
  });

  it('matches organizations by name with match: name', () => {
    const live: LiveRecords = { organizations: [org({ id: 4, name: 'ACME  Corp', external_id: null })], users: [], memberships: [] };
    const create = { ...orgCreate('acme corp', 'Acme Corp'), after: { name: 'Acme Corp', tags: [] } } as Change;
    const [byName] = checkChanges([create], live, { organizations: 'name', users: 'email' });
    expect(byName.status).toBe('stale');
    expect(byName.reason).toContain('would be created, but it now exists (id 4) and differs: name "Acme Corp" in the plan, "ACME  Corp" in Zendesk');
    const [byExternalId] = checkChanges([create], live, match);
    expect(byExternalId.status).toBe('pending');
  });

  it('flags a membership whose user became an agent, or whose organization is gone', () => {
    const live: LiveRecords = { organizations: [org({ id: 1, external_id: 'A' })], users: [user({ id: 10, email: 'a@x.com', role: 'admin' }), user({ id: 11, email: 'b@x.com' })], memberships: [] };
    const checks = checkChanges(
      [membershipCreate('a@x.com', 'A', { user_id: 10, organization_id: 1 }), membershipCreate('b@x.com', 'Z', { user_id: 11, organization_id: 99 })],
      live,
      match,
    );
    expect(checks.map((c) => c.reason)).toEqual([
      'membership "a@x.com -> A": user "a@x.com" is now an admin; zdsf never modifies agents or admins',
      'membership "b@x.com -> Z": organization id 99 no longer exists in Zendesk',
    ]);
  });
});

describe('findStaleChanges', () => {
  it('lists stale changes of every sync with live records', () => {
    const plan = makePlan({ global: [userCreate('ann@x.com', 'Ann'), orgUpdate(5, 'E', 'Eve', { name: 'Eve' }, { name: 'Eva' })], other: [orgCreate('X', 'X')] });
    const stale = findStaleChanges(
      plan,
      { global: { organizations: [], users: [user({ id: 3, email: 'ANN@x.com', name: 'Ann' })], memberships: [] } },
    );
    expect(stale).toEqual([
      { sync: 'global', type: 'organization', action: 'update', key: 'E', label: 'Eve', message: 'organization "Eve" (id 5): no longer exists in Zendesk' },
    ]);
  });
});

describe('stale checks by kind', () => {
  it('refuses as stale a kind no plan may hold (instead of treating it as pending)', () => {
    const odd = { ...orgCreate('X', 'X'), action: 'merge' } as unknown as Change;
    const [check] = checkChanges([odd], { organizations: [], users: [], memberships: [] }, match);
    expect(check.status).toBe('stale');
    expect(check.reason).toContain('unknown kind of change "organization:merge"');
  });

  it('looks up what each kind concerns: keys, ids, the emails a user change writes, the users whose memberships count', () => {
    const t = lookupTargets([
      orgCreate('NEW', 'New'),
      orgUpdate(1, 'ACME', 'Acme', { notes: 'a' }, { notes: 'b' }),
      userCreate('ann@x.com', 'Ann'),
      userUpdate(10, 'bob@x.com', { name: 'B' }, { name: 'Bob' }),
      membershipCreate('bob@x.com', 'ACME', { user_id: 10, organization_id: 1 }),
    ]);
    expect([...t.orgKeys]).toEqual(['NEW']);
    expect(t.orgNames.get('NEW')).toBe('New');
    expect([...t.orgIds]).toEqual([1]);
    expect([...t.userKeys]).toEqual(['ann@x.com']);
    expect([...t.userIds]).toEqual([10]);
    expect([...t.userEmails]).toContain('ann@x.com');
    expect([...t.memberUsers]).toEqual(['ann@x.com', 10]);
    expect(lookupSize([userCreate('ann@x.com', 'Ann'), orgCreate('NEW', 'New')])).toBe(3);
  });
});
