import { describe, expect, it } from 'vitest';
import { cleanDomains, findOption, isCalendarDate, optionList, toZendeskFieldValue } from '../../src/map/values.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';

const def = (type: string, extra: Partial<ZdFieldDef> = {}): ZdFieldDef => ({ id: 1, key: 'k', type, title: 'K', active: true, ...extra });
const health = def('dropdown', {
  custom_field_options: [
    { id: 1, name: 'Healthy', value: 'healthy' },
    { id: 2, name: 'At risk', value: 'at_risk' },
  ],
});

describe('toZendeskFieldValue', () => {
  it('integer: whole numbers only', () => {
    expect(toZendeskFieldValue(12, def('integer'))).toEqual({ ok: true, value: 12 });
    expect(toZendeskFieldValue('12', def('integer'))).toEqual({ ok: true, value: 12 });
    expect(toZendeskFieldValue(12.0, def('integer'))).toEqual({ ok: true, value: 12 });
    expect(toZendeskFieldValue(2.5, def('integer'))).toEqual({ ok: false, reason: '2.5 is not a whole number' });
    expect(toZendeskFieldValue('lots', def('integer'))).toEqual({ ok: false, reason: '"lots" is not a number' });
  });
  it('decimal: numbers and numeric text', () => {
    expect(toZendeskFieldValue('2.50', def('decimal'))).toEqual({ ok: true, value: 2.5 });
    expect(toZendeskFieldValue('1e3', def('decimal'))).toEqual({ ok: true, value: 1000 });
    expect(toZendeskFieldValue('12 seats', def('decimal')).ok).toBe(false);
  });
  it('checkbox: booleans and their usual spellings', () => {
    expect(toZendeskFieldValue(true, def('checkbox'))).toEqual({ ok: true, value: true });
    expect(toZendeskFieldValue('No', def('checkbox'))).toEqual({ ok: true, value: false });
    expect(toZendeskFieldValue(1, def('checkbox'))).toEqual({ ok: true, value: true });
    expect(toZendeskFieldValue('maybe', def('checkbox'))).toEqual({ ok: false, reason: '"maybe" is not true or false' });
  });
  it('date: dates and datetimes, real calendar dates only', () => {
    expect(toZendeskFieldValue('2026-03-27', def('date'))).toEqual({ ok: true, value: '2026-03-27' });
    expect(toZendeskFieldValue('2026-03-27T23:00:00.000+0000', def('date'))).toEqual({ ok: true, value: '2026-03-27' });
    expect(toZendeskFieldValue('2026-02-30', def('date')).ok).toBe(false);
    expect(toZendeskFieldValue('next week', def('date'))).toEqual({ ok: false, reason: '"next week" is not a date' });
    // Date's parser would take these; Salesforce never sends them
    expect(toZendeskFieldValue('day 10', def('date'))).toEqual({ ok: false, reason: '"day 10" is not a date' });
    expect(toZendeskFieldValue('March 3, 2026', def('date')).ok).toBe(false);
    expect(toZendeskFieldValue('2026-03-27T23:00:00Z', def('date'))).toEqual({ ok: true, value: '2026-03-27' });
  });
  it('dropdown: the option value, by value, name or tag form; others refused naming the options', () => {
    expect(toZendeskFieldValue('healthy', health)).toEqual({ ok: true, value: 'healthy' });
    expect(toZendeskFieldValue('At Risk', health)).toEqual({ ok: true, value: 'at_risk' });
    expect(toZendeskFieldValue('at risk', def('tagger', health))).toEqual({ ok: true, value: 'at_risk' });
    expect(toZendeskFieldValue('Gold', health)).toEqual({ ok: false, reason: '"Gold" is not an option (options: healthy, at_risk)' });
  });
  it('text and unknown definitions: trimmed text', () => {
    expect(toZendeskFieldValue(' x ', def('text'))).toEqual({ ok: true, value: 'x' });
    expect(toZendeskFieldValue(42, undefined)).toEqual({ ok: true, value: '42' });
    expect(toZendeskFieldValue('a;b', def('textarea'))).toEqual({ ok: true, value: 'a;b' });
  });
  it('empty values clear the field (checkbox: false)', () => {
    expect(toZendeskFieldValue(null, def('integer'))).toEqual({ ok: true, value: null });
    expect(toZendeskFieldValue('', health)).toEqual({ ok: true, value: null });
    expect(toZendeskFieldValue(null, def('checkbox'))).toEqual({ ok: true, value: false });
  });
});

describe('value helpers', () => {
  it('findOption, optionList, isCalendarDate', () => {
    expect(findOption(health, 'HEALTHY')?.id).toBe(1);
    expect(findOption(health, null)).toBeUndefined();
    expect(optionList(health)).toBe('healthy, at_risk');
    expect(optionList(def('dropdown'))).toBe('none');
    const many = def('dropdown', { custom_field_options: Array.from({ length: 25 }, (_, i) => ({ id: i, name: `o${i}`, value: `o${i}` })) });
    expect(optionList(many, 3)).toBe('o0, o1, o2, … (25 in all)');
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
  });
});

describe('cleanDomains', () => {
  it('splits, lowercases, de-duplicates and sorts like normalizeDomains', () => {
    expect(cleanDomains('b.example, A.example  a.example;c.example')).toEqual({ domains: ['a.example', 'b.example', 'c.example'], invalid: [] });
    expect(cleanDomains(null)).toEqual({ domains: [], invalid: [] });
  });
  it('turns URLs and @domains into host names', () => {
    expect(cleanDomains('https://www.Acme.example/contact @acme.example acme.example.')).toEqual({
      domains: ['acme.example', 'www.acme.example'],
      invalid: [],
    });
  });
  it('returns entries that are not host names apart', () => {
    expect(cleanDomains('acme.example n/a localhost http://')).toEqual({ domains: ['acme.example'], invalid: ['http://', 'localhost', 'n/a'] });
  });
});

describe('dropdown options looked up by a precomputed index (#12: no per-record scans)', () => {
  const field = {
    id: 9,
    key: 'tier',
    type: 'dropdown',
    title: 'Tier',
    active: true,
    custom_field_options: [
      { id: 1, name: ' Gold ', value: 'tier_gold' },
      { id: 2, name: 'Gold plus', value: 'TIER_GOLD' },
      { id: 3, name: 'Silver', value: 'silver_tier' },
    ],
  };
  it('by value first (the first of equal values), then by trimmed name, then by the tag form', () => {
    expect(findOption(field, 'tier_gold')?.id).toBe(1);
    expect(findOption(field, 'gold')?.id).toBe(1);
    expect(findOption(field, 'Gold Plus')?.id).toBe(2);
    expect(findOption(field, 'Silver Tier')?.id).toBe(3);
    expect(findOption(field, 'bronze')).toBeUndefined();
    expect(toZendeskFieldValue('SILVER', field)).toEqual({ ok: true, value: 'silver_tier' });
  });
  it('an index per field definition: another definition with the same key is not confused with it', () => {
    const other = { ...field, custom_field_options: [{ id: 7, name: 'Gold', value: 'g' }] };
    expect(findOption(other, 'gold')?.id).toBe(7);
    expect(findOption(field, 'gold')?.id).toBe(1);
  });
});
