import type { Change } from '../../src/model/plan.js';
import { describe, expect, it } from 'vitest';
import { reconcileDetailed, reconcileSync } from '../../src/reconcile/index.js';
import type { DesiredOrganization, DesiredPerson } from '../../src/model/desired.js';
import type { SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';
import type { SyncOptions } from './helpers.js';
import { applyPlan, dOrg, dPerson, field, makeDesired, makeSource, makeSync, makeTarget, makeZendesk, zMembership, zOrg, zUser } from './helpers.js';

interface Setup {
  people: DesiredPerson[];
  orgs?: DesiredOrganization[];
  target?: Partial<TargetData>;
  source?: Partial<SourceData>;
  opts?: SyncOptions;
  multi?: boolean;
}

function setup(s: Setup) {
  const sync = makeSync({ organizations: s.orgs ? {} : false, ...s.opts });
  const zendesk = makeZendesk(s.multi ?? false);
  const desired = makeDesired({ organizations: s.orgs ?? [], people: s.people });
  const source = makeSource(s.source);
  const target = makeTarget({ userFields: [field('tier', 'dropdown', [{ name: 'Gold', value: 'gold' }]), field('score', 'integer')], ...s.target, settings: { multipleOrganizations: s.multi ?? false } });
  const run = (t: TargetData) => reconcileDetailed({ sync, zendesk, desired, source, target: t });
  const first = run(target);
  return {
    ...first,
    target,
    /** applies the plan, plans again, returns the new plan and the new target */
    replan: (opts = {}) => {
      const next = applyPlan(first.plan, target, opts);
      return { ...run(next).plan, target: next };
    },
  };
}

describe('users: matching and attributes', () => {
  it('matches by email case-insensitively and changes nothing when values are equal once normalised', () => {
    const p = dPerson('003A', 'Ann@Example.com ', { attributes: { name: 'Ann  Example', phone: '+1 555', notes: null, user_fields: { tier: 'Gold', score: '7' } }, tags: ['sf_vip'] });
    const { plan } = setup({
      people: [p],
      target: { users: [zUser(1, 'ANN@example.COM', { name: ' Ann Example', phone: '+1 555 ', notes: '', user_fields: { tier: 'gold', score: 7 }, tags: ['sf_vip', 'manual'] })] },
    });
    expect(plan.changes).toEqual([]);
  });

  it('creates an end-user, verified, with skip_verify_email, and only mapped attributes', () => {
    const p = dPerson('003A', 'ann@example.com', { attributes: { name: 'Ann', user_fields: { tier: 'Gold', score: null } }, tags: ['sf_b', 'sf_a'] });
    const { plan, replan } = setup({ people: [p] });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ type: 'user', action: 'create', key: 'ann@example.com', label: 'ann@example.com', zendesk_id: null, before: null, sources: ['003A'] });
    expect(plan.changes[0].after).toEqual({
      name: 'Ann',
      email: 'ann@example.com',
      user_fields: { tier: 'gold' },
      tags: ['sf_a', 'sf_b'],
      role: 'end-user',
      verified: true,
      skip_verify_email: true,
    });
    expect(replan().changes).toEqual([]);
  });

  it('with users.verify_email, creates neither verified nor skip_verify_email', () => {
    const { plan } = setup({ people: [dPerson('003A', 'ann@example.com')], opts: { users: { verify_email: true } } });
    expect(plan.changes[0].after).not.toHaveProperty('verified');
    expect(plan.changes[0].after).not.toHaveProperty('skip_verify_email');
    expect(plan.changes[0].after).toMatchObject({ role: 'end-user' });
  });

  it('updates only the managed attributes that changed; tags keep unmanaged ones', () => {
    const p = dPerson('003A', 'ann@example.com', { attributes: { name: 'Ann New', user_fields: { score: 8 } }, tags: ['sf_gold'] });
    const { plan, replan } = setup({
      people: [p],
      target: { users: [zUser(1, 'ann@example.com', { name: 'Ann', notes: 'manual note', phone: '1', tags: ['sf_silver', 'manual'], user_fields: { score: 7, tier: 'gold' } })] },
    });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'update', zendesk_id: 1, key: 'ann@example.com' });
    expect(plan.changes[0].before).toEqual({ name: 'Ann', user_fields: { score: 7 }, tags: ['sf_silver', 'manual'] });
    expect(plan.changes[0].after).toEqual({ name: 'Ann New', user_fields: { score: 8 }, tags: ['manual', 'sf_gold'] });
    expect(replan().changes).toEqual([]);
  });

  it('match: external_id matches the Contact Id, adopts a same-email user without external_id, and refuses one owned by another record', () => {
    const people = [
      dPerson('003A', 'ann@example.com', { matchByExternalId: true, attributes: { name: 'Ann', external_id: '003A' } }),
      dPerson('003B', 'bob@example.com', { matchByExternalId: true, attributes: { name: 'Bob', external_id: '003B' } }),
      dPerson('003C', 'cy@example.com', { matchByExternalId: true, attributes: { name: 'Cy', external_id: '003C' } }),
    ];
    const { plan, replan } = setup({
      people,
      opts: { users: { match: 'external_id' } },
      target: {
        users: [
          zUser(1, 'ann.old@example.com', { name: 'Ann', external_id: '003A' }),
          zUser(2, 'BOB@example.com', { name: 'Bob' }),
          zUser(3, 'cy@example.com', { name: 'Cy', external_id: '003Z' }),
        ],
      },
    });
    expect(plan.changes.map((c) => [c.key, c.zendesk_id, c.after])).toEqual([
      ['003A', 1, { email: 'ann@example.com' }],
      ['003B', 2, { external_id: '003B' }],
    ]);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'email_taken', records: ['003C', 'cy@example.com', '3'] })]);
    expect(replan().changes).toEqual([]);
  });
});

