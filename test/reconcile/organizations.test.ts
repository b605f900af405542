import { describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/reconcile/index.js';
import type { SyncOptions } from './helpers.js';
import { applyPlan, dOrg, field, makeDesired, makeSource, makeSync, makeTarget, makeZendesk, zOrg } from './helpers.js';
import type { DesiredOrganization } from '../../src/model/desired.js';
import type { SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';

const FIELDS = [
  field('seats', 'integer'),
  field('arr', 'decimal'),
  field('renewal', 'date'),
  field('active', 'checkbox'),
  field('health', 'dropdown', [
    { name: 'Healthy', value: 'healthy' },
    { name: 'At risk', value: 'at_risk' },
  ]),
  field('owner', 'text'),
];

function plan(orgs: DesiredOrganization[], target: Partial<TargetData>, opts: SyncOptions = {}, source: Partial<SourceData> = {}) {
  const sync = makeSync({ users: false, ...opts });
  const t = makeTarget({ organizationFields: FIELDS, ...target });
  const desired = makeDesired({ organizations: orgs, organizationTags: { prefix: 'sf_', static: ['salesforce'] } });
  const src = makeSource(source);
  const result = reconcileSync({ sync, zendesk: makeZendesk(false), desired, source: src, target: t });
  const replan = () => reconcileSync({ sync, zendesk: makeZendesk(false), desired, source: src, target: applyPlan(result, t, { zendeskShapes: true }) });
  return { result, replan, target: t };
}

const acme = (over: Parameters<typeof dOrg>[2] = {}) =>
  dOrg('001A', 'Acme Corp', {
    attributes: {
      domain_names: ['acme.com', 'acme.io'],
      notes: 'Key account',
      organization_fields: { seats: 12, arr: 1234.5, renewal: '2026-03-01', active: true, health: 'healthy', owner: 'Jane Roe' },
      ...over.attributes,
    },
    tags: ['salesforce', 'sf_customer'],
    ...over,
  });

describe('organizations: create', () => {
  it('creates an unmatched account with every mapped attribute, normalised, and nothing else', () => {
    const { result, replan } = plan([acme()], {});
    expect(result.changes).toHaveLength(1);
    const c = result.changes[0];
    expect(c).toMatchObject({ type: 'organization', action: 'create', key: '001A', zendesk_id: null, label: 'Acme Corp', before: null, sources: ['001A'] });
    expect(c.after).toEqual({
      name: 'Acme Corp',
      external_id: '001A',
      domain_names: ['acme.com', 'acme.io'],
      notes: 'Key account',
      organization_fields: { active: true, arr: 1234.5, health: 'healthy', owner: 'Jane Roe', renewal: '2026-03-01', seats: 12 },
      tags: ['salesforce', 'sf_customer'],
    });
    expect(c.diff).toContainEqual({ path: 'organization_fields.seats', before: null, after: 12 });
    expect(result.summary).toEqual({ create: 1, update: 0, delete: 0 });
    expect(replan().changes).toEqual([]);
  });

  it('does not write unmapped attributes (details absent) nor null values on create', () => {
    const d = dOrg('001B', 'Beta', { attributes: { notes: null, organization_fields: { owner: null } } });
    const { result } = plan([d], {});
    expect(result.changes[0].after).toEqual({ name: 'Beta', external_id: '001B' });
  });
});

describe('organizations: no perpetual diffs', () => {
  it('sees no change when Zendesk holds the same values in its own shapes', () => {
    const existing = zOrg(5, '  Acme   Corp ', '001A', {
      domain_names: ['ACME.io', 'acme.com'],
      notes: 'Key account\r\n',
      details: 'set by hand',
      tags: ['sf_customer', 'salesforce', 'vip'],
      organization_fields: { seats: '12', arr: '1234.50', renewal: '2026-03-01T00:00:00+00:00', active: true, health: 'healthy', owner: ' Jane Roe ', other: 'x' },
    });
    const { result } = plan([acme()], { organizations: [existing] });
    expect(result.changes).toEqual([]);
  });

  it('treats empty and null alike, a dropdown option name as its tag value, and checkbox null as false', () => {
    const d = dOrg('001C', 'Gamma', { attributes: { notes: null, organization_fields: { health: 'At risk', active: false, owner: '' } } });
    const existing = zOrg(6, 'Gamma', '001C', { notes: '', organization_fields: { health: 'at_risk', active: null, owner: null } });
    expect(plan([d], { organizations: [existing] }).result.changes).toEqual([]);
  });

  it('apply then plan is empty after an update', () => {
    const existing = zOrg(5, 'Acme', '001A', { tags: ['manual', 'sf_old'], organization_fields: { seats: 3 } });
    const { result, replan } = plan([acme()], { organizations: [existing] });
    expect(result.changes).toHaveLength(1);
    expect(replan().changes).toEqual([]);
  });
});

describe('organizations: update', () => {
  it('changes only the mapped attributes that differ, with before/after/diff of those only', () => {
    const existing = zOrg(5, 'Acme Corp', '001A', {
      domain_names: ['acme.com', 'acme.io'],
      notes: 'Old notes',
      details: 'manual details stay',
      tags: ['salesforce', 'sf_customer'],
      organization_fields: { seats: 10, arr: 1234.5, renewal: '2026-03-01', active: true, health: 'at_risk', owner: 'Jane Roe', unmapped: 'keep' },
    });
    const { result } = plan([acme()], { organizations: [existing] });
    expect(result.changes).toHaveLength(1);
    const c = result.changes[0];
    expect(c).toMatchObject({ action: 'update', zendesk_id: 5, key: '001A', label: 'Acme Corp' });
    expect(c.before).toEqual({ notes: 'Old notes', organization_fields: { health: 'at_risk', seats: 10 } });
    expect(c.after).toEqual({ notes: 'Key account', organization_fields: { health: 'healthy', seats: 12 } });
    expect(c.diff).toEqual([
      { path: 'notes', before: 'Old notes', after: 'Key account' },
      { path: 'organization_fields.health', before: 'at_risk', after: 'healthy' },
      { path: 'organization_fields.seats', before: 10, after: 12 },
    ]);
    expect(result.summary).toEqual({ create: 0, update: 1, delete: 0 });
  });

  it('tags: adds missing managed tags, removes managed tags no longer produced, keeps unmanaged ones; after.tags is the full sorted list', () => {
    const existing = zOrg(5, 'Acme Corp', '001A', { tags: ['vip', 'sf_partner', 'zeta', 'salesforce'] });
    const d = acme({ attributes: { domain_names: undefined, notes: undefined, organization_fields: {} } });
    const { result, replan } = plan([d], { organizations: [existing] });
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0].before).toEqual({ tags: ['vip', 'sf_partner', 'zeta', 'salesforce'] });
    expect(result.changes[0].after).toEqual({ tags: ['salesforce', 'sf_customer', 'vip', 'zeta'] });
    expect(replan().changes).toEqual([]);
  });

  it('tags produced by rules without a prefix are owned: removed from a record that no longer produces them', () => {
    const sync = makeSync({ users: false });
    const desired = makeDesired({
      organizations: [dOrg('001A', 'A', { tags: ['partner'] }), dOrg('001B', 'B', { tags: ['customer'] })],
      organizationTags: { prefix: '', static: [] },
    });
    const target = makeTarget({ organizations: [zOrg(1, 'A', '001A', { tags: ['customer', 'manual'] }), zOrg(2, 'B', '001B', { tags: ['customer', 'manual'] })] });
    const p = reconcileSync({ sync, zendesk: makeZendesk(), desired, source: makeSource(), target });
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ zendesk_id: 1, after: { tags: ['manual', 'partner'] } });
  });

  it('renames an organization matched by external_id', () => {
    const { result } = plan([dOrg('001A', 'Acme Inc')], { organizations: [zOrg(5, 'Acme Corp', '001A')] });
    expect(result.changes[0]).toMatchObject({ action: 'update', label: 'Acme Inc', before: { name: 'Acme Corp' }, after: { name: 'Acme Inc' } });
  });
});

