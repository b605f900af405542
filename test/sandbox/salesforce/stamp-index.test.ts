// The sandbox's change queries (issue 13): `SystemModstamp > t` at the top level of a WHERE reads the stamp index
// (src/sandbox/salesforce/database.ts stampedFrom), and answers exactly what a scan answers, also after records
// change. The same condition in parentheses is not indexed (a scan), which gives the expected answer to compare with.
import { describe, expect, it } from 'vitest';
import { SfDatabase } from '../../../src/sandbox/salesforce/database.js';
import { compileQuery, evaluateQuery } from '../../../src/sandbox/salesforce/soql.js';
import type { SalesforceSeed, SfSeedRecord } from '../../../src/model/seed.js';

const stamp = (i: number): string => new Date(Date.UTC(2026, 11, 1, 10, 0, 0) + i * 700).toISOString().replace('Z', '+0000');

function org(n: number): SalesforceSeed {
  // stamps out of table order, some sharing a second, one in another format
  const contacts: SfSeedRecord[] = Array.from({ length: n }, (_, i) => ({
    Id: `003${String(i).padStart(12, '0')}AAA`,
    LastName: `P${i}`,
    Title: i % 3 === 0 ? 'Boss' : 'Staff',
    IsDeleted: i % 11 === 0,
    SystemModstamp: i === 5 ? '2026-12-01T10:00:40Z' : stamp((i * 37) % n),
  }));
  return { Contact: contacts };
}

const ids = (db: SfDatabase, soql: string, all = false): string[] => evaluateQuery(db, soql, { includeDeleted: all }).records.map((r) => String(r.Id));

describe('the stamp index of change queries', () => {
  const cases = ['2026-12-01T10:00:00Z', '2026-12-01T10:00:30Z', '2026-12-01T10:00:40Z', '2026-12-01T10:01:09Z', '2030-01-01T00:00:00Z', '2000-01-01T00:00:00Z'];

  it('answers what a scan answers, for >, >=, with other conditions, with queryAll', () => {
    const db = new SfDatabase(org(120));
    for (const t of cases) {
      for (const [indexed, scanned] of [
        [`SELECT Id FROM Contact WHERE SystemModstamp > ${t}`, `SELECT Id FROM Contact WHERE (SystemModstamp > ${t})`],
        [`SELECT Id FROM Contact WHERE SystemModstamp >= ${t}`, `SELECT Id FROM Contact WHERE (SystemModstamp >= ${t})`],
        [`SELECT Id FROM Contact WHERE (Title = 'Boss') AND SystemModstamp > ${t}`, `SELECT Id FROM Contact WHERE (Title = 'Boss' AND SystemModstamp > ${t})`],
      ]) {
        expect(compileQuery(db, indexed).stampFloor, indexed).toBeDefined();
        expect(compileQuery(db, scanned).stampFloor, scanned).toBeUndefined();
        for (const all of [false, true]) expect(ids(db, indexed, all), `${indexed} ${all}`).toEqual(ids(db, scanned, all));
      }
    }
    // not a lower bound on every match: no index
    expect(compileQuery(db, `SELECT Id FROM Contact WHERE Title = 'Boss' OR SystemModstamp > ${cases[1]}`).stampFloor).toBeUndefined();
    expect(compileQuery(db, `SELECT Id FROM Contact WHERE SystemModstamp < ${cases[1]}`).stampFloor).toBeUndefined();
  });

  it('sees records changed, added and replaced after it was built', () => {
    const db = new SfDatabase(org(50));
    const table = db.table('Contact')!;
    const q = 'SELECT Id FROM Contact WHERE SystemModstamp > 2026-12-01T10:00:20Z';
    const scan = 'SELECT Id FROM Contact WHERE (SystemModstamp > 2026-12-01T10:00:20Z)';
    expect(ids(db, q)).toEqual(ids(db, scan));
    // a write moves a stamp (the sandbox's writes invalidate the indexes)
    table.records[1].SystemModstamp = '2026-12-01T11:00:00.000+0000';
    table.invalidateIndexes();
    expect(ids(db, q)).toContain(table.records[1].Id);
    // a record added without invalidation: the table's length tells
    table.records.push({ Id: '003999999999999AAA', LastName: 'New', IsDeleted: false, SystemModstamp: '2026-12-01T12:00:00.000+0000' });
    expect(ids(db, q)).toContain('003999999999999AAA');
    expect(ids(db, q)).toEqual(ids(db, scan));
  });
});
