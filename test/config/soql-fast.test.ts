// The quick recogniser of plain SOQL conditions (issue 15: validate without loading the SOQL parser) must never
// call valid what the real parser refuses; it declines everything outside its narrow grammar.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parseProblem } from '../../src/config/soql.js';
import { isPlainSoqlCondition } from '../../src/config/soql-fast.js';

const root = join(import.meta.dirname, '..', '..');

const ACCEPTED = [
  "Type = 'Customer'",
  "Type != 'Customer'",
  'IsDeleted = false',
  'IsConverted = TRUE',
  'ParentId = null',
  'ParentId != NULL',
  'NumberOfEmployees > 100',
  'NumberOfEmployees >= 10.5',
  'AnnualRevenue < 5',
  'AnnualRevenue <= 5',
  "Name LIKE 'Acme%'",
  "Name like 'a\\_b\\%'",
  "Name = 'O\\'Brien'",
  "Type IN ('Customer', 'Former Customer')",
  "Type in ('Customer')",
  "Type NOT IN ('Customer', 'Prospect')",
  'Employees__c IN (1, 2, 3)',
  "Account.Type = 'Partner'",
  "Account.Owner.Email = 'a@b.test'",
  "Type IN ('Customer', 'Former Customer') OR (Type = 'Partner' AND Partners_Partner_Status__c IN ('Authorized', 'Former'))",
  "(A__c = 'x' AND B__c = 'y') OR (C__c = 'z')",
  "((A__c = 'x'))",
  "A__c = 'x' AND B__c = 'y' AND C__c = 'z'",
  "Name = 'Zoë – ünïcode'",
  "  Type = 'Customer'\n  AND Inactive_Contact__c = false  ",
  "Type = 'Former Customer' AND Next_Renewal_Date__c < LAST_N_YEARS:3",
  'CreatedDate = TODAY',
  'CreatedDate = yesterday',
  'CreatedDate > LAST_MONTH',
  'CreatedDate < THIS_QUARTER',
  'CreatedDate >= NEXT_YEAR',
  'CreatedDate = LAST_90_DAYS',
  'CreatedDate = LAST_N_DAYS:30',
  'CreatedDate = NEXT_N_WEEKS:2',
  'CreatedDate < N_MONTHS_AGO:6',
  'CreatedDate < N_YEARS_AGO:3',
  'CloseDate > 2024-01-01',
  'CreatedDate > 2024-01-01T00:00:00Z',
  'CreatedDate > 2024-01-01T00:00:00.000+01:00',
];

const DECLINED = [
  '',
  '   ',
  "NOT Type = 'Customer'",
  "A__c = 'x' AND B__c = 'y' OR C__c = 'z'", // a mix at one level: left to the parser
  'CreatedDate = THIS_FISCAL_YEAR',
  'CreatedDate = LAST_N_DAYS',
  'CreatedDate = LAST_N_DAYS:',
  'CreatedDate > 2024-01-01T00:00',
  "CreatedDate LIKE TODAY",
  'CALENDAR_YEAR(CreatedDate) = 2024',
  'Id = :recordId',
  "Order = 'x'",
  "Limit = 'x'",
  "Type = 'Customer' ORDER BY Name",
  "Type = 'Customer' LIMIT 5",
  "Type = 'Customer' AND",
  "Type = 'Customer",
  "Name = 'a\\qb'",
  'Type =',
  "Type IN ()",
  "Type IN ('a',)",
  "Type IN ('a'",
  "(Type = 'a'",
  "Type = 'a')",
  "Name LIKE 5",
  "Type = -5",
  'Type = Name',
  "Type <> 'x'",
  "Interests__c INCLUDES ('a')",
  "Type = 'x'; DELETE",
];

describe('isPlainSoqlCondition', () => {
  it('accepts plain conditions, and the real parser accepts every one of them', () => {
    for (const c of ACCEPTED) {
      expect(isPlainSoqlCondition(c, 'Account'), c).toBe(true);
      expect(parseProblem(c, 'Account'), c).toBeUndefined();
    }
  });

  it('declines everything outside its grammar (the real parser decides those)', () => {
    for (const c of DECLINED) expect(isPlainSoqlCondition(c, 'Account'), c).toBe(false);
  });

  it('declines an object name that is not a plain identifier', () => {
    expect(isPlainSoqlCondition("Type = 'x'", 'Account; x')).toBe(false);
    expect(isPlainSoqlCondition("Type = 'x'", 'Select')).toBe(false);
  });

  it("agrees with the parser on every condition of the repository's configs", () => {
    const files = ['sync.yaml', 'fixtures/demo/sync.yaml', 'fixtures/gitlab/sync.yaml'];
    const conditions: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'where' || k === 'delete_when') && typeof x === 'string') conditions.push(x);
          else walk(x);
        }
    };
    for (const f of files) walk(parse(readFileSync(join(root, f), 'utf8'), { merge: true }));
    expect(conditions.length).toBeGreaterThan(5);
    for (const c of conditions) {
      expect(isPlainSoqlCondition(c, 'Account'), c).toBe(true);
      expect(parseProblem(c, 'Account'), c).toBeUndefined();
    }
  });

  it('validating the root sync.yaml does not load the SOQL parser (no cache)', async () => {
    vi.resetModules();
    const soql = await import('../../src/config/soql.js');
    const { loadConfig } = await import('../../src/config/index.js');
    const { config, diagnostics } = await loadConfig({ file: join(root, 'sync.yaml'), checkEnv: false });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(config).not.toBeNull();
    expect(soql.soqlParserLoaded()).toBe(false);
    // a condition outside the plain grammar still gets the parser's verdict
    expect(soql.soqlConditionProblem("Type = 'a' AND B = 'b' OR C = 'c'", 'Account')).toBeUndefined();
    expect(soql.soqlConditionProblem("Type = 'a' AND", 'Account')).toMatch(/does not parse/);
    expect(soql.soqlParserLoaded()).toBe(true);
  });
});
