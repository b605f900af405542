import { describe, expect, it } from 'vitest';
import {
  aggregateValues,
  applyValueMap,
  evaluateMapping,
  MapValueError,
  mappingPaths,
  renderTemplate,
  templatePaths,
  toScalar,
} from '../../src/map/mapping.js';
import type { Mapping } from '../../src/model/config.js';
import type { SfRecord } from '../../src/model/salesforce.js';

const subs = (rows: Record<string, unknown>[]) => ({
  totalSize: rows.length,
  done: true,
  records: rows.map((r, i) => ({ attributes: { type: 'Customer_Subscription__c' }, Id: `a0${i}`, ...r })),
});

const account: SfRecord = {
  attributes: { type: 'Account' },
  Id: '001A',
  Name: 'Acme',
  Type: 'Customer',
  Region__c: 'EMEA;APAC',
  Health__c: 'Green',
  Owner: { Name: 'Alex Morgan' },
  Customer_Subscriptions__r: subs([
    { Seats__c: 10, Tier__c: 'Premium', End__c: '2027-03-01', Start__c: '2026-03-01T10:00:00.000+0000', Price__c: 0.1 },
    { Seats__c: 2.5, Tier__c: 'Ultimate', End__c: '2026-12-31', Start__c: '2026-03-01T09:00:00.000-0300', Price__c: 0.2 },
    { Seats__c: null, Tier__c: '', End__c: null, Start__c: null, Price__c: null },
    { Seats__c: 9, Tier__c: 'Starter', End__c: '2027-10-15', Start__c: '2025-01-01T00:00:00.000Z', Price__c: 100 },
  ]),
  Empty__r: null,
};

const field = (from: string, extra: Partial<Extract<Mapping, { kind: 'field' }>> = {}): Mapping => ({
  kind: 'field',
  from,
  name: 'syncs.t.organizations.fields.x',
  ...extra,
});
const ctx = { objectName: 'Account', childRelationships: ['Customer_Subscriptions__r', 'Empty__r'] };

describe('field path mappings', () => {
  it('reads a field, a parent field, and keeps multi-picklists as text', () => {
    expect(evaluateMapping(field('Name'), account, ctx)).toBe('Acme');
    expect(evaluateMapping(field('Owner.Name'), account, ctx)).toBe('Alex Morgan');
    expect(evaluateMapping(field('Account.Name'), account, ctx)).toBe('Acme');
    expect(evaluateMapping(field('Region__c'), account, ctx)).toBe('EMEA;APAC');
    expect(evaluateMapping(field('Missing__c'), account, ctx)).toBeNull();
  });
  it('joins child values when no aggregate is given', () => {
    expect(evaluateMapping(field('Customer_Subscriptions__r.Tier__c'), account, ctx)).toBe('Premium, Ultimate, Starter');
  });
});

describe('{ from, map, default }', () => {
  it('maps values, case-insensitively as a fallback', () => {
    const m = field('Health__c', { map: { Green: 'healthy', Red: 'at_risk' }, default: 'unknown' });
    expect(evaluateMapping(m, account, ctx)).toBe('healthy');
    expect(applyValueMap('green ', { Green: 'healthy' })).toBe('healthy');
  });
  it('uses the default for null, empty, and values not in the map', () => {
    const map = { Green: 'healthy' };
    expect(applyValueMap(null, map, 'unknown')).toBe('unknown');
    expect(applyValueMap('  ', map, 'unknown')).toBe('unknown');
    expect(applyValueMap('Purple', map, 'unknown')).toBe('unknown');
  });
  it('keeps a value not in the map when there is no default; null stays null', () => {
    expect(applyValueMap('Purple', { Green: 'healthy' })).toBe('Purple');
    expect(applyValueMap(null, { Green: 'healthy' })).toBeNull();
  });
  it('looks up numbers and booleans by their text, and maps to non-strings', () => {
    expect(applyValueMap(true, { true: 'yes', false: 'no' })).toBe('yes');
    expect(applyValueMap(3, { '3': 'three' })).toBe('three');
    expect(applyValueMap('Gold', { Gold: 3 })).toBe(3);
  });
  it('default without a map only fills empties', () => {
    expect(applyValueMap('x', undefined, 'd')).toBe('x');
    expect(applyValueMap('', undefined, 'd')).toBe('d');
  });
  it('looks up a multi-picklist value whole', () => {
    expect(applyValueMap('EMEA;APAC', { 'EMEA;APAC': 'both', EMEA: 'emea' })).toBe('both');
    expect(applyValueMap('EMEA;APAC', { EMEA: 'emea' })).toBe('EMEA;APAC');
  });
});

