// The field resource's planner (issue 17), pure: which fields and options manage_fields creates, their exact
// payloads, the definitions map and reconcile then read, collisions, and what it refuses.
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/model/config.js';
import type { SourceData } from '../../src/model/salesforce.js';
import { planFieldChanges } from '../../src/reconcile/resources/fields.js';
import { mapSync, toZendeskFieldValue } from '../../src/map/index.js';
import { field, makeSync } from './helpers.js';

const m = (from: string, extra: Partial<Extract<Mapping, { kind: 'field' }>> = {}): Mapping => ({ kind: 'field', from, name: `syncs.test.organizations.fields.${from}`, pos: { file: 'sync.yaml', line: 7, col: 9 }, ...extra });

const DESCRIBE: SourceData['describe'] = {
  Account: {
    name: 'Account',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Tier__c', type: 'picklist', label: 'Support tier', picklistValues: [{ value: 'Gold', label: 'Gold' }, { value: 'Gold Plus', label: 'Gold Plus (new)' }, { value: 'Old', label: 'Old', active: false }] },
      { name: 'Products__c', type: 'multipicklist', label: 'Products', picklistValues: [{ value: 'Chat', label: 'Chat' }, { value: 'Voice', label: 'Voice' }] },
      { name: 'Seats__c', type: 'double', scale: 0, label: 'Seats' },
      { name: 'Arr__c', type: 'currency', label: 'ARR' },
      { name: 'Renewal__c', type: 'date', label: 'Renewal' },
      { name: 'Vip__c', type: 'boolean', label: 'VIP' },
      { name: 'ParentId', type: 'reference', referenceTo: ['Account'], relationshipName: 'Parent', label: 'Parent Account ID' },
      { name: 'OwnerId', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner', label: 'Owner ID' },
      { name: 'Location__c', type: 'location', label: 'Location' },
    ],
  },
};

function plan(fields: Record<string, Mapping>, defs = [field('tier', 'dropdown', [{ name: 'Gold', value: 'gold' }])], manage = true) {
  const sync = makeSync({ organizations: { fields, manage_fields: manage }, users: false });
  return planFieldChanges({ sync, describe: DESCRIBE, organizationFields: defs, userFields: [] });
}

