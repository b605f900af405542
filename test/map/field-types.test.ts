import { describe, expect, it } from 'vitest';
import {
  ALLOWED_FIELD_TYPES,
  allowedZendeskTypes,
  canFeed,
  checkFieldTypes,
  resolveFieldPath,
  salesforceTypeRow,
} from '../../src/map/field-types.js';
import type { SfFieldDescribe, SourceData } from '../../src/model/salesforce.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';
import { fieldMapping, makeSync, organizationFields, pos, sfDescribe, userFields } from './fixtures.js';

// Zendesk's "Allowed field types for Zendesk field mapping" (seed 000), transcribed: X = allowed.
// Columns: Drop-down, Text, Multi-line text, Numeric, Decimal, Checkbox, Date.
const SEED_TABLE = `
Auto Number           | . X X . . . .
Checkbox              | . . . . . X .
Currency              | . . . . X . .
Date                  | . . . . . . X
Date/Time             | . X X . . . X
Email                 | . X . . . . .
Geolocation           | . . . X X . .
Number                | . . . X X . .
Percent               | . . . . X . .
Phone                 | . X X . . . .
Picklist              | X . . . . . .
Text                  | . X X . . . .
Text Area             | . X X . . . .
Text Area (Long)      | . X X . . . .
Text Area (Rich)      | . X X . . . .
Text Area (Encrypted) | . X X . . . .
URL                   | . X X . . . .
`;
const COLUMNS = ['dropdown', 'text', 'textarea', 'integer', 'decimal', 'checkbox', 'date'] as const;
const rows = SEED_TABLE.trim()
  .split('\n')
  .map((line) => {
    const [name, marks] = line.split('|').map((s) => s.trim());
    return { name, allowed: marks.split(/\s+/).flatMap((m, i) => (m === 'X' ? [COLUMNS[i]] : [])) };
  });

// A Salesforce describe field (API type) for every row of the table.
const REPRESENTATIVE: Record<string, SfFieldDescribe> = {
  'Auto Number': { name: 'N', type: 'string', autoNumber: true },
  Checkbox: { name: 'N', type: 'boolean' },
  Currency: { name: 'N', type: 'currency', scale: 2 },
  Date: { name: 'N', type: 'date' },
  'Date/Time': { name: 'N', type: 'datetime' },
  Email: { name: 'N', type: 'email' },
  Geolocation: { name: 'N', type: 'location' },
  Number: { name: 'N', type: 'double', scale: 0 },
  Percent: { name: 'N', type: 'percent' },
  Phone: { name: 'N', type: 'phone' },
  Picklist: { name: 'N', type: 'picklist' },
  Text: { name: 'N', type: 'string' },
  'Text Area': { name: 'N', type: 'textarea' },
  'Text Area (Long)': { name: 'N', type: 'textarea' },
  'Text Area (Rich)': { name: 'N', type: 'textarea' },
  'Text Area (Encrypted)': { name: 'N', type: 'encryptedstring' },
  URL: { name: 'N', type: 'url' },
};

