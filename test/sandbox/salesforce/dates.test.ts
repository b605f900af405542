import { describe, expect, it } from 'vitest';
import { dateLiteralRange, literalRange, toEpoch } from '../../../src/sandbox/salesforce/dates.js';

const now = new Date('2026-11-23T12:00:00Z'); // Monday
const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);
const range = (name: string, n?: number): [string, string] => {
  const r = dateLiteralRange(name, n, now);
  if (!r) throw new Error(`no range for ${name}`);
  return [new Date(r[0]).toISOString().slice(0, 10), new Date(r[1]).toISOString().slice(0, 10)];
};

describe('date literal ranges (UTC, weeks from Sunday, fiscal = calendar year)', () => {
  it.each([
    ['TODAY', undefined, '2026-11-23', '2026-11-24'],
    ['YESTERDAY', undefined, '2026-11-22', '2026-11-23'],
    ['TOMORROW', undefined, '2026-11-24', '2026-11-25'],
    ['THIS_WEEK', undefined, '2026-11-22', '2026-11-29'],
    ['LAST_WEEK', undefined, '2026-11-15', '2026-11-22'],
    ['NEXT_WEEK', undefined, '2026-11-29', '2026-12-06'],
    ['THIS_MONTH', undefined, '2026-11-01', '2026-12-01'],
    ['LAST_MONTH', undefined, '2026-10-01', '2026-11-01'],
    ['NEXT_MONTH', undefined, '2026-12-01', '2027-01-01'],
    ['THIS_QUARTER', undefined, '2026-10-01', '2027-01-01'],
    ['LAST_QUARTER', undefined, '2026-07-01', '2026-10-01'],
    ['NEXT_QUARTER', undefined, '2027-01-01', '2027-04-01'],
    ['THIS_YEAR', undefined, '2026-01-01', '2027-01-01'],
    ['LAST_YEAR', undefined, '2025-01-01', '2026-01-01'],
    ['NEXT_YEAR', undefined, '2027-01-01', '2028-01-01'],
    ['THIS_FISCAL_YEAR', undefined, '2026-01-01', '2027-01-01'],
    ['LAST_90_DAYS', undefined, '2026-08-25', '2026-11-24'],
    ['NEXT_90_DAYS', undefined, '2026-11-24', '2027-02-22'],
    ['LAST_N_DAYS', 7, '2026-11-16', '2026-11-24'],
    ['NEXT_N_DAYS', 7, '2026-11-24', '2026-12-01'],
    ['N_DAYS_AGO', 3, '2026-11-20', '2026-11-21'],
    ['LAST_N_WEEKS', 2, '2026-11-08', '2026-11-22'],
    ['NEXT_N_WEEKS', 1, '2026-11-29', '2026-12-06'],
    ['LAST_N_MONTHS', 2, '2026-09-01', '2026-11-01'],
    ['NEXT_N_MONTHS', 2, '2026-12-01', '2027-02-01'],
    ['N_MONTHS_AGO', 12, '2025-11-01', '2025-12-01'],
    ['LAST_N_QUARTERS', 1, '2026-07-01', '2026-10-01'],
    ['NEXT_N_QUARTERS', 2, '2027-01-01', '2027-07-01'],
    ['LAST_N_YEARS', 3, '2023-01-01', '2026-01-01'],
    ['NEXT_N_YEARS', 2, '2027-01-01', '2029-01-01'],
    ['N_YEARS_AGO', 1, '2025-01-01', '2026-01-01'],
    ['LAST_N_FISCAL_YEARS', 1, '2025-01-01', '2026-01-01'],
  ])('%s:%s covers [%s, %s)', (name, n, start, end) => {
    expect(range(name, n)).toEqual([start, end]);
  });

  it('does not know made-up literals', () => {
    expect(dateLiteralRange('SOMEDAY', undefined, now)).toBeUndefined();
  });
});

describe('values', () => {
  it('reads dates as midnight UTC and datetimes with any offset style', () => {
    expect(toEpoch('2026-11-23')).toBe(day('2026-11-23'));
    expect(toEpoch('2026-11-23T10:00:00.000+0000')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(toEpoch('2026-11-23T12:00:00+02:00')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(toEpoch('2026-11-23T12:00:00+0200')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(toEpoch('not a date')).toBeUndefined();
    expect(toEpoch(null)).toBeUndefined();
  });

  it('a DATE literal is the whole day, a DATETIME literal one instant', () => {
    expect(literalRange('DATE', '2026-11-23')).toEqual([day('2026-11-23'), day('2026-11-24')]);
    const t = Date.parse('2026-11-23T10:00:00Z');
    expect(literalRange('DATETIME', '2026-11-23T10:00:00Z')).toEqual([t, t + 1]);
  });
});