describe('organizations: matching', () => {
  it('match: name matches case- and whitespace-insensitively and sets the external_id', () => {
    const d = dOrg('001A', 'Acme Corp', { matchByName: true });
    const { result, replan } = plan([d], { organizations: [zOrg(5, 'ACME  corp', null)] }, { organizations: { match: 'name' } });
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ action: 'update', key: 'acme corp', zendesk_id: 5, after: { name: 'Acme Corp', external_id: '001A' } });
    expect(replan().changes).toEqual([]);
  });

  it('adopt_by_name: an unmatched account adopts the org of the same name without external_id', () => {
    const { result, replan } = plan([dOrg('001A', 'Acme')], { organizations: [zOrg(5, 'acme', null)] }, { organizations: { adopt_by_name: true } });
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ action: 'update', zendesk_id: 5, reason: 'adopted by name', before: { external_id: null, name: 'acme' }, after: { external_id: '001A', name: 'Acme' } });
    expect(replan().changes).toEqual([]);
  });

  it('without adopt_by_name, a same-named org blocks the create with a warning instead of a failing apply', () => {
    const { result } = plan([dOrg('001A', 'Acme')], { organizations: [zOrg(5, 'Acme', null)] });
    expect(result.changes).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'organization_name_taken', records: ['001A', '5'] })]);
    expect(result.warnings[0].message).toContain('adopt_by_name');
  });

  it('adopt_by_name never takes an org linked to another account', () => {
    const { result } = plan([dOrg('001A', 'Acme')], { organizations: [zOrg(5, 'Acme', '001Z')] }, { organizations: { adopt_by_name: true } });
    expect(result.changes).toEqual([]);
    expect(result.warnings[0]).toMatchObject({ code: 'organization_name_taken', records: ['001A', '5'] });
  });

  it('two accounts with one name: warning duplicate_account_name with both Ids, both skipped', () => {
    const { result } = plan([dOrg('001B', 'Acme'), dOrg('001A', ' ACME '), dOrg('001C', 'Other')], { organizations: [zOrg(5, 'Acme', '001A')] });
    expect(result.changes.map((c) => c.key)).toEqual(['001C']);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'duplicate_account_name', records: ['001A', '001B'] })]);
  });

  it('two orgs with one name: warning duplicate_organization_name, the account is skipped', () => {
    const { result } = plan([dOrg('001A', 'Acme', { matchByName: true })], { organizations: [zOrg(5, 'Acme', null), zOrg(6, 'acme ', null)] }, { organizations: { match: 'name' } });
    expect(result.changes).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'duplicate_organization_name', records: ['5', '6', '001A'] })]);
  });
});

