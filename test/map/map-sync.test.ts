import { describe, expect, it } from 'vitest';
import { checkFieldTypes, mapSync, MAX_VALUE_WARNINGS_PER_MAPPING } from '../../src/map/index.js';
import type { SourceData } from '../../src/model/salesforce.js';
import { accounts, fieldMapping, makeSync, organizationFields, people, sfDescribe, userFields } from './fixtures.js';

const source = (over: Partial<SourceData> = {}): SourceData => ({
  accounts,
  people,
  relations: [],
  retention: [],
  describe: sfDescribe,
  ...over,
});
const target = { organizationFields, userFields };

describe('mapSync: organizations', () => {
  const sync = makeSync({
    users: { create_for_new_organizations: { from: 'Zuora__R00N40000001kyLcEAI__r', email: 'Zuora__SoldToWorkEmail__c', name: 'Name' } },
  });
  const state = mapSync(sync, source(), target);

  it('the fixture configuration passes the field-type checks', () => {
    expect(checkFieldTypes(sync, sfDescribe, organizationFields, userFields)).toEqual([]);
  });

  it('maps an account to the organization the config asks for', () => {
    expect(state.organizations[0]).toEqual({
      accountId: '0015g0000000001AAA',
      key: '0015g0000000001AAA',
      attributes: {
        name: 'Acme   Industries',
        external_id: '0015g0000000001AAA',
        domain_names: ['acme-industries.example', 'acme.example'],
        notes: 'Key account.\nEscalate to Alex.',
        organization_fields: {
          salesforce_id: '0015g0000000001AAA',
          account_owner: 'Alex Morgan',
          health: 'healthy',
          seats: 195,
          renewal_date: '2028-01-04',
          plan: 'Premium SaaS, Ultimate Self-Managed',
        },
      },
      tags: ['salesforce', 'sf_customer', 'sf_north_america'],
      newOrganizationUsers: [{ email: 'pat.buyer@acme.example', name: 'Pat Buyer', sourceId: 'a0Z1' }],
    });
  });

  it('maps empties to null, defaults unknown picklist values, and leaves unmapped attributes out', () => {
    const org = state.organizations[1];
    expect(org.attributes).toEqual({
      name: 'Black Mesa Pharma',
      external_id: '0015g0000000002AAA',
      domain_names: [],
      notes: null,
      organization_fields: {
        salesforce_id: '0015g0000000002AAA',
        account_owner: null,
        health: 'unknown',
        seats: null,
        renewal_date: null,
        plan: null,
      },
    });
    expect('details' in org.attributes).toBe(false);
    expect(org.tags).toEqual(['salesforce', 'sf_former_customer']);
    expect(org.newOrganizationUsers).toEqual([]);
  });

  it('turns unusable values into invalid_value warnings and leaves the attribute out', () => {
    const org = state.organizations[2];
    expect(org.attributes.organization_fields).toEqual({
      salesforce_id: '0015g0000000003AAA',
      account_owner: 'Sam Lee',
      health: 'at_risk',
      plan: 'Partner',
    });
    expect(org.attributes.notes).toBeNull();
    const warnings = state.warnings.filter((w) => w.records.includes('0015g0000000003AAA'));
    expect(warnings).toEqual([
      {
        code: 'invalid_value',
        message:
          'Account 0015g0000000003AAA (Cyberdyne Partners): syncs.global.organizations.fields.seats: 12.5 is not a whole number for Zendesk organization field "seats" (integer); left out for this record',
        records: ['0015g0000000003AAA'],
      },
      {
        code: 'invalid_value',
        message:
          'Account 0015g0000000003AAA (Cyberdyne Partners): syncs.global.organizations.fields.renewal_date: "soon" is not a date for Zendesk organization field "renewal_date" (date); left out for this record',
        records: ['0015g0000000003AAA'],
      },
    ]);
  });

  it('skips an account without a name, with a warning naming it', () => {
    expect(state.organizations.map((o) => o.accountId)).toEqual(['0015g0000000001AAA', '0015g0000000002AAA', '0015g0000000003AAA']);
    expect(state.warnings).toContainEqual({
      code: 'missing_name',
      message: 'Account 0015g0000000004AAA: syncs.global.organizations.name gives no name; the account is skipped (Zendesk organizations need a name)',
      records: ['0015g0000000004AAA'],
    });
    expect(state.warnings).toHaveLength(3);
  });

  it('keys by normalised name with match: name, and reports tag ownership', () => {
    const byName = mapSync(makeSync({ organizations: { match: 'name' } }), source(), target);
    expect(byName.organizations[0].key).toBe('acme industries');
    expect(byName.organizations[0].attributes.external_id).toBe('0015g0000000001AAA');
    expect(state.organizationTags).toEqual({ prefix: 'sf_', static: ['salesforce'] });
    expect(state.userTags).toEqual({ prefix: 'sf_title_', static: [] });
  });

  it('a dropdown value that is not an option is a warning, not a crash', () => {
    const s = makeSync({ users: null });
    s.organizations!.fields = { health: fieldMapping('syncs.global.organizations.fields.health', 'GS_Health_Score_Color__c', { map: { Green: 'healthy' } }) };
    const out = mapSync(s, source(), target);
    expect(out.organizations[1].attributes.organization_fields).toEqual({});
    expect(out.organizations[0].attributes.organization_fields).toEqual({ health: 'healthy' });
    // "Red" is not in the map and there is no default: the value itself goes on, and is not an option either
    expect(out.organizations[2].attributes.organization_fields).toEqual({});
    expect(out.warnings.map((w) => w.records[0])).toEqual(['0015g0000000002AAA', '0015g0000000003AAA', '0015g0000000004AAA']);
    expect(out.warnings.map((w) => w.message)).toContain(
      'Account 0015g0000000002AAA (Black Mesa Pharma): syncs.global.organizations.fields.health: "Purple" is not an option (options: healthy, watch, at_risk, unknown) for Zendesk organization field "health" (dropdown); left out for this record',
    );
  });

  it('a sum over text is a warning for that record', () => {
    const s = makeSync({ users: null });
    s.organizations!.fields = { arr: fieldMapping('syncs.global.organizations.fields.arr', 'Customer_Subscriptions__r.Plan_Name__c', { aggregate: 'sum' }) };
    const out = mapSync(s, source(), target);
    expect(out.organizations[0].attributes.organization_fields).toEqual({});
    expect(out.organizations[1].attributes.organization_fields).toEqual({ arr: null });
    expect(out.warnings[0]).toEqual({
      code: 'invalid_value',
      message:
        'Account 0015g0000000001AAA (Acme   Industries): syncs.global.organizations.fields.arr: cannot sum "Premium SaaS": not a number; left out for this record',
      records: ['0015g0000000001AAA'],
    });
  });

  it('reports domain entries that are not host names and keeps the others', () => {
    const rows = [{ ...accounts[2], Domain_Mapping__c: 'https://cyberdyne.example/ n/a' }];
    const out = mapSync(makeSync({ users: null }), source({ accounts: rows }), target);
    expect(out.organizations[0].attributes.domain_names).toEqual(['cyberdyne.example']);
    expect(out.warnings.map((w) => w.message)).toContain(
      'Account 0015g0000000003AAA (Cyberdyne Partners): syncs.global.organizations.domain_names: "n/a" is not a domain name; left out for this record',
    );
  });

  it('folds invalid values beyond the first few of a mapping into one warning listing every record', () => {
    const rows = Array.from({ length: MAX_VALUE_WARNINGS_PER_MAPPING + 3 }, (_, i) => ({
      ...accounts[1],
      Id: `001F${String(i).padStart(3, '0')}`,
      Next_Renewal_Date__c: `day ${i}`,
    }));
    const out = mapSync(makeSync({ users: null }), source({ accounts: rows }), target);
    expect(out.warnings).toHaveLength(MAX_VALUE_WARNINGS_PER_MAPPING + 1);
    expect(out.warnings[0].message).toBe(
      'Account 001F000 (Black Mesa Pharma): syncs.global.organizations.fields.renewal_date: "day 0" is not a date for Zendesk organization field "renewal_date" (date); left out for this record',
    );
    expect(out.warnings[MAX_VALUE_WARNINGS_PER_MAPPING]).toEqual({
      code: 'invalid_value',
      message: `syncs.global.organizations.fields.renewal_date: 3 more records have values that cannot be used (e.g. Account 001F0${MAX_VALUE_WARNINGS_PER_MAPPING} (Black Mesa Pharma): "day ${MAX_VALUE_WARNINGS_PER_MAPPING}" is not a date for Zendesk organization field "renewal_date" (date)); left out for them`,
      records: ['001F020', '001F021', '001F022'],
    });
    expect(out.organizations.every((o) => !('renewal_date' in o.attributes.organization_fields))).toBe(true);
  });

  it('maps details, templates and constants, and nothing without an organizations section', () => {
    const s = makeSync({ users: null });
    s.organizations!.details = { kind: 'template', template: '{Type} account owned by {Owner.Name}', name: 'syncs.global.organizations.details' };
    s.organizations!.fields = { plan: { kind: 'value', value: 'managed by zdsf', name: 'syncs.global.organizations.fields.plan' } };
    const out = mapSync(s, source(), target);
    expect(out.organizations[0].attributes.details).toBe('Customer account owned by Alex Morgan');
    expect(out.organizations[1].attributes.details).toBe('Former Customer account owned by');
    expect(out.organizations[0].attributes.organization_fields).toEqual({ plan: 'managed by zdsf' });
    const none = mapSync({ ...s, organizations: undefined }, source(), target);
    expect(none.organizations).toEqual([]);
    expect(none.organizationTags).toEqual({ prefix: '', static: [] });
  });
});

