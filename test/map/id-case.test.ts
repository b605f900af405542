// Account Ids that differ only in case (issue 14): one is synced, the other skipped with a warning naming both.
import { describe, expect, it } from 'vitest';
import { mapSync } from '../../src/map/index.js';
import { idCaseCollisions } from '../../src/map/id-case.js';
import type { SourceData } from '../../src/model/salesforce.js';
import { accounts, makeSync, organizationFields, people, sfDescribe, userFields } from './fixtures.js';

describe('idCaseCollisions', () => {
  it('keeps the first Id of each case-insensitive group and names both in the warning', () => {
    const r = idCaseCollisions(['001000000000abc', '001000000000ABC', '001000000000xyz', '001000000000abc']);
    expect([...r.skipped]).toEqual(['001000000000abc']);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'id_case_collision', records: ['001000000000ABC', '001000000000abc'] }),
    ]);
    expect(r.warnings[0].message).toContain('001000000000ABC and 001000000000abc');
  });

  it('says nothing when Ids are distinct regardless of case', () => {
    expect(idCaseCollisions(['001A', '001B'])).toEqual({ skipped: new Set(), warnings: [] });
  });
});

describe('mapSync with two accounts whose Ids differ only in case', () => {
  it('maps one organization, not two, and warns', () => {
    const twin = { ...accounts[0], Id: accounts[0].Id.toLowerCase(), Name: 'Twin' };
    const source: SourceData = { accounts: [...accounts, twin], people, relations: [], retention: [], describe: sfDescribe };
    const state = mapSync(makeSync(), source, { organizationFields, userFields });
    const without = mapSync(makeSync(), { ...source, accounts }, { organizationFields, userFields });
    const ids = state.organizations.map((o) => o.accountId.toLowerCase());
    expect(ids.filter((id) => id === accounts[0].Id.toLowerCase())).toHaveLength(1);
    expect(state.organizations).toEqual(without.organizations);
    expect(state.warnings.filter((w) => w.code === 'id_case_collision').map((w) => w.records)).toEqual([[accounts[0].Id, twin.Id]]);
  });
});