describe('planFieldChanges', () => {
  it('does nothing without manage_fields', () => {
    const p = plan({ tier: m('Tier__c'), products: m('Products__c') }, undefined, false);
    expect(p.changes).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('adds the missing options of a dropdown, keeping the existing ones first with their ids', () => {
    const p = plan({ tier: m('Tier__c') });
    expect(p.changes).toHaveLength(1);
    const c = p.changes[0];
    expect(c).toMatchObject({ type: 'field_option', action: 'create', resource: 'organization_field', key: 'organization_fields.tier', zendesk_id: 4008 });
    expect(c.before).toEqual({ custom_field_options: [{ id: 1, name: 'Gold', value: 'gold' }] });
    // inactive picklist values get no option; the label names the option, the value gives the tag
    expect(c.after).toEqual({ custom_field_options: [{ id: 1, name: 'Gold', value: 'gold' }, { name: 'Gold Plus (new)', value: 'gold_plus' }] });
    expect(c.diff).toEqual([{ path: 'option "Gold Plus (new)"', before: null, after: 'gold_plus' }]);
    // map reads the definition as it will be: the new option is a valid value
    const def = p.organizationFields.find((d) => d.key === 'tier')!;
    expect(toZendeskFieldValue('Gold Plus', def)).toEqual({ ok: true, value: 'gold_plus' });
  });

  it('creates missing fields with the type of the Salesforce field and its label as title', () => {
    const p = plan(
      { tier: m('Tier__c'), products: m('Products__c'), seats: m('Seats__c'), arr: m('Arr__c'), renewal: m('Renewal__c'), vip: m('Vip__c'), parent: m('ParentId'), owner: m('OwnerId') },
      [],
    );
    const bodies = Object.fromEntries(p.changes.map((c) => [c.label, c.after]));
    expect(p.changes.every((c) => c.type === 'field')).toBe(true);
    expect(bodies['organization_fields.tier']).toEqual({
      type: 'dropdown',
      key: 'tier',
      title: 'Support tier',
      description: 'Created by zdsf from Salesforce Account.Tier__c',
      custom_field_options: [{ name: 'Gold', value: 'gold' }, { name: 'Gold Plus (new)', value: 'gold_plus' }],
    });
    const types = Object.fromEntries(p.changes.map((c) => [c.label, (c.after as { type: string }).type]));
    expect(types).toEqual({
      'organization_fields.arr': 'decimal',
      'organization_fields.owner': 'text',
      'organization_fields.parent': 'lookup',
      'organization_fields.products': 'multiselect',
      'organization_fields.renewal': 'date',
      'organization_fields.seats': 'integer',
      'organization_fields.tier': 'dropdown',
      'organization_fields.vip': 'checkbox',
    });
    expect(bodies['organization_fields.parent']).toMatchObject({ relationship_target_type: 'zen:organization' });
    expect(p.organizationFields.map((d) => d.key).sort()).toEqual(['arr', 'owner', 'parent', 'products', 'renewal', 'seats', 'tier', 'vip']);
  });

  it('values of a map and its default become options; constants and templates create text fields', () => {
    const p = plan(
      {
        level: m('Tier__c', { map: { Gold: 'premium', 'Gold Plus': 'premium plus' }, default: 'basic' }),
        source: { kind: 'value', value: 'salesforce', name: 'syncs.test.organizations.fields.source' },
        label: { kind: 'template', template: '{Name}', name: 'syncs.test.organizations.fields.label' },
      },
      [],
    );
    const level = p.changes.find((c) => c.label === 'organization_fields.level')!;
    expect(level.after).toMatchObject({ type: 'dropdown', custom_field_options: [{ name: 'premium', value: 'premium' }, { name: 'premium plus', value: 'premium_plus' }, { name: 'basic', value: 'basic' }] });
    expect(p.changes.filter((c) => c.label !== 'organization_fields.level').map((c) => (c.after as { type: string }).type)).toEqual(['text', 'text']);
  });

  it('two new values with one tag: a warning naming both, neither created', () => {
    const describe: SourceData['describe'] = {
      Account: { name: 'Account', fields: [{ name: 'Region__c', type: 'picklist', label: 'Region', picklistValues: [{ value: 'North America' }, { value: 'north_america' }, { value: 'EMEA' }] }] },
    };
    const sync = makeSync({ organizations: { fields: { region: m('Region__c') }, manage_fields: true }, users: false });
    const p = planFieldChanges({ sync, describe, organizationFields: [], userFields: [] });
    expect(p.warnings).toEqual([
      {
        code: 'option_tag_collision',
        message: 'organization_fields.region: the values "North America" and "north_america" would all become the option tag "north_america"; none of them is created (rename one in Salesforce, or map them to one value)',
        records: ['North America', 'north_america'],
      },
    ]);
    expect((p.changes[0].after as { custom_field_options: unknown[] }).custom_field_options).toEqual([{ name: 'EMEA', value: 'emea' }]);
  });

  it('a value that already selects an option (by name or in tag form) needs none; existing fields are never retyped', () => {
    const p = plan({ tier: m('Tier__c'), products: m('Products__c') }, [
      field('tier', 'dropdown', [{ name: 'Gold', value: 'gold' }, { name: 'gold plus', value: 'gp' }]),
      field('products', 'text'),
    ]);
    expect(p.changes).toEqual([]);
    expect(p.organizationFields.find((d) => d.key === 'products')?.type).toBe('text');
  });

  it('refuses what it cannot create, at the mapping line', () => {
    const p = plan({ where: m('Location__c'), '123': m('Tier__c'), missing: m('Nope__c') }, []);
    expect(p.changes).toEqual([]);
    expect(p.problems).toEqual([
      'sync.yaml:7:9: syncs.test.organizations.fields.Tier__c: cannot create Zendesk organization field "123": a key has only letters, digits and underscores, and not only digits',
      'sync.yaml:7:9: syncs.test.organizations.fields.Nope__c: cannot create Zendesk organization field "missing": the Salesforce field Nope__c is not in the describe, so zdsf cannot tell which type of field to create',
      'sync.yaml:7:9: syncs.test.organizations.fields.Location__c: cannot create Zendesk organization field "where": zdsf does not create a field for a Salesforce location (Location__c); create the Zendesk organization field by hand',
    ]);
  });

  it('multiselect values map to sorted tags of the new field', () => {
    const p = plan({ products: m('Products__c') }, []);
    const sync = makeSync({ organizations: { fields: { products: m('Products__c') }, manage_fields: true }, users: false });
    const desired = mapSync(sync, { accounts: [{ Id: '001A', Name: 'A', Products__c: 'Voice;Chat' }], people: [], relations: [], retention: [], describe: DESCRIBE } as unknown as SourceData, {
      organizationFields: p.organizationFields,
      userFields: [],
    });
    expect(desired.warnings).toEqual([]);
    expect(desired.organizations[0].attributes.organization_fields).toEqual({ products: ['chat', 'voice'] });
  });
});