describe('users: people who cannot or must not be synced', () => {
  it('contacts without an email: one missing_email warning naming them, nothing else', () => {
    const { plan } = setup({ people: [dPerson('003B', null), dPerson('003A', 'not-an-email'), dPerson('003C', 'c@example.com')] });
    expect(plan.changes.map((c) => c.key)).toEqual(['c@example.com']);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'missing_email', records: ['003A', '003B'] })]);
    expect(plan.warnings[0].message).toContain('003A, 003B');
  });

  it('agents and admins are never modified: agent_skipped with the contact Id and the email', () => {
    const orgs = [dOrg('001A', 'Acme')];
    const { plan } = setup({
      people: [dPerson('003A', 'agent@example.com', { accountId: '001A', attributes: { name: 'X' } }), dPerson('003B', 'admin@example.com', { attributes: { name: 'Y' } })],
      orgs,
      multi: true,
      target: {
        organizations: [zOrg(10, 'Acme', '001A')],
        users: [zUser(1, 'agent@example.com', { role: 'agent' }), zUser(2, 'Admin@example.com', { role: 'admin' })],
      },
    });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => [w.code, w.records])).toEqual([
      ['agent_skipped', ['003B', 'admin@example.com']],
      ['agent_skipped', ['003A', 'agent@example.com']],
    ]);
  });

  it('protected email domains (and their subdomains) are never touched', () => {
    const { plan } = setup({
      people: [dPerson('003A', 'me@corp.example'), dPerson('003B', 'you@eu.corp.example'), dPerson('003C', 'x@notcorp.example')],
      opts: { protected: { domains: ['corp.example'] } },
      target: { users: [zUser(1, 'me@corp.example', { name: 'Different' })] },
    });
    expect(plan.changes.map((c) => c.key)).toEqual(['x@notcorp.example']);
    expect(plan.warnings.map((w) => [w.code, w.records])).toEqual([
      ['protected_skipped', ['003A', 'me@corp.example']],
      ['protected_skipped', ['003B', 'you@eu.corp.example']],
    ]);
  });
});