describe('organizations: retention and protection', () => {
  it('deletes the organization of an account in retention, with the rule as the reason, and never also updates it', () => {
    const opts: SyncOptions = { organizations: { retention: { delete_when: "Type = 'Former Customer'" } } };
    const { result, replan } = plan(
      [dOrg('001A', 'Acme New Name'), dOrg('001B', 'Beta')],
      { organizations: [zOrg(5, 'Acme', '001A'), zOrg(6, 'Beta', '001B'), zOrg(7, 'Gone', '001G')] },
      opts,
      { retention: ['001A', '001G', '001X'] },
    );
    expect(result.changes).toEqual([
      expect.objectContaining({ action: 'delete', key: '001A', zendesk_id: 5, label: 'Acme', before: { id: 5, name: 'Acme', external_id: '001A' }, after: null, reason: "retention: Type = 'Former Customer'", sources: ['001A'] }),
      expect.objectContaining({ action: 'delete', key: '001G', zendesk_id: 7, label: 'Gone' }),
    ]);
    expect(result.summary).toEqual({ create: 0, update: 0, delete: 2 });
    expect(replan().changes).toEqual([]);
  });

  it('an account in retention whose org does not exist is not created', () => {
    const { result } = plan([dOrg('001A', 'Acme')], {}, { organizations: { retention: { delete_when: 'x' } } }, { retention: ['001A'] });
    expect(result.changes).toEqual([]);
  });

  it('protected external_ids and names are never touched, not even deleted', () => {
    const { result } = plan(
      [dOrg('001A', 'Acme Renamed'), dOrg('001B', 'Internal'), dOrg('001C', 'Brand New')],
      { organizations: [zOrg(5, 'Acme', '001A'), zOrg(6, 'internal', '001B'), zOrg(7, 'Zendesk Staff', '001Z')] },
      { protected: { external_ids: ['001A', '001Z'], names: ['INTERNAL', 'brand new'] }, organizations: { retention: { delete_when: 'x' } } },
      { retention: ['001Z'] },
    );
    expect(result.changes).toEqual([]);
    const codes = result.warnings.map((w) => [w.code, w.records]);
    expect(codes).toEqual([
      ['protected_skipped', ['001A']],
      ['protected_skipped', ['001B']],
      ['protected_skipped', ['001C']],
      ['protected_skipped', ['001Z', '7']],
    ]);
  });

  it('an account whose matched org carries a protected name is skipped', () => {
    const { result } = plan([dOrg('001A', 'Acme')], { organizations: [zOrg(5, 'Acme', '001A', { notes: 'x' })] }, { protected: { names: ['acme'] } });
    expect(result.changes).toEqual([]);
    expect(result.warnings[0].code).toBe('protected_skipped');
  });
});