describe('the field-type table (seed 000)', () => {
  it('holds every row of the seed, exactly', () => {
    expect(rows).toHaveLength(17);
    for (const row of rows) expect([...ALLOWED_FIELD_TYPES[row.name]].sort(), row.name).toEqual([...row.allowed].sort());
  });
  for (const row of rows) {
    it(`${row.name}: feeds exactly ${row.allowed.join(', ')}`, () => {
      const field = REPRESENTATIVE[row.name];
      const expectedRow = row.name.startsWith('Text Area') && row.name !== 'Text Area (Encrypted)' ? 'Text Area' : row.name;
      expect(salesforceTypeRow(field)).toBe(expectedRow);
      for (const zd of COLUMNS) expect(canFeed(field, zd), `${row.name} -> ${zd}`).toBe(row.allowed.includes(zd));
    });
  }
  it('a number with decimals feeds decimal only; int and long feed integer', () => {
    expect(canFeed({ name: 'N', type: 'double', scale: 2 }, 'integer')).toBe(false);
    expect(canFeed({ name: 'N', type: 'double', scale: 2 }, 'decimal')).toBe(true);
    expect(canFeed({ name: 'N', type: 'int' }, 'integer')).toBe(true);
    expect(canFeed({ name: 'N', type: 'long' }, 'integer')).toBe(true);
  });
  it('regexp accepts whatever text accepts; tagger is dropdown', () => {
    expect(canFeed({ name: 'N', type: 'email' }, 'regexp')).toBe(true);
    expect(canFeed({ name: 'N', type: 'string' }, 'regexp')).toBe(true);
    expect(canFeed({ name: 'N', type: 'double' }, 'regexp')).toBe(false);
    expect(canFeed({ name: 'N', type: 'picklist' }, 'tagger')).toBe(true);
  });
  it('zdsf additions: multi-picklist, id, reference feed text; base64 feeds nothing', () => {
    expect(allowedZendeskTypes({ type: 'multipicklist' })).toEqual(['multiselect', 'text', 'textarea', 'regexp']);
    expect(canFeed({ name: 'Id', type: 'id' }, 'text')).toBe(true);
    expect(canFeed({ name: 'OwnerId', type: 'reference' }, 'textarea')).toBe(true);
    expect(salesforceTypeRow({ type: 'base64' })).toBeNull();
    expect(allowedZendeskTypes({ type: 'base64' })).toEqual([]);
  });
});

describe('multiselect and lookup (issue 17)', () => {
  const account = { name: 'AccountId', type: 'reference', referenceTo: ['Account'] };
  it('a multi-select picklist feeds a multiselect; a reference to Account feeds a lookup, other references do not', () => {
    expect(canFeed({ name: 'P', type: 'multipicklist' }, 'multiselect')).toBe(true);
    expect(canFeed({ name: 'P', type: 'picklist' }, 'multiselect')).toBe(false);
    expect(canFeed(account, 'lookup')).toBe(true);
    expect(canFeed({ name: 'OwnerId', type: 'reference', referenceTo: ['User'] }, 'lookup')).toBe(false);
    expect(canFeed({ name: 'Name', type: 'string' }, 'lookup')).toBe(false);
  });
  it('checkFieldTypes: lookups of other targets, constants into lookups, options of a multiselect, at the mapping line', () => {
    const describe: SourceData['describe'] = {
      Account: { name: 'Account', fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }, { name: 'ParentId', type: 'reference', referenceTo: ['Account'] }, { name: 'Products__c', type: 'multipicklist' }] },
    };
    const defs: ZdFieldDef[] = [
      { id: 1, key: 'parent', type: 'lookup', title: 'Parent', active: true, relationship_target_type: 'zen:organization' },
      { id: 2, key: 'owner', type: 'lookup', title: 'Owner', active: true, relationship_target_type: 'zen:user' },
      { id: 3, key: 'products', type: 'multiselect', title: 'P', active: true, custom_field_options: [{ id: 31, name: 'Chat', value: 'chat' }] },
      { id: 4, key: 'name_lookup', type: 'lookup', title: 'N', active: true, relationship_target_type: 'zen:organization' },
    ];
    const sync = makeSync({
      organizations: {
        fields: {
          parent: fieldMapping('syncs.global.organizations.fields.parent', 'ParentId', { pos: pos(3, 5) }),
          owner: fieldMapping('syncs.global.organizations.fields.owner', 'ParentId', { pos: pos(4, 5) }),
          products: { kind: 'value', value: 'Chat;Fax', name: 'syncs.global.organizations.fields.products', pos: pos(5, 5) },
          name_lookup: fieldMapping('syncs.global.organizations.fields.name_lookup', 'Name', { pos: pos(6, 5) }),
        },
      },
      users: null,
    });
    expect(checkFieldTypes(sync, describe, defs, []).filter((e) => e.includes('.fields.'))).toEqual([
      'sync.yaml:4:5: syncs.global.organizations.fields.owner: Zendesk organization field "owner" is a lookup of zen:user; zdsf fills lookups of organizations only (relationship_target_type "zen:organization")',
      'sync.yaml:5:5: syncs.global.organizations.fields.products: value "Chat;Fax" has "Fax", not an option (options: chat) for Zendesk field "products" (multiselect)',
      'sync.yaml:6:5: syncs.global.organizations.fields.name_lookup: Salesforce Account.Name (string) cannot feed Zendesk field "name_lookup" (lookup); allowed: text, textarea, regexp; a lookup of organizations takes a Salesforce reference to Account (e.g. AccountId)',
    ]);
  });
});