describe('users: shared emails', () => {
  const shared = () => [
    dPerson('003L', 'pat@example.com', { object: 'Lead', createdDate: '2019-01-01T00:00:00Z', attributes: { name: 'Lead Pat' } }),
    dPerson('003C', 'pat@example.com', { createdDate: '2021-01-01T00:00:00Z', accountId: '001B', attributes: { name: 'Pat Beta' } }),
    dPerson('003B', 'PAT@example.com', { createdDate: '2020-06-01T00:00:00Z', accountId: '001A', attributes: { name: 'Pat Acme' } }),
    dPerson('003A', 'pat@example.com', { createdDate: '2021-01-01T00:00:00Z', accountId: '001C', attributes: { name: 'Pat Gamma' } }),
  ];
  const orgs = [dOrg('001A', 'Acme'), dOrg('001B', 'Beta'), dOrg('001C', 'Gamma')];
  const zorgs = [zOrg(10, 'Acme', '001A'), zOrg(11, 'Beta', '001B'), zOrg(12, 'Gamma', '001C')];

  it('the sync record is the first linked to an account (CreatedDate, then Id) and alone drives the fields', () => {
    const { plan, people } = setup({ people: shared(), orgs, target: { organizations: zorgs } });
    expect(people[0]).toMatchObject({ syncRecordId: '003B', sourceIds: ['003B', '003L', '003A', '003C'] });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].after).toMatchObject({ name: 'Pat Acme' });
    expect(plan.changes[0]).toMatchObject({ organization: { id: 10, name: 'Acme' } });
  });

  it('with no contact linked to an account, the earliest record is the sync record', () => {
    const people = [dPerson('003B', 'q@example.com', { createdDate: '2020-01-01T00:00:00Z', attributes: { name: 'B' } }), dPerson('003A', 'q@example.com', { createdDate: '2020-01-01T00:00:00Z', attributes: { name: 'A' } })];
    const { plan } = setup({ people });
    expect(plan.changes[0].after).toMatchObject({ name: 'A' });
  });

  it('without multiple organizations only the sync record counts; the others are reported as shared_email', () => {
    const { plan } = setup({ people: shared(), orgs, target: { organizations: zorgs } });
    expect(plan.changes.filter((c) => c.type === 'membership')).toEqual([]);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'shared_email', records: ['003B', '003L', '003A', '003C', 'pat@example.com'] })]);
    expect(plan.warnings[0].message).toContain('003B is the sync record');
  });

  it("with multiple organizations + primary, the other contacts' accounts become memberships, no warning", () => {
    const { plan, replan } = setup({
      people: shared(),
      orgs,
      multi: true,
      target: { organizations: zorgs, users: [zUser(1, 'pat@example.com', { name: 'Pat Acme', organization_id: 10 })], memberships: [zMembership(1, 1, 10, true)] },
    });
    expect(plan.warnings).toEqual([]);
    const ids = (c: Change) => (c.type === 'membership' && c.action === 'create' ? [c.user.id, c.organization.id, c.default] : null);
    expect(plan.changes.map((c) => [c.type, c.action, c.key, c.label, c.reason, ids(c)])).toEqual([
      ['membership', 'create', 'pat@example.com -> 001B', 'pat@example.com -> Beta', 'primary', [1, 11, false]],
      ['membership', 'create', 'pat@example.com -> 001C', 'pat@example.com -> Gamma', 'primary', [1, 12, false]],
    ]);
    expect(replan().changes).toEqual([]);
  });

  it('a new user created with its organization gets no membership for that organization from a second contact of the same account', () => {
    const people = [
      dPerson('003A', 'pat@example.com', { accountId: '001A', createdDate: '2020-01-01T00:00:00Z' }),
      dPerson('003B', 'pat@example.com', { accountId: '001A', createdDate: '2021-01-01T00:00:00Z' }),
    ];
    const { plan, replan } = setup({ people, orgs, multi: true, target: { organizations: zorgs } });
    expect(plan.changes.map((c) => [c.type, c.action])).toEqual([['user', 'create']]);
    expect(plan.changes[0]).toMatchObject({ organization: { id: 10 } });
    expect(replan().changes).toEqual([]);
  });

  it('with multiple organizations but primary off, the others are reported too', () => {
    const { plan } = setup({ people: shared(), orgs, multi: true, opts: { users: { relationships: { primary: false, secondary: false } } }, target: { organizations: zorgs } });
    expect(plan.changes.filter((c) => c.type === 'membership')).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['shared_email']);
  });
});