describe('aggregates', () => {
  const agg = (from: string, aggregate: NonNullable<Extract<Mapping, { kind: 'field' }>['aggregate']>, extra = {}) =>
    evaluateMapping(field(from, { aggregate, ...extra }), account, ctx);
  it('first and last skip empty values', () => {
    expect(agg('Customer_Subscriptions__r.Tier__c', 'first')).toBe('Premium');
    expect(agg('Customer_Subscriptions__r.Tier__c', 'last')).toBe('Starter');
  });
  it('sum adds numbers without float noise', () => {
    expect(agg('Customer_Subscriptions__r.Seats__c', 'sum')).toBe(21.5);
    expect(aggregateValues([0.1, 0.2], 'sum')).toBe(0.3);
    expect(aggregateValues(['1', 2], 'sum')).toBe(3);
  });
  it('sum refuses text', () => {
    expect(() => agg('Customer_Subscriptions__r.Tier__c', 'sum')).toThrow(MapValueError);
    expect(() => aggregateValues(['a'], 'sum')).toThrow(/cannot sum "a": not a number/);
  });
  it('min and max order numbers numerically, not as text', () => {
    expect(agg('Customer_Subscriptions__r.Seats__c', 'min')).toBe(2.5);
    expect(agg('Customer_Subscriptions__r.Seats__c', 'max')).toBe(10);
    expect(aggregateValues(['9', '10', '100'], 'max')).toBe('100');
    expect(aggregateValues([9, 10, 100], 'min')).toBe(9);
  });
  it('min and max order ISO dates and datetimes chronologically (offsets honoured)', () => {
    expect(agg('Customer_Subscriptions__r.End__c', 'min')).toBe('2026-12-31');
    expect(agg('Customer_Subscriptions__r.End__c', 'max')).toBe('2027-10-15');
    // 10:00Z vs 09:00-03:00 (= 12:00Z): the second is later
    expect(agg('Customer_Subscriptions__r.Start__c', 'max')).toBe('2026-03-01T09:00:00.000-0300');
    expect(agg('Customer_Subscriptions__r.Start__c', 'min')).toBe('2025-01-01T00:00:00.000Z');
  });
  it('min and max fall back to text order for mixed values', () => {
    expect(aggregateValues(['b', 'a', 'c'], 'min')).toBe('a');
    expect(aggregateValues(['b', 2, 'c'], 'max')).toBe('c');
  });
  it('count counts non-empty values, or the child records themselves', () => {
    expect(agg('Customer_Subscriptions__r.Seats__c', 'count')).toBe(3);
    expect(agg('Customer_Subscriptions__r', 'count')).toBe(4);
    expect(agg('Empty__r', 'count')).toBe(0);
    expect(agg('Empty__r.Seats__c', 'count')).toBe(0);
  });
  it('join uses ", " or the given separator', () => {
    expect(agg('Customer_Subscriptions__r.Tier__c', 'join')).toBe('Premium, Ultimate, Starter');
    expect(agg('Customer_Subscriptions__r.Tier__c', 'join', { separator: ' | ' })).toBe('Premium | Ultimate | Starter');
  });
  it('gives null over no values (count 0), then default applies', () => {
    expect(agg('Empty__r.Seats__c', 'sum')).toBeNull();
    expect(agg('Empty__r.Seats__c', 'max')).toBeNull();
    expect(agg('Empty__r.Seats__c', 'sum', { default: 0 })).toBe(0);
    expect(agg('Empty__r.Seats__c', 'join', { default: 'none' })).toBe('none');
  });
  it('applies map after the aggregate', () => {
    expect(agg('Customer_Subscriptions__r.Tier__c', 'first', { map: { Premium: 'premium_tier' } })).toBe('premium_tier');
    expect(agg('Customer_Subscriptions__r.Seats__c', 'count', { map: { '3': 'three' } })).toBe('three');
  });
});

describe('{ value } and { template }', () => {
  it('gives the constant', () => {
    expect(evaluateMapping({ kind: 'value', value: 'salesforce', name: 'v' }, account)).toBe('salesforce');
    expect(evaluateMapping({ kind: 'value', value: null, name: 'v' }, account)).toBeNull();
    expect(evaluateMapping({ kind: 'value', value: 7, name: 'v' }, account)).toBe(7);
  });
  it('fills a template, missing values empty, result trimmed', () => {
    const t = (template: string) => evaluateMapping({ kind: 'template', template, name: 't' }, account, ctx);
    expect(t('{Name} ({Type})')).toBe('Acme (Customer)');
    expect(t('{Missing__c} {Name}')).toBe('Acme');
    expect(t('{ Owner.Name } owns {Account.Name}')).toBe('Alex Morgan owns Acme');
    expect(t('{{literal}} {Name}')).toBe('{literal} Acme');
    expect(t('Tiers: {Customer_Subscriptions__r.Tier__c}')).toBe('Tiers: Premium, Ultimate, Starter');
  });
  it('lists the paths a mapping reads', () => {
    expect(templatePaths('{Name} ({ Type }) {{x}}')).toEqual(['Name', 'Type']);
    expect(mappingPaths({ kind: 'value', value: 1, name: 'v' })).toEqual([]);
    expect(mappingPaths(field('Owner.Name'))).toEqual(['Owner.Name']);
    expect(renderTemplate('{}', account)).toBe('');
  });
});

describe('toScalar', () => {
  it('turns compound values into text', () => {
    expect(toScalar({ latitude: 1.5, longitude: -2 })).toBe('1.5,-2');
    expect(toScalar({ street: '1 Main St', city: 'Springfield', state: null, postalCode: '12345', country: 'US' })).toBe(
      '1 Main St, Springfield, 12345, US',
    );
    expect(toScalar(['a', null, 'b'])).toBe('a, b');
    expect(toScalar(undefined)).toBeNull();
    expect(toScalar(Number.NaN)).toBeNull();
  });
});