describe('mapSync: people', () => {
  const state = mapSync(makeSync(), source(), target);

  it('maps a contact with its account', () => {
    expect(state.people[0]).toEqual({
      sourceId: '0035g0000000001AAA',
      object: 'Contact',
      createdDate: '2023-01-02T10:00:00.000+0000',
      accountId: '0015g0000000001AAA',
      accountName: 'Acme Industries',
      email: 'ann.lee@acme.example',
      key: 'ann.lee@acme.example',
      attributes: {
        name: 'Ann Lee',
        email: 'ann.lee@acme.example',
        user_fields: { salesforce_contact_id: '0035g0000000001AAA', job_title: 'VP Engineering' },
      },
      tags: ['sf_title_vp_engineering'],
    });
  });

  it('keeps a contact without a usable email, with key null (reconcile reports it)', () => {
    const p = state.people[1];
    expect(p.email).toBeNull();
    expect(p.key).toBeNull();
    expect(p.accountId).toBeNull();
    expect(p.accountName).toBeNull();
    expect(p.attributes.user_fields).toEqual({ salesforce_contact_id: '0035g0000000002AAA', job_title: null });
    expect(p.tags).toEqual([]);
  });

  it('maps a lead: no account, named by its email when it has no name', () => {
    const p = state.people[2];
    expect(p).toMatchObject({ object: 'Lead', accountId: null, accountName: null, key: 'ines@prospect.example' });
    expect(p.attributes.name).toBe('ines@prospect.example');
    expect(p.tags).toEqual(['sf_title_procurement']);
  });

  it('does not set external_id with match: email', () => {
    expect(state.people.every((p) => !('external_id' in p.attributes))).toBe(true);
  });

  it('keys by the record Id and sets external_id with match: external_id', () => {
    const out = mapSync(makeSync({ users: { match: 'external_id' } }), source(), target);
    expect(out.people.map((p) => [p.key, p.attributes.external_id])).toEqual([
      ['0035g0000000001AAA', '0035g0000000001AAA'],
      ['0035g0000000002AAA', '0035g0000000002AAA'],
      ['00Q5g0000000001AAA', '00Q5g0000000001AAA'],
    ]);
  });

  it('maps phone, notes and checkbox fields; tells leads by Id prefix without attributes', () => {
    const s = makeSync({
      users: {
        phone: fieldMapping('syncs.global.users.phone', 'Phone'),
        notes: { kind: 'template', template: 'Title: {Title}', name: 'syncs.global.users.notes' },
        fields: { decision_maker: fieldMapping('syncs.global.users.fields.decision_maker', 'Decision_Maker__c') },
      },
    });
    const rows = [
      { ...people[0], Decision_Maker__c: 'perhaps' },
      { Id: '00Q5g0000000009AAA', Name: 'Lee Lead', Email: 'lee@lead.example', Title: null, Decision_Maker__c: true },
    ];
    const out = mapSync(s, source({ accounts: [], people: rows }), target);
    expect(out.people[0].attributes).toMatchObject({ phone: '+1 555 0100', notes: 'Title: VP Engineering', user_fields: {} });
    expect(out.people[1]).toMatchObject({ object: 'Lead', accountId: null, createdDate: '' });
    expect(out.people[1].attributes).toMatchObject({ phone: null, notes: 'Title:', user_fields: { decision_maker: true } });
    expect(out.warnings).toEqual([
      {
        code: 'invalid_value',
        message:
          'Contact 0035g0000000001AAA (Ann Lee): syncs.global.users.fields.decision_maker: "perhaps" is not true or false for Zendesk user field "decision_maker" (checkbox); left out for this record',
        records: ['0035g0000000001AAA'],
      },
    ]);
  });

  it('reads Contact.-prefixed paths on leads too, as the reader selects them', () => {
    const s = makeSync({ users: { fields: { job_title: fieldMapping('syncs.global.users.fields.job_title', 'Contact.Title') } } });
    expect(checkFieldTypes(s, sfDescribe, organizationFields, userFields)).toEqual([]);
    const out = mapSync(s, source({ accounts: [] }), target);
    expect(out.people.map((p) => p.attributes.user_fields.job_title)).toEqual(['VP Engineering', null, 'Procurement']);
  });

  it('gives no people without a users section', () => {
    const out = mapSync(makeSync({ users: null }), source(), target);
    expect(out.people).toEqual([]);
    expect(out.userTags).toEqual({ prefix: '', static: [] });
  });
});