describe('users: leads', () => {
  it('a lead has no account: like a contact without one (S1/S2), its organization is left alone', () => {
    const lead = dPerson('00QA', 'lee@x.com', { object: 'Lead', attributes: { name: 'Lee' } });
    const { plan, people } = setup({
      people: [lead],
      orgs: [dOrg('001A', 'Acme')],
      target: { organizations: [zOrg(10, 'Acme', '001A')], users: [zUser(1, 'lee@x.com', { name: 'Old', organization_id: 10 })] },
    });
    expect(people[0].decision).toMatchObject({ scenario: 'S1', A: '✗', F: '✓' });
    expect(plan.changes).toEqual([expect.objectContaining({ type: 'user', action: 'update', after: { name: 'Lee' } })]);
  });
});

describe('users: organizations and memberships beyond the table', () => {
  it('S6 with the organization created by the same plan: the user is created with a reference to it', () => {
    const { plan, replan } = setup({ people: [dPerson('003A', 'ann@acme.com', { accountId: '001A' })], orgs: [dOrg('001A', 'Acme')], multi: true });
    expect(plan.changes.map((c) => [c.type, c.action])).toEqual([
      ['organization', 'create'],
      ['user', 'create'],
    ]);
    expect(plan.changes[1].after).not.toHaveProperty('organization_id');
    expect(plan.changes[1]).toMatchObject({ organization: { id: null, key: '001A', name: 'Acme' } });
    expect(replan().changes).toEqual([]);
  });

  it('primary without multiple organizations: an existing user moves to an organization this plan creates', () => {
    const { plan, replan } = setup({
      people: [dPerson('003A', 'ann@acme.com', { accountId: '001A', attributes: { name: 'User 1' } })],
      orgs: [dOrg('001A', 'Acme'), dOrg('001B', 'Old')],
      target: { organizations: [zOrg(20, 'Old', '001B')], users: [zUser(1, 'ann@acme.com', { organization_id: 20 })], memberships: [zMembership(5, 1, 20, true)] },
    });
    const user = plan.changes.find((c) => c.type === 'user');
    expect(user).toMatchObject({ action: 'update', before: { organization_id: 20 }, after: {}, organization: { id: null, key: '001A' }, reason: 'primary' });
    expect(user?.diff).toEqual([{ path: 'organization_id', before: 'Old', after: 'Acme' }]);
    expect(replan().changes).toEqual([]);
  });

  it('multiple organizations + primary, user without any membership: one membership, which Zendesk makes the default (no make_default)', () => {
    const { plan, replan } = setup({
      people: [dPerson('003A', 'ann@acme.com', { accountId: '001A', attributes: { name: 'Ann' } })],
      orgs: [dOrg('001A', 'Acme')],
      multi: true,
      target: { organizations: [zOrg(10, 'Acme', '001A')], users: [zUser(1, 'ann@acme.com', { name: 'Old' })] },
    });
    expect(plan.changes.map((c) => [c.type, c.action, c.key])).toEqual([
      ['user', 'update', 'ann@acme.com'],
      ['membership', 'create', 'ann@acme.com -> 001A'],
    ]);
    expect(plan.changes[1]).toMatchObject({ user: { id: 1 }, organization: { id: 10, name: 'Acme' }, default: false, reason: 'primary' });
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 0 });
    const next = replan();
    expect(next.changes).toEqual([]);
    expect(next.target.users[0].organization_id).toBe(10);
  });

  it('make_default on an existing non-default membership names that membership', () => {
    const { plan } = setup({
      people: [dPerson('003A', 'ann@acme.com', { accountId: '001A', attributes: { name: 'User 1' } })],
      orgs: [dOrg('001A', 'Acme')],
      multi: true,
      target: { organizations: [zOrg(10, 'Acme', '001A')], users: [zUser(1, 'ann@acme.com')], memberships: [zMembership(77, 1, 10, null)] },
    });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'make_default', zendesk_id: 77 })]);
  });

  it('no membership for an account without an organization, a protected one, or one being deleted', () => {
    const { plan } = setup({
      people: [
        dPerson('003A', 'a@x.com', { accountId: '001N', attributes: { name: 'User 1' } }),
        dPerson('003B', 'b@x.com', { accountId: '001P', attributes: { name: 'User 2' } }),
        dPerson('003C', 'c@x.com', { accountId: '001R', attributes: { name: 'User 3' } }),
      ],
      orgs: [dOrg('001P', 'Protected'), dOrg('001R', 'Retired')],
      multi: true,
      opts: { protected: { external_ids: ['001P'] }, organizations: { retention: { delete_when: 'x' } } },
      source: { retention: ['001R'] },
      target: {
        organizations: [zOrg(10, 'Protected', '001P'), zOrg(11, 'Retired', '001R')],
        users: [zUser(1, 'a@x.com'), zUser(2, 'b@x.com'), zUser(3, 'c@x.com')],
      },
    });
    expect(plan.changes.map((c) => [c.type, c.action])).toEqual([['organization', 'delete']]);
  });

  it('without an organizations section, an account still links to the existing org whose external_id is its Id', () => {
    const { plan } = setup({
      people: [dPerson('003A', 'a@x.com', { accountId: '001A', attributes: { name: 'User 1' } })],
      target: { organizations: [zOrg(10, 'Acme', '001A')], users: [zUser(1, 'a@x.com')] },
    });
    expect(plan.changes).toEqual([expect.objectContaining({ type: 'user', after: {}, organization: { id: 10, key: '001A', name: 'Acme' } })]);
  });
});

