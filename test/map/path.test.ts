import { describe, expect, it } from 'vitest';
import { childRecords, getField, isChildPath, isChildResult, readPath, splitPath } from '../../src/map/path.js';
import type { SfRecord } from '../../src/model/salesforce.js';

const account: SfRecord = {
  attributes: { type: 'Account', url: '/services/data/v62.0/sobjects/Account/001A' },
  Id: '001A',
  Name: 'Acme',
  Type: 'Customer',
  Owner: { attributes: { type: 'User' }, Name: 'Alex Morgan', Manager: null },
  Parent: null,
  Customer_Subscriptions__r: {
    totalSize: 3,
    done: true,
    records: [
      { attributes: { type: 'Customer_Subscription__c' }, Id: 'a01', Entitled_Seats__c: 10, Product__r: { Name: 'Gold' } },
      { attributes: { type: 'Customer_Subscription__c' }, Id: 'a02', Entitled_Seats__c: null, Product__r: null },
      { attributes: { type: 'Customer_Subscription__c' }, Id: 'a03', Entitled_Seats__c: 5, Product__r: { Name: 'Silver' } },
    ],
  },
  Zuora__Subscriptions__r: null,
};

describe('readPath', () => {
  it('reads own fields and nested parents', () => {
    expect(readPath(account, 'Name')).toBe('Acme');
    expect(readPath(account, 'Owner.Name')).toBe('Alex Morgan');
  });
  it('is null-safe through a null or absent parent', () => {
    expect(readPath(account, 'Parent.Name')).toBeNull();
    expect(readPath(account, 'Owner.Manager.Name')).toBeNull();
    expect(readPath(account, 'Nope__r.Name')).toBeNull();
    expect(readPath(account, 'Missing__c')).toBeNull();
  });
  it("strips the queried object's own prefix", () => {
    expect(readPath(account, 'Account.Name')).toBe('Acme');
    expect(readPath({ Id: '001B', Name: 'B' }, 'Account.Name', { objectName: 'Account' })).toBe('B');
  });
  it('does not strip a parent relationship that shares a name with another object', () => {
    const contact: SfRecord = { attributes: { type: 'Contact' }, Id: '003A', Name: 'Ann', Account: { Name: 'Acme' } };
    expect(readPath(contact, 'Account.Name')).toBe('Acme');
    const orphan: SfRecord = { attributes: { type: 'Contact' }, Id: '003B', Name: 'Bob', Account: null };
    expect(readPath(orphan, 'Account.Name')).toBeNull();
  });
  it('strips other own prefixes given (Contact. and Lead. on people)', () => {
    const lead: SfRecord = { attributes: { type: 'Lead' }, Id: '00QA', Title: 'CTO' };
    const opts = { ownPrefixes: ['Contact', 'Lead'] };
    expect(readPath(lead, 'Contact.Title', opts)).toBe('CTO');
    expect(readPath(lead, 'Lead.Title', opts)).toBe('CTO');
    expect(readPath(lead, 'Contact.Title')).toBeNull();
    expect(splitPath('contact.Title', undefined, 'Lead', ['Contact'])).toEqual(['Title']);
  });
  it('falls back to case-insensitive field names', () => {
    expect(readPath(account, 'owner.name')).toBe('Alex Morgan');
    expect(readPath(account, 'TYPE')).toBe('Customer');
    expect(readPath(account, 'attributes')).not.toBeNull(); // exact key still works
  });
  it('gives the list of child values through a child relationship, nulls kept', () => {
    expect(readPath(account, 'Customer_Subscriptions__r.Entitled_Seats__c')).toEqual([10, null, 5]);
    expect(readPath(account, 'customer_subscriptions__r.Product__r.Name')).toEqual(['Gold', null, 'Silver']);
    expect(readPath(account, 'Account.Customer_Subscriptions__r.Id')).toEqual(['a01', 'a02', 'a03']);
  });
  it('gives an empty list for a declared child relationship Salesforce answered null for', () => {
    const opts = { childRelationships: ['Zuora__Subscriptions__r', 'Customer_Subscriptions__r'] };
    expect(readPath(account, 'Zuora__Subscriptions__r.Name', opts)).toEqual([]);
    expect(readPath({ Id: 'x' }, 'Customer_Subscriptions__r.Entitled_Seats__c', opts)).toEqual([]);
    expect(readPath(account, 'Zuora__Subscriptions__r.Name')).toBeNull();
  });
  it('gives the child records for the relationship itself', () => {
    expect(readPath(account, 'Customer_Subscriptions__r')).toHaveLength(3);
    expect(readPath(account, 'Zuora__Subscriptions__r', { childRelationships: ['Zuora__Subscriptions__r'] })).toEqual([]);
  });
});

describe('path helpers', () => {
  it('splitPath strips only the own prefix', () => {
    expect(splitPath('Account.Owner.Name', account)).toEqual(['Owner', 'Name']);
    expect(splitPath('Owner.Name', account)).toEqual(['Owner', 'Name']);
    expect(splitPath('Account.Name', undefined, 'Contact')).toEqual(['Account', 'Name']);
  });
  it('getField prefers the exact key', () => {
    expect(getField({ name: 'lower', Name: 'upper' }, 'Name')).toBe('upper');
    expect(getField({ name: 'lower' }, 'NAME')).toBe('lower');
    expect(getField({ attributes: 1 }, 'ATTRIBUTES')).toBeUndefined();
  });
  it('isChildResult, childRecords, isChildPath', () => {
    expect(isChildResult(account.Customer_Subscriptions__r)).toBe(true);
    expect(isChildResult({ records: 'no' })).toBe(false);
    expect(isChildResult(null)).toBe(false);
    expect(childRecords(account, 'Customer_Subscriptions__r').map((r) => r.Id)).toEqual(['a01', 'a02', 'a03']);
    expect(childRecords(account, 'Zuora__Subscriptions__r')).toEqual([]);
    expect(isChildPath(account, 'Customer_Subscriptions__r.Entitled_Seats__c')).toBe(true);
    expect(isChildPath(account, 'Owner.Name')).toBe(false);
    expect(isChildPath(account, 'Zuora__Subscriptions__r.Name', { childRelationships: ['Zuora__Subscriptions__r'] })).toBe(true);
  });
});