describe('resolveFieldPath', () => {
  it('follows parents and child relationships through the describe', () => {
    expect(resolveFieldPath(sfDescribe, 'Account', 'Owner.Name')).toMatchObject({ kind: 'field', object: 'User' });
    expect(resolveFieldPath(sfDescribe, 'Account', 'Account.Name')).toMatchObject({ kind: 'field', object: 'Account' });
    expect(resolveFieldPath(sfDescribe, 'Account', 'Parent.Owner.Name')).toMatchObject({ kind: 'field', object: 'User' });
    expect(resolveFieldPath(sfDescribe, 'Account', 'customer_subscriptions__r.entitled_seats__c')).toMatchObject({
      kind: 'field',
      object: 'Customer_Subscription__c',
      child: 'Customer_Subscriptions__r',
    });
    expect(resolveFieldPath(sfDescribe, 'Account', 'Customer_Subscriptions__r')).toMatchObject({ kind: 'relationship' });
    expect(resolveFieldPath(sfDescribe, 'Contact', 'Account.Owner.Name')).toMatchObject({ kind: 'field', object: 'User' });
  });
  it('names what is missing', () => {
    expect(resolveFieldPath(sfDescribe, 'Account', 'Nope__c')).toEqual({ kind: 'error', message: 'Salesforce field Account.Nope__c does not exist' });
    expect(resolveFieldPath(sfDescribe, 'Account', 'Owner.Email')).toEqual({ kind: 'error', message: 'Salesforce field User.Email does not exist' });
    expect(resolveFieldPath(sfDescribe, 'Lead', 'Account.Name')).toEqual({
      kind: 'error',
      message: 'Salesforce Lead has no relationship "Account" (in the path Account.Name)',
    });
  });
  it('cannot check what is not described', () => {
    expect(resolveFieldPath(sfDescribe, 'Opportunity', 'Name')).toEqual({ kind: 'unknown' });
    expect(resolveFieldPath({ Account: { name: 'Account', fields: [{ name: 'OwnerId', type: 'reference', relationshipName: 'Owner', referenceTo: ['User'] }] } }, 'Account', 'Owner.Name')).toEqual({ kind: 'unknown' });
  });
});

