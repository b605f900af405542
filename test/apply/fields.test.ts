// The field resource on the apply side (issue 17), pure: the guard refuses field changes the config does not
// allow (no manage_fields, an unmapped key, a removed or renamed option, attributes zdsf never writes), and the
// per-kind stale check (pending / done / stale against the live definitions). Phases put fields first.
import { describe, expect, it } from 'vitest';
import { guardAgainstConfig } from '../../src/apply/guard.js';
import { checkFieldCreate, checkFieldOptionCreate } from '../../src/apply/field-stale.js';
import { PHASES } from '../../src/apply/order.js';
import { checkChanges } from '../../src/apply/stale.js';
import type { FieldCreate, FieldOptionCreate } from '../../src/model/field-changes.js';
import type { Change } from '../../src/model/plan.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';
import { makeConfig, makePlan, syncConfig } from './helpers.js';

function create(over: Partial<FieldCreate['after']> = {}): FieldCreate {
  const after = { type: 'dropdown', key: 'tier', title: 'Tier', custom_field_options: [{ name: 'Gold', value: 'gold' }], ...over };
  return { type: 'field', action: 'create', resource: 'organization_field', key: 'organization_fields.tier', label: 'organization_fields.tier', zendesk_id: null, before: null, after, diff: [] };
}

const GOLD = { id: 11, name: 'Gold', value: 'gold' };
function addOptions(after = [GOLD, { name: 'Silver', value: 'silver' }], before = [GOLD]): FieldOptionCreate {
  return {
    type: 'field_option',
    action: 'create',
    resource: 'organization_field',
    key: 'organization_fields.tier',
    label: 'organization_fields.tier',
    zendesk_id: 7,
    before: { custom_field_options: before },
    after: { custom_field_options: after },
    diff: [],
  };
}

function guard(changes: Change[], manage = true, fields: Record<string, unknown> = { tier: { kind: 'field', from: 'Tier__c', name: 'x' } }): string[] {
  const base = syncConfig('global');
  const sync = syncConfig('global', { organizations: { ...base.organizations!, fields: fields as never, ...(manage ? { manage_fields: true } : {}) } });
  const config = makeConfig([sync]);
  return guardAgainstConfig({ sync: makePlan({ global: changes }).syncs[0], config: sync, zendesk: config.zendesk.global });
}

describe('guard: field changes', () => {
  it('lets a mapped field of a managed section through', () => {
    expect(guard([create(), addOptions()])).toEqual([]);
  });

  it('refuses field changes without manage_fields, and for keys the config does not map', () => {
    expect(guard([create()], false)).toEqual([
      'sync "global": field create "organization_fields.tier" (key organization_fields.tier): syncs.global.organizations.manage_fields is not true: zdsf creates no field and no option without it',
    ]);
    expect(guard([create({ key: 'other' })])[0]).toContain('the config maps no organizations field "other"');
  });

  it('refuses removed, renamed or re-tagged options, extra attributes and types zdsf does not create', () => {
    expect(guard([addOptions([{ name: 'Silver', value: 'silver' }])])[0]).toContain('zdsf never removes or renames an option');
    expect(guard([addOptions([{ ...GOLD, name: 'Golden' }, { name: 'Silver', value: 'silver' }])])[0]).toContain('never removes or renames');
    expect(guard([addOptions([GOLD])])[0]).toContain('only add new ones');
    expect(guard([create({ type: 'partialcreditcard' })])[0]).toContain('type "partialcreditcard": zdsf creates');
    const extra = create();
    (extra.after as unknown as Record<string, unknown>).active = false;
    expect(guard([extra])[0]).toContain('attributes zdsf never writes: active');
    expect(guard([create({ custom_field_options: [{ id: 3, name: 'Gold', value: 'gold' }] })])[0]).toContain('of a new field has an id');
  });
});

describe('stale check: field changes', () => {
  const tier = (options: { id: number; name: string; value: string }[], type = 'dropdown'): ZdFieldDef => ({ id: 7, key: 'tier', type, title: 'Tier', active: true, custom_field_options: options });

  it('field create: pending, done on a re-run, stale when the key exists otherwise', () => {
    expect(checkFieldCreate(create(), { organization_field: [] }).status).toBe('pending');
    expect(checkFieldCreate(create(), { organization_field: [tier([{ id: 1, name: 'Gold', value: 'gold' }])] })).toMatchObject({ status: 'done', id: 7 });
    expect(checkFieldCreate(create(), { organization_field: [tier([], 'text')] }).reason).toBe('would be created, but it now exists as a text field (id 7), the plan creates a dropdown');
    expect(checkFieldCreate(create(), { organization_field: [tier([{ id: 1, name: 'Bronze', value: 'bronze' }])] }).status).toBe('stale');
    expect(checkFieldCreate(create(), {}).status).toBe('stale');
  });

  it('option create: pending while the options are those of before, done when added, stale otherwise', () => {
    expect(checkFieldOptionCreate(addOptions(), { organization_field: [tier([GOLD])] }).status).toBe('pending');
    expect(checkFieldOptionCreate(addOptions(), { organization_field: [tier([GOLD, { id: 12, name: 'Silver', value: 'silver' }])] }).status).toBe('done');
    expect(checkFieldOptionCreate(addOptions(), { organization_field: [tier([GOLD, { id: 13, name: 'Bronze', value: 'bronze' }])] }).reason).toContain('its options changed since the plan');
    expect(checkFieldOptionCreate(addOptions(), { organization_field: [tier([{ ...GOLD, name: 'Golden' }])] }).status).toBe('stale');
    expect(checkFieldOptionCreate(addOptions(), { organization_field: [] }).reason).toBe('the organization field no longer exists in Zendesk');
  });

  it('checkChanges reads the definitions of the live records', () => {
    const [c] = checkChanges([addOptions()], { organizations: [], users: [], memberships: [], organizationFields: [tier([GOLD, { id: 13, name: 'Bronze', value: 'bronze' }])] }, { organizations: 'external_id', users: 'email' });
    expect(c.status).toBe('stale');
    expect(c.reason).toMatch(/^field_option "organization_fields.tier" \(id 7\): its options changed since the plan/);
  });

  it('apply writes fields and options before any record', () => {
    expect(PHASES.slice(0, 3)).toEqual(['field:create', 'field_option:create', 'organization:create']);
  });
});
