import { describe, expect, it } from 'vitest';
import { checkPreconditions, orderChanges, reconcileSync } from '../../src/reconcile/index.js';
import type { Change } from '../../src/model/plan.js';
import { applyPlan, dOrg, dPerson, field, makeDesired, makeSource, makeSync, makeTarget, makeZendesk, zMembership, zOrg, zUser } from './helpers.js';

describe('checkPreconditions', () => {
  it('passes when multiple_organizations agrees with the account setting', () => {
    expect(checkPreconditions(makeSync(), makeZendesk(true), makeTarget({ settings: { multipleOrganizations: true } }))).toEqual([]);
    expect(checkPreconditions(makeSync(), makeZendesk(false), makeTarget())).toEqual([]);
  });

  it('config on, account off: says to turn it off in the config or on in Zendesk', () => {
    const zd = { ...makeZendesk(true), pos: { file: 'sync.yaml', line: 12, col: 5 } };
    const [msg, ...rest] = checkPreconditions(makeSync(), zd, makeTarget({ settings: { multipleOrganizations: false } }));
    expect(rest).toEqual([]);
    expect(msg).toMatch(/^sync\.yaml:12:5: zendesk\.global\.multiple_organizations is true in the config/);
    expect(msg).toContain('set zendesk.global.multiple_organizations: false');
    expect(msg).toContain('Allow users to belong to multiple organizations');
    expect(msg).not.toContain('not-a-real-token');
  });

  it('config off, account on: says to set it to true', () => {
    const [msg] = checkPreconditions(makeSync(), makeZendesk(false), makeTarget({ settings: { multipleOrganizations: true } }));
    expect(msg).toContain('is false (or missing) in the config');
    expect(msg).toContain('Set zendesk.global.multiple_organizations: true');
  });
});

