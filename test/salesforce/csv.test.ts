import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/salesforce/csv.js';
import { convertCsvValue } from '../../src/salesforce/reader.js';

describe('parseCsv', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"a","b,c","d ""q"""\n"1","line1\nline2",""\n')).toEqual([
      ['a', 'b,c', 'd "q"'],
      ['1', 'line1\nline2', ''],
    ]);
  });

  it('handles CRLF, unquoted fields, empty fields and a missing final line ending', () => {
    expect(parseCsv('Id,Name,X\r\n001,Acme,\r\n002,,z')).toEqual([
      ['Id', 'Name', 'X'],
      ['001', 'Acme', ''],
      ['002', '', 'z'],
    ]);
    expect(parseCsv('')).toEqual([]);
  });
});

describe('convertCsvValue', () => {
  it('turns CSV strings back into the REST API types', () => {
    expect(convertCsvValue('', { name: 'X', type: 'string' })).toBeNull();
    expect(convertCsvValue('true', { name: 'X', type: 'boolean' })).toBe(true);
    expect(convertCsvValue('false', { name: 'X', type: 'boolean' })).toBe(false);
    expect(convertCsvValue('12', { name: 'X', type: 'int' })).toBe(12);
    expect(convertCsvValue('12.50', { name: 'X', type: 'currency' })).toBe(12.5);
    expect(convertCsvValue('0012', { name: 'X', type: 'string' })).toBe('0012');
    expect(convertCsvValue('2024-01-01', { name: 'X', type: 'date' })).toBe('2024-01-01');
    expect(convertCsvValue('2024-01-01T10:00:00.000Z', { name: 'X', type: 'datetime' })).toBe('2024-01-01T10:00:00.000+0000');
    expect(convertCsvValue('42', undefined)).toBe('42');
  });
});