describe('checkFieldTypes', () => {
  const o = 'syncs.global.organizations';
  const check = (sync = makeSync(), orgFields = organizationFields, usrFields = userFields) => checkFieldTypes(sync, sfDescribe, orgFields, usrFields);

  it('accepts a sound configuration', () => {
    expect(check()).toEqual([]);
  });

  it('names a number that cannot feed a checkbox, with the allowed types', () => {
    const fields = organizationFields.map((f) => (f.key === 'seats' ? { ...f, type: 'checkbox' } : f));
    expect(check(makeSync(), fields)).toEqual([
      'sync.yaml:27:16: syncs.global.organizations.fields.seats: Salesforce Customer_Subscription__c.Entitled_Seats__c (double) cannot feed Zendesk field "seats" (checkbox); allowed: integer (no decimals), decimal',
    ]);
  });

  it('refuses a number with decimals into an integer field', () => {
    const sync = makeSync();
    sync.organizations!.fields.seats = fieldMapping(`${o}.fields.seats`, 'Customer_Subscriptions__r.Seat_Fraction__c', { aggregate: 'max', pos: pos(27, 16) });
    expect(check(sync)).toEqual([
      'sync.yaml:27:16: syncs.global.organizations.fields.seats: Salesforce Customer_Subscription__c.Seat_Fraction__c (double, 2 decimals) cannot feed Zendesk field "seats" (integer); allowed: integer (no decimals), decimal',
    ]);
  });

  it('names Zendesk field keys that do not exist, are inactive, or cannot be written', () => {
    const sync = makeSync();
    sync.organizations!.fields = {
      tier: fieldMapping(`${o}.fields.tier`, 'Type', { pos: pos(30, 9) }),
      legacy_tier: fieldMapping(`${o}.fields.legacy_tier`, 'Name', { pos: pos(31, 9) }),
      products: fieldMapping(`${o}.fields.products`, 'Products__c', { pos: pos(32, 9) }),
    };
    const errors = check(sync);
    // a multiselect is writable since issue 17 (products feeds it below); an unknown type is not
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^sync\.yaml:30:9: syncs\.global\.organizations\.fields\.tier: Zendesk organization field "tier" does not exist \(existing keys: salesforce_id, account_owner, health, /);
    expect(errors[0]).not.toContain('legacy_tier');
    expect(errors[1]).toBe(
      'sync.yaml:31:9: syncs.global.organizations.fields.legacy_tier: Zendesk organization field "legacy_tier" is inactive: activate it in Zendesk or remove the mapping',
    );
    const card = check(sync, [...organizationFields.filter((f) => f.key !== 'products'), { id: 1, key: 'products', type: 'partialcreditcard', title: 'P', active: true }]);
    expect(card[2]).toBe(
      'sync.yaml:32:9: syncs.global.organizations.fields.products: Zendesk organization field "products" is a partialcreditcard field, which zdsf cannot write; allowed: text, textarea, regexp, integer, decimal, checkbox, date, dropdown, multiselect, lookup',
    );
  });

  it('names a Salesforce field missing from the describe, per object', () => {
    const sync = makeSync({ users: { phone: fieldMapping('syncs.global.users.phone', 'Phone', { pos: pos(41, 14) }) } });
    sync.organizations!.fields.account_owner = fieldMapping(`${o}.fields.account_owner`, 'Owner.Email', { pos: pos(25, 24) });
    sync.organizations!.notes = fieldMapping(`${o}.notes`, 'Notes__c', { pos: pos(22, 14) });
    expect(check(sync)).toEqual([
      'sync.yaml:22:14: syncs.global.organizations.notes: Salesforce field Account.Notes__c does not exist',
      'sync.yaml:25:24: syncs.global.organizations.fields.account_owner: Salesforce field User.Email does not exist',
      'sync.yaml:41:14: syncs.global.users.phone: Salesforce field Lead.Phone does not exist',
    ]);
  });

  it('names map values and defaults that are not options of a dropdown', () => {
    const sync = makeSync();
    sync.organizations!.fields.health = fieldMapping(`${o}.fields.health`, 'GS_Health_Score_Color__c', {
      map: { Green: 'healthy', Red: 'critical' },
      default: 'n/a',
      pos: pos(26, 17),
    });
    expect(check(sync)).toEqual([
      'sync.yaml:26:17: syncs.global.organizations.fields.health: map value "critical" (for "Red") is not an option (options: healthy, watch, at_risk, unknown) for Zendesk field "health" (dropdown)',
      'sync.yaml:26:17: syncs.global.organizations.fields.health: default "n/a" is not an option (options: healthy, watch, at_risk, unknown) for Zendesk field "health" (dropdown)',
    ]);
  });

  it('lets a map feed a dropdown from any type, and a picklist feed a dropdown without one', () => {
    const sync = makeSync();
    sync.organizations!.fields.health = fieldMapping(`${o}.fields.health`, 'Restricted_Account__c', { map: { true: 'at_risk', false: 'healthy' } });
    expect(check(sync)).toEqual([]);
    sync.organizations!.fields.health = fieldMapping(`${o}.fields.health`, 'GS_Health_Score_Color__c');
    expect(check(sync)).toEqual([]);
  });

  it('refuses text into a dropdown without a map, and a picklist into text without map and default', () => {
    const sync = makeSync();
    sync.organizations!.fields.health = fieldMapping(`${o}.fields.health`, 'Name', { pos: pos(26, 17) });
    sync.organizations!.fields.plan = fieldMapping(`${o}.fields.plan`, 'Type', { pos: pos(29, 15) });
    expect(check(sync)).toEqual([
      'sync.yaml:26:17: syncs.global.organizations.fields.health: Salesforce Account.Name (string) cannot feed Zendesk field "health" (dropdown); allowed: text, textarea, regexp; or add a map: from its values to the dropdown\'s option values',
      'sync.yaml:29:15: syncs.global.organizations.fields.plan: Salesforce Account.Type (picklist) cannot feed Zendesk field "plan" (text); allowed: dropdown; or give map: and default: so that every value comes from the config',
    ]);
    sync.organizations!.fields.health = fieldMapping(`${o}.fields.health`, 'GS_Health_Score_Color__c');
    sync.organizations!.fields.plan = fieldMapping(`${o}.fields.plan`, 'Type', { map: { Customer: 'Customer account' }, default: 'Other' });
    expect(check(sync)).toEqual([]);
  });

  it('checks { value } and { template } against the Zendesk type only', () => {
    const sync = makeSync();
    sync.organizations!.fields = {
      seats: { kind: 'value', value: 'many', name: `${o}.fields.seats`, pos: pos(27, 16) },
      arr: { kind: 'value', value: 12.5, name: `${o}.fields.arr` },
      restricted: { kind: 'template', template: '{Name}', name: `${o}.fields.restricted` },
      renewal_date: { kind: 'value', value: '2026-13-01', name: `${o}.fields.renewal_date` },
      health: { kind: 'value', value: 'watch', name: `${o}.fields.health` },
      plan: { kind: 'template', template: '{Name} ({Type})', name: `${o}.fields.plan` },
      summary: { kind: 'template', template: '{Name} owned by {Owner.Name}', name: `${o}.fields.summary` },
      code: { kind: 'template', template: '{Account_Number__c}', name: `${o}.fields.code` },
      salesforce_id: { kind: 'template', template: '{Name} {Nope__c}', name: `${o}.fields.salesforce_id`, pos: pos(24, 24) },
      account_owner: { kind: 'value', value: null, name: `${o}.fields.account_owner` },
    };
    expect(check(sync)).toEqual([
      'sync.yaml:27:16: syncs.global.organizations.fields.seats: value "many" is not a whole number for Zendesk field "seats" (integer)',
      'syncs.global.organizations.fields.restricted: a template gives text, which cannot feed Zendesk field "restricted" (checkbox); allowed: text, textarea, regexp',
      'syncs.global.organizations.fields.renewal_date: value "2026-13-01" is not a date (YYYY-MM-DD) for Zendesk field "renewal_date" (date)',
      'sync.yaml:24:24: syncs.global.organizations.fields.salesforce_id: Salesforce field Account.Nope__c does not exist',
    ]);
  });

  it('checks aggregates: child paths need one, plain paths cannot have one', () => {
    const sync = makeSync();
    sync.organizations!.fields = {
      plan: fieldMapping(`${o}.fields.plan`, 'Customer_Subscriptions__r.Plan_Name__c', { pos: pos(1, 1) }),
      seats: fieldMapping(`${o}.fields.seats`, 'Number_of_Licenses_This_Account__c', { aggregate: 'sum', pos: pos(2, 1) }),
      // an aggregate over a relationship that is not included is read without a filter: fine
      salesforce_id: fieldMapping(`${o}.fields.salesforce_id`, 'Contacts.Name', { aggregate: 'join', pos: pos(3, 1) }),
      arr: fieldMapping(`${o}.fields.arr`, 'Customer_Subscriptions__r.Plan_Name__c', { aggregate: 'sum', pos: pos(4, 1) }),
      summary: fieldMapping(`${o}.fields.summary`, 'Customer_Subscriptions__r', { aggregate: 'join', pos: pos(5, 1) }),
      account_owner: fieldMapping(`${o}.fields.account_owner`, 'Customer_Subscriptions__r', { aggregate: 'count' }),
    };
    const errors = check(sync);
    expect(errors).toEqual([
      'sync.yaml:1:1: syncs.global.organizations.fields.plan: Customer_Subscriptions__r.Plan_Name__c goes through the child relationship Customer_Subscriptions__r: add aggregate: first, last, min, max, sum, count or join',
      'sync.yaml:2:1: syncs.global.organizations.fields.seats: aggregate: sum needs a path through a child relationship (e.g. Customer_Subscriptions__r.Field__c); Number_of_Licenses_This_Account__c is not one',
      'sync.yaml:4:1: syncs.global.organizations.fields.arr: aggregate: sum needs a number field; Salesforce Customer_Subscription__c.Plan_Name__c is string',
      'sync.yaml:5:1: syncs.global.organizations.fields.summary: Customer_Subscriptions__r is a child relationship: only aggregate: count applies to it; name a field of it for join',
      // count of Customer_Subscriptions__r (int) cannot feed account_owner (text)
      'syncs.global.organizations.fields.account_owner: count of Customer_Subscriptions__r (int) cannot feed Zendesk field "account_owner" (text); allowed: integer (no decimals), decimal',
    ]);
  });

  it('checks include, tag paths, the users email path and create_for_new_organizations', () => {
    const sync = makeSync({
      users: {
        email: 'Email__c',
        tags: { prefix: 'sf_', from: ['Account.Type'], static: [], pos: pos(45, 9) },
        create_for_new_organizations: { from: 'Zuora__R00N40000001kyLcEAI__r', email: 'SoldTo__c', name: 'Name', pos: pos(50, 9) },
        pos: pos(38, 5),
      },
    });
    sync.organizations!.include.push({ relationship: 'Opportunities', fields: [], pos: pos(33, 9) });
    sync.organizations!.tags!.from.push('Customer_Subscriptions__r.Product_Tier__c', 'Region__c', 'Contacts.Title');
    sync.organizations!.details = { kind: 'template', template: '{Name}: {Contacts.Name}', name: 'syncs.global.organizations.details', pos: pos(23, 14) };
    expect(check(sync)).toEqual([
      'sync.yaml:33:9: syncs.global.organizations.include.Opportunities: Salesforce Account has no child relationship "Opportunities"',
      'sync.yaml:23:14: syncs.global.organizations.details: child relationship Contacts is not read: add it to syncs.global.organizations.include',
      'sync.yaml:32:13: syncs.global.organizations.tags.from: Salesforce field Account.Region__c does not exist',
      'sync.yaml:32:13: syncs.global.organizations.tags.from: child relationship Contacts is not read: add it to syncs.global.organizations.include',
      'sync.yaml:38:5: syncs.global.users.email: Salesforce field Contact.Email__c does not exist',
      'sync.yaml:38:5: syncs.global.users.email: Salesforce field Lead.Email__c does not exist',
      'sync.yaml:45:9: syncs.global.users.tags.from: Salesforce Lead has no relationship "Account" (in the path Account.Type)',
      'sync.yaml:50:9: syncs.global.users.create_for_new_organizations: Salesforce field Zuora__CustomerAccount__c.SoldTo__c does not exist',
    ]);
  });

  it('skips objects the describe does not cover, and works without positions', () => {
    expect(checkFieldTypes(makeSync(), {}, organizationFields, userFields)).toEqual([]);
    const sync = makeSync({ users: null });
    sync.organizations!.fields = { nope: fieldMapping(`${o}.fields.nope`, 'Name') };
    expect(checkFieldTypes(sync, {}, organizationFields, userFields)).toEqual([
      expect.stringMatching(/^syncs\.global\.organizations\.fields\.nope: Zendesk organization field "nope" does not exist/),
    ]);
  });
});