describe('users: secondary relationships', () => {
  const orgs = [dOrg('001A', 'Acme'), dOrg('001B', 'Beta'), dOrg('001C', 'Gamma'), dOrg('001D', 'Delta')];
  const zorgs = [zOrg(10, 'Acme', '001A'), zOrg(11, 'Beta', '001B'), zOrg(12, 'Gamma', '001C')];
  const relations = [
    { Id: '07kB', AccountId: '001B', ContactId: '003A', IsDirect: false, IsActive: true },
    { Id: '07kC', AccountId: '001C', ContactId: '003A', IsDirect: false, IsActive: true },
    { Id: '07kD', AccountId: '001D', ContactId: '003A', IsDirect: false, IsActive: false },
    { Id: '07kA', AccountId: '001A', ContactId: '003A', IsDirect: true, IsActive: true },
  ];
  const ann = () => dPerson('003A', 'ann@acme.com', { accountId: '001A', attributes: { name: 'Ann' } });

  it('demo: a new contact in three accounts becomes one user, default organization its primary account, three memberships', () => {
    const { plan, replan } = setup({
      people: [ann()],
      orgs,
      multi: true,
      opts: { users: { relationships: { primary: true, secondary: true } } },
      source: { relations },
      target: { organizations: zorgs },
    });
    const newUser = (c: Change) => (c.type === 'membership' ? c.user.id === null : null);
    expect(plan.changes.map((c) => [c.type, c.action, c.label, c.reason ?? null, newUser(c)])).toEqual([
      ['organization', 'create', 'Delta', null, null],
      ['user', 'create', 'ann@acme.com', 'primary', null],
      ['membership', 'create', 'ann@acme.com -> Beta', 'secondary', true],
      ['membership', 'create', 'ann@acme.com -> Gamma', 'secondary', true],
    ]);
    expect(plan.changes[1]).toMatchObject({ organization: { id: 10 } });
    expect(plan.changes[2]).toMatchObject({ user: { id: null, key: 'ann@acme.com' }, organization: { id: 11 }, sources: ['003A', '07kB'] });
    const next = replan();
    expect(next.changes).toEqual([]);
    const user = next.target.users.find((u) => u.email === 'ann@acme.com');
    expect(user?.organization_id).toBe(10);
    const ms = next.target.memberships.filter((m) => m.user_id === user?.id);
    expect(ms.map((m) => [m.organization_id, m.default])).toEqual([
      [10, true],
      [11, null],
      [12, null],
    ]);
  });

  it('an existing user without memberships that gets several at once: the primary one is created default: true', () => {
    const { plan, replan } = setup({
      people: [ann()],
      orgs,
      multi: true,
      opts: { users: { relationships: { primary: true, secondary: true } } },
      source: { relations },
      target: { organizations: zorgs, users: [zUser(1, 'ann@acme.com', { name: 'Ann' })] },
    });
    const creates = plan.changes.filter((c) => c.type === 'membership' && c.action === 'create');
    expect(creates.map((c) => (c.type === 'membership' && c.action === 'create' ? [c.organization.id, c.reason, c.default] : null))).toEqual([
      [10, 'primary', true],
      [11, 'secondary', false],
      [12, 'secondary', false],
    ]);
    expect(plan.changes.some((c) => c.action === 'make_default')).toBe(false);
    expect(replan().changes).toEqual([]);
  });

  it('secondary memberships to an org this plan creates reference it by key', () => {
    const rel = [{ Id: '07kD', AccountId: '001D', ContactId: '003A', IsDirect: false, IsActive: true }];
    const { plan, replan } = setup({
      people: [ann()],
      orgs,
      multi: true,
      opts: { users: { relationships: { primary: true, secondary: true } } },
      source: { relations: rel },
      target: { organizations: zorgs, users: [zUser(1, 'ann@acme.com', { name: 'Ann', organization_id: 10 })], memberships: [zMembership(1, 1, 10, true)] },
    });
    expect(plan.changes.find((c) => c.type === 'membership')).toMatchObject({ user: { id: 1 }, organization: { id: null, key: '001D' }, reason: 'secondary' });
    expect(replan().changes).toEqual([]);
  });

  it('secondary is ignored without multiple organizations, with a warning saying why', () => {
    const { plan } = setup({
      people: [ann()],
      orgs,
      multi: false,
      opts: { users: { relationships: { primary: true, secondary: true } } },
      source: { relations },
      target: { organizations: [...zorgs, zOrg(13, 'Delta', '001D')], users: [zUser(1, 'ann@acme.com', { name: 'Ann', organization_id: 10 })] },
    });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'secondary_without_multi_org' })]);
    expect(plan.warnings[0].message).toContain('multiple_organizations is off');
  });

  it('secondary with primary off: a secondary_inactive warning saying why, no memberships', () => {
    const { plan } = setup({
      people: [ann()],
      orgs,
      multi: true,
      opts: { users: { relationships: { primary: false, secondary: true } } },
      source: { relations },
      target: { organizations: [...zorgs, zOrg(13, 'Delta', '001D')], users: [zUser(1, 'ann@acme.com', { name: 'Ann', organization_id: 10 })], memberships: [zMembership(1, 1, 10, true)] },
    });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'secondary_inactive' })]);
    expect(plan.warnings[0].message).toContain('users.relationships.primary is off');
  });

  it('secondary off: relations are ignored', () => {
    const { plan } = setup({
      people: [ann()],
      orgs,
      multi: true,
      source: { relations },
      target: { organizations: [...zorgs, zOrg(13, 'Delta', '001D')], users: [zUser(1, 'ann@acme.com', { name: 'Ann', organization_id: 10 })], memberships: [zMembership(1, 1, 10, true)] },
    });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('an organization that is both primary (shared email) and secondary is created once, as primary', () => {
    const people = [ann(), dPerson('003Z', 'ann@acme.com', { accountId: '001B', createdDate: '2022-01-01T00:00:00Z' })];
    const { plan } = setup({
      people,
      orgs,
      multi: true,
      opts: { users: { relationships: { primary: true, secondary: true } } },
      source: { relations: [relations[0]] },
      target: { organizations: [...zorgs, zOrg(13, 'Delta', '001D')], users: [zUser(1, 'ann@acme.com', { name: 'Ann', organization_id: 10 })], memberships: [zMembership(1, 1, 10, true)] },
    });
    expect(plan.changes.map((c) => [c.key, c.reason])).toEqual([['ann@acme.com -> 001B', 'primary']]);
  });
});

