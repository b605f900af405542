import { describe, expect, it } from 'vitest';
import {
  collapseWhitespace,
  normalizeDomains,
  normalizeEmail,
  normalizeFieldValue,
  normalizeName,
  normalizeTag,
  normalizeTags,
  normalizeText,
  sameValue,
} from '../../src/map/normalize.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';

const field = (type: string, extra: Partial<ZdFieldDef> = {}): ZdFieldDef => ({
  id: 1,
  key: 'k',
  type,
  title: 'K',
  active: true,
  ...extra,
});

describe('normalizeTag / normalizeTags', () => {
  it('lowercases, turns spaces and commas into underscores, trims underscores', () => {
    expect(normalizeTag('  North America ')).toBe('north_america');
    expect(normalizeTag('A, B')).toBe('a_b');
    expect(normalizeTag('__x__')).toBe('x');
    expect(normalizeTag('   ')).toBeNull();
  });
  it('sorts and de-duplicates, dropping empty ones', () => {
    expect(normalizeTags(['b', 'A', 'a', ' ', 'Big Co'])).toEqual(['a', 'b', 'big_co']);
  });
});

describe('normalizeEmail', () => {
  it('trims and lowercases a valid email', () => {
    expect(normalizeEmail('  Ann.Lee@Acme.COM ')).toBe('ann.lee@acme.com');
  });
  it('gives null for non-strings, empty and invalid addresses', () => {
    expect(normalizeEmail(null)).toBeNull();
    expect(normalizeEmail(42)).toBeNull();
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail('not an email')).toBeNull();
    expect(normalizeEmail('a@b')).toBeNull();
  });
});

describe('normalizeText / normalizeName / normalizeDomains', () => {
  it('unifies line endings, trims, and turns empty into null', () => {
    expect(normalizeText(' a\r\nb\rc ')).toBe('a\nb\nc');
    expect(normalizeText('   ')).toBeNull();
    expect(normalizeText(undefined)).toBeNull();
    expect(normalizeText(12)).toBe('12');
  });
  it('compares names case-insensitively with collapsed whitespace', () => {
    expect(normalizeName('  Acme   Industries ')).toBe('acme industries');
    expect(normalizeName(null)).toBe('');
  });
  it('collapses every run of whitespace to one space, and returns a name with single spaces as it is', () => {
    expect(collapseWhitespace('Ann Andersson')).toBe('Ann Andersson');
    expect(collapseWhitespace('Ann  Andersson')).toBe('Ann Andersson');
    expect(collapseWhitespace('Ann\tAndersson')).toBe('Ann Andersson');
    expect(collapseWhitespace('Ann\u00a0Andersson')).toBe('Ann Andersson');
    expect(collapseWhitespace('Ann \n Andersson')).toBe('Ann Andersson');
    expect(collapseWhitespace('Ann\u2003Andersson')).toBe('Ann Andersson');
    expect(normalizeName('Acme\u00a0 Industries\tAG')).toBe('acme industries ag');
  });
  it('splits domains on spaces, commas and semicolons, lowercases, sorts, de-duplicates', () => {
    expect(normalizeDomains('b.example, A.example  a.example;c.example')).toEqual(['a.example', 'b.example', 'c.example']);
    expect(normalizeDomains(['Z.example', 'z.example'])).toEqual(['z.example']);
    expect(normalizeDomains(null)).toEqual([]);
  });
});

describe('normalizeFieldValue', () => {
  it('integer and decimal fields give numbers', () => {
    expect(normalizeFieldValue('42', field('integer'))).toBe(42);
    expect(normalizeFieldValue(42.9, field('integer'))).toBe(42);
    expect(normalizeFieldValue('1.50', field('decimal'))).toBe(1.5);
    expect(normalizeFieldValue('', field('decimal'))).toBeNull();
    expect(normalizeFieldValue('abc', field('integer'))).toBe('abc');
  });
  it('checkbox fields give booleans, null as false', () => {
    expect(normalizeFieldValue('Yes', field('checkbox'))).toBe(true);
    expect(normalizeFieldValue('false', field('checkbox'))).toBe(false);
    expect(normalizeFieldValue(null, field('checkbox'))).toBe(false);
  });
  it('date fields give YYYY-MM-DD', () => {
    expect(normalizeFieldValue('2026-03-27T10:00:00.000+0000', field('date'))).toBe('2026-03-27');
    expect(normalizeFieldValue('2026-03-27', field('date'))).toBe('2026-03-27');
    expect(normalizeFieldValue(null, field('date'))).toBeNull();
  });
  it('dropdown fields give the option tag value, matched by value or by name', () => {
    const dd = field('dropdown', {
      custom_field_options: [
        { id: 1, name: 'At risk', value: 'at_risk' },
        { id: 2, name: 'Healthy', value: 'healthy' },
      ],
    });
    expect(normalizeFieldValue('AT_RISK', dd)).toBe('at_risk');
    expect(normalizeFieldValue('At risk', dd)).toBe('at_risk');
    expect(normalizeFieldValue('Unknown Thing', dd)).toBe('unknown_thing');
    expect(normalizeFieldValue(' ', dd)).toBeNull();
    expect(normalizeFieldValue('healthy', field('tagger', dd))).toBe('healthy');
  });
  it('text fields and unknown definitions give trimmed text', () => {
    expect(normalizeFieldValue(' x ', field('text'))).toBe('x');
    expect(normalizeFieldValue(5, undefined)).toBe('5');
    expect(normalizeFieldValue(true, field('textarea'))).toBe('true');
    expect(normalizeFieldValue('', undefined)).toBeNull();
  });
});

describe('sameValue', () => {
  it('treats null and undefined alike and compares deeply', () => {
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameValue({ a: 1, b: null }, { a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
  });
});