describe('reconcileSync: the plan', () => {
  const input = () => ({
    sync: makeSync({ organizations: { retention: { delete_when: "Type = 'Former Customer'" } } }),
    zendesk: makeZendesk(true),
    desired: makeDesired({
      organizations: [dOrg('001B', 'beta'), dOrg('001A', 'Alpha', { tags: ['sf_x'] }), dOrg('001C', 'Gamma')],
      people: [
        dPerson('003Z', 'zed@x.com', { accountId: '001A' }),
        dPerson('003Y', 'amy@x.com', { accountId: '001C', attributes: { name: 'User 5' } }),
        dPerson('003X', 'bo@x.com', { accountId: '001B' }),
      ],
      warnings: [{ code: 'unmapped_value', message: 'from map', records: ['001A'] }],
    }),
    source: makeSource({ retention: ['001D', '001E'] }),
    target: makeTarget({
      settings: { multipleOrganizations: true },
      organizations: [zOrg(10, 'Alpha', '001A'), zOrg(12, 'Gamma', '001C'), zOrg(13, 'Delta', '001D'), zOrg(14, 'Echo', '001E'), zOrg(15, 'Stray', null), zOrg(16, 'Old', '001Q')],
      users: [
        zUser(5, 'amy@x.com', { organization_id: null }),
        zUser(6, 'stray@x.com'),
        zUser(7, 'agent@x.com', { role: 'agent' }),
      ],
      memberships: [zMembership(1, 5, 12, null)],
    }),
  });

  it('orders organizations, users, memberships, deletes last, each by label; the summary counts make_default as an update', () => {
    const plan = reconcileSync(input());
    expect(plan).toMatchObject({ name: 'test', from: 'production', to: 'global' });
    expect(plan.changes.map((c) => `${c.type}:${c.action}:${c.label}`)).toEqual([
      'organization:update:Alpha',
      'organization:create:beta',
      'user:create:bo@x.com',
      'user:create:zed@x.com',
      'membership:make_default:amy@x.com -> Gamma',
      'organization:delete:Delta',
      'organization:delete:Echo',
    ]);
    expect(plan.summary).toEqual({ create: 3, update: 2, delete: 2 });
    expect(plan.orphans).toBeUndefined();
  });

  it("warnings start with map's", () => {
    expect(reconcileSync(input()).warnings[0]).toEqual({ code: 'unmapped_value', message: 'from map', records: ['001A'] });
  });

  it('reports orphans only when asked: organizations and end-users without a Salesforce counterpart', () => {
    const plan = reconcileSync({ ...input(), reportOrphans: true });
    expect(plan.orphans).toEqual({
      organizations: [
        { id: 15, name: 'Stray', external_id: null },
        { id: 16, name: 'Old', external_id: '001Q' },
      ],
      users: [{ id: 6, email: 'stray@x.com', name: 'User 6' }],
    });
  });

  it('counts sold-to contacts as counterparts, and judges no users when the sync reads no people', () => {
    const i = input();
    const soldTo = { ...i, desired: { ...i.desired, organizations: i.desired.organizations.map((o, n) => (n === 0 ? { ...o, newOrganizationUsers: [{ email: 'STRAY@x.com', name: 'Stray', sourceId: 'a0Z1' }] } : o)) } };
    expect(reconcileSync({ ...soldTo, reportOrphans: true }).orphans?.users).toEqual([]);
    const noSources = makeSync({ users: { sources: [] } });
    const plan = reconcileSync({ ...i, sync: noSources, reportOrphans: true });
    expect(plan.orphans?.users).toEqual([]);
    expect(plan.orphans?.organizations.map((o) => o.name)).toEqual(['Stray', 'Old']);
  });

  it('apply then plan shows no changes', () => {
    const i = input();
    const first = reconcileSync(i);
    const again = reconcileSync({ ...i, target: applyPlan(first, i.target, { zendeskShapes: true }) });
    expect(again.changes).toEqual([]);
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('a sync without a users section plans organizations only, and one without organizations plans users only', () => {
    const i = input();
    const orgsOnly = reconcileSync({ ...i, sync: makeSync({ users: false, organizations: { retention: { delete_when: 'x' } } }) });
    expect(new Set(orgsOnly.changes.map((c) => c.type))).toEqual(new Set(['organization']));
    const usersOnly = reconcileSync({ ...i, sync: makeSync({ organizations: false }), source: makeSource() });
    expect(new Set(usersOnly.changes.map((c) => c.type))).toEqual(new Set(['user', 'membership']));
  });

  it('is deterministic: input order does not change the plan', () => {
    const a = input();
    const b = input();
    b.desired.organizations.reverse();
    b.desired.people.reverse();
    b.target.organizations.reverse();
    expect(reconcileSync(b)).toEqual(reconcileSync(a));
  });

  it('does not mutate its inputs', () => {
    const i = input();
    const copy = structuredClone(i);
    reconcileSync(i);
    expect(i).toEqual(copy);
  });
});

describe('orderChanges', () => {
  const ch = (type: Change['type'], action: Change['action'], label: string): Change => ({ type, action, label, key: label, zendesk_id: null, before: null, after: null, diff: [] }) as unknown as Change;
  it('sorts labels case-insensitively and puts a membership create before its make_default', () => {
    const out = orderChanges([ch('membership', 'make_default', 'a -> B'), ch('organization', 'delete', 'A'), ch('membership', 'create', 'a -> B'), ch('organization', 'create', 'b'), ch('organization', 'create', 'C'), ch('user', 'update', 'x')]);
    expect(out.map((c) => `${c.type}:${c.action}:${c.label}`)).toEqual([
      'organization:create:b',
      'organization:create:C',
      'user:update:x',
      'membership:create:a -> B',
      'membership:make_default:a -> B',
      'organization:delete:A',
    ]);
  });
});

describe('no perpetual diffs on a mixed instance', () => {
  it('converges in one apply with Zendesk-shaped values, multiple organizations, shared emails and secondaries', () => {
    const sync = makeSync({ users: { relationships: { primary: true, secondary: true } } });
    const target = makeTarget({
      settings: { multipleOrganizations: true },
      organizationFields: [field('arr', 'decimal'), field('renewal', 'date')],
      userFields: [field('since', 'date')],
      organizations: [zOrg(10, 'Acme', '001A', { organization_fields: { arr: '10.0' } })],
      users: [zUser(1, 'OLD@x.com', { organization_id: 10, tags: ['keep'] })],
      memberships: [zMembership(1, 1, 10, true)],
    });
    const desired = makeDesired({
      organizations: [
        dOrg('001A', 'Acme', { attributes: { organization_fields: { arr: 10.5, renewal: '2027-01-31' } }, tags: ['sf_a'] }),
        dOrg('001B', 'Beta', { attributes: { organization_fields: { arr: 3 } } }),
      ],
      people: [
        dPerson('003A', 'old@x.com', { accountId: '001A', attributes: { name: 'Old', user_fields: { since: '2020-02-02' } }, tags: ['sf_u'] }),
        dPerson('003B', 'new@x.com', { accountId: '001B', attributes: { user_fields: { since: '2021-03-03T10:00:00Z' } } }),
        dPerson('003C', 'new@x.com', { accountId: '001A', createdDate: '2023-01-01T00:00:00Z' }),
      ],
    });
    const source = makeSource({ relations: [{ Id: '07k1', AccountId: '001B', ContactId: '003A', IsDirect: false, IsActive: true }] });
    const zendesk = makeZendesk(true);
    const first = reconcileSync({ sync, zendesk, desired, source, target });
    expect(first.summary.create).toBeGreaterThan(0);
    const next = applyPlan(first, target, { zendeskShapes: true });
    expect(reconcileSync({ sync, zendesk, desired, source, target: next }).changes).toEqual([]);
  });
});