describe('users: create_for_new_organizations', () => {
  const soldTo = (email: string, id: string) => ({ email, name: `Sold ${id}`, sourceId: id });

  it('creates the sold-to people of organizations created by this plan, unless the user exists or is already planned', () => {
    const orgs = [
      dOrg('001N', 'New Co', { newOrganizationUsers: [soldTo('buyer@new.co', '003S'), soldTo('exists@new.co', '003T'), soldTo('contact@new.co', '003U'), soldTo('', '003V')] }),
      dOrg('001E', 'Existing Co', { newOrganizationUsers: [soldTo('other@existing.co', '003W')] }),
    ];
    const { plan, replan } = setup({
      people: [dPerson('003U', 'contact@new.co', { attributes: { name: 'Contact' } })],
      orgs,
      opts: { users: { create_for_new_organizations: { from: 'SoldTo__r', email: 'Email', name: 'Name' } } },
      target: { organizations: [zOrg(10, 'Existing Co', '001E')], users: [zUser(1, 'Exists@new.co')] },
    });
    const creates = plan.changes.filter((c) => c.type === 'user');
    expect(creates.map((c) => c.label)).toEqual(['buyer@new.co', 'contact@new.co']);
    expect(creates[0]).toMatchObject({ organization: { id: null, key: '001N', name: 'New Co' }, reason: 'sold-to contact of New Co', sources: ['003S', '001N'] });
    expect(creates[0].after).toEqual({ name: 'Sold 003S', email: 'buyer@new.co', role: 'end-user', verified: true, skip_verify_email: true });
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'missing_email', records: ['003V'] })]);
    const next = replan();
    expect(next.changes).toEqual([]);
    const org = next.target.organizations.find((o) => o.external_id === '001N');
    expect(next.target.users.find((u) => u.email === 'buyer@new.co')?.organization_id).toBe(org?.id);
  });

  it('warns agent_skipped for a sold-to contact whose email is an agent or admin, and leaves the user alone (issue 14)', () => {
    const orgs = [dOrg('001N', 'New Co', { newOrganizationUsers: [soldTo('Agent@new.co', '003S'), soldTo('boss@new.co', '003T')] })];
    const { plan } = setup({
      people: [],
      orgs,
      opts: { users: { create_for_new_organizations: { from: 'SoldTo__r', email: 'Email', name: 'Name' } } },
      target: { users: [zUser(1, 'agent@new.co', { role: 'agent' }), zUser(2, 'boss@new.co', { role: 'admin' })] },
    });
    expect(plan.changes.filter((c) => c.type !== 'organization')).toEqual([]);
    expect(plan.warnings.map((w) => [w.code, w.records])).toEqual([
      ['agent_skipped', ['003S', 'agent@new.co']],
      ['agent_skipped', ['003T', 'boss@new.co']],
    ]);
    expect(plan.warnings[0].message).toContain('is a Zendesk agent (user 1)');
  });

  it('does nothing without users.create_for_new_organizations', () => {
    const { plan } = setup({ people: [], orgs: [dOrg('001N', 'New Co', { newOrganizationUsers: [soldTo('buyer@new.co', '003S')] })] });
    expect(plan.changes.map((c) => c.type)).toEqual(['organization']);
  });
});

describe('users: reconcileSync without relationships config', () => {
  it('primary off: never sets organization_id', () => {
    const plan = reconcileSync({
      sync: makeSync({ users: { relationships: { primary: false, secondary: false } } }),
      zendesk: makeZendesk(false),
      desired: makeDesired({ organizations: [dOrg('001A', 'Acme')], people: [dPerson('003A', 'a@x.com', { accountId: '001A' })] }),
      source: makeSource(),
      target: makeTarget({ organizations: [zOrg(10, 'Acme', '001A')] }),
    });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].after).not.toHaveProperty('organization_id');
  });
});
