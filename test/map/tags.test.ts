import { describe, expect, it } from 'vitest';
import { isManagedTag, normalizeTagPrefix, tagOwnership, tagsFor, tagValues } from '../../src/map/tags.js';
import type { TagRule } from '../../src/model/config.js';
import type { SfRecord } from '../../src/model/salesforce.js';

const account: SfRecord = {
  attributes: { type: 'Account' },
  Id: '001A',
  Type: 'Former Customer',
  Geo__c: 'EMEA;North America; ',
  Restricted__c: true,
  Empty__c: null,
  Owner: { Name: 'Alex Morgan' },
  Subs__r: { totalSize: 2, done: true, records: [{ Id: 'a1', Tier__c: 'Gold' }, { Id: 'a2', Tier__c: 'Gold' }] },
};

const rule = (r: Partial<TagRule>): TagRule => ({ prefix: '', from: [], static: [], ...r });

describe('tagsFor', () => {
  it('prefixes and normalises each value, sorted and unique', () => {
    expect(tagsFor(rule({ prefix: 'sf_', from: ['Type', 'Owner.Name'] }), account)).toEqual(['sf_alex_morgan', 'sf_former_customer']);
  });
  it('splits multi-picklist values on ;', () => {
    expect(tagsFor(rule({ prefix: 'geo_', from: ['Geo__c'] }), account)).toEqual(['geo_emea', 'geo_north_america']);
  });
  it('adds static tags as written (no prefix), normalised', () => {
    expect(tagsFor(rule({ prefix: 'sf_', from: ['Type'], static: ['Salesforce', 'Synced By ZDSF'] }), account)).toEqual([
      'salesforce',
      'sf_former_customer',
      'synced_by_zdsf',
    ]);
  });
  it('gives nothing for empty values, text for booleans, one tag per child value', () => {
    expect(tagsFor(rule({ prefix: 'sf_', from: ['Empty__c', 'Missing__c'] }), account)).toEqual([]);
    expect(tagsFor(rule({ prefix: 'restricted_', from: ['Restricted__c'] }), account)).toEqual(['restricted_true']);
    expect(tagsFor(rule({ prefix: 'tier_', from: ['Subs__r.Tier__c'] }), account)).toEqual(['tier_gold']);
  });
  it('normalises the prefix too, and gives [] without a rule', () => {
    expect(tagsFor(rule({ prefix: 'SF ', from: ['Type'] }), account)).toEqual(['sf_former_customer']);
    expect(tagsFor(undefined, account)).toEqual([]);
  });
  it('tagValues lists the raw values', () => {
    expect(tagValues(rule({ from: ['Geo__c', 'Type'] }), account)).toEqual(['EMEA', 'North America', 'Former Customer']);
  });
});

describe('ownership', () => {
  const own = tagOwnership(rule({ prefix: 'sf_', static: ['Salesforce'] }));
  it('tagOwnership normalises prefix and static tags', () => {
    expect(own).toEqual({ prefix: 'sf_', static: ['salesforce'] });
    expect(tagOwnership(undefined)).toEqual({ prefix: '', static: [] });
    expect(normalizeTagPrefix(' Sf Tag ')).toBe('sf_tag_');
    expect(normalizeTagPrefix('zd,')).toBe('zd_');
  });
  it('manages prefixed and static tags, and leaves others alone', () => {
    expect(isManagedTag('sf_customer', own)).toBe(true);
    expect(isManagedTag('SF_Customer', own)).toBe(true);
    expect(isManagedTag('salesforce', own)).toBe(true);
    expect(isManagedTag('vip', own)).toBe(false);
    expect(isManagedTag('sfx', own)).toBe(false);
    expect(isManagedTag('', own)).toBe(false);
  });
  it('with an empty prefix manages only static and produced tags', () => {
    const none = tagOwnership(rule({ prefix: '', static: ['synced'] }));
    expect(isManagedTag('customer', none)).toBe(false);
    expect(isManagedTag('customer', none, new Set(['customer']))).toBe(true);
    expect(isManagedTag('synced', none)).toBe(true);
  });
});
