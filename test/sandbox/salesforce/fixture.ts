// A small org for the evaluator tests: plain data, ids 18 characters like Salesforce's.
import type { SalesforceSeed } from '../../../src/model/seed.js';

export const U1 = '005SB0000000000001';
export const U2 = '005SB0000000000002';
export const RT1 = '012SB0000000000001';
export const RT2 = '012SB0000000000002';
export const A1 = '001SB0000000000001';
export const A2 = '001SB0000000000002';
export const A3 = '001SB0000000000003';
export const A4 = '001SB0000000000004';
export const A5 = '001SB0000000000005';

/** Monday 23 November 2026, noon UTC */
export const NOW = new Date('2026-11-23T12:00:00Z');

export function smallOrg(): SalesforceSeed {
  return {
    User: [
      { Id: U1, Name: 'Ada Admin', Email: 'ada@example.test', ManagerId: U2 },
      { Id: U2, Name: 'Bob Boss', Email: 'bob@example.test' },
    ],
    RecordType: [
      { Id: RT1, Name: 'Customer', DeveloperName: 'Customer', SobjectType: 'Account' },
      { Id: RT2, Name: 'Partner', DeveloperName: 'Partner_Account', SobjectType: 'Account' },
    ],
    Account: [
      {
        Id: A1,
        Name: 'Acme Corp',
        Type: 'Customer',
        OwnerId: U1,
        RecordTypeId: RT1,
        NumberOfEmployees: 120,
        AnnualRevenue: 1500000.5,
        Next_Renewal_Date__c: '2020-03-01',
        CreatedDate: '2024-01-10T08:00:00.000+0000',
        Active__c: true,
        Regions__c: 'EMEA;AMER',
        Description: 'It\'s "quoted" \\ back',
      },
      {
        Id: A2,
        Name: 'Globex',
        Type: 'Former Customer',
        OwnerId: U2,
        RecordTypeId: RT2,
        NumberOfEmployees: 40,
        AnnualRevenue: -2.5,
        Next_Renewal_Date__c: '2026-11-20',
        CreatedDate: '2026-11-22T23:30:00.000+0000',
        Active__c: false,
        Regions__c: 'APAC',
      },
      {
        Id: A3,
        Name: 'Initech 100%_off',
        Type: 'Partner',
        OwnerId: null,
        NumberOfEmployees: null,
        Partners_Partner_Status__c: 'Authorized',
        Next_Renewal_Date__c: '2026-11-25',
        CreatedDate: '2026-11-23T09:15:00.000Z',
      },
      { Id: A4, Name: 'Umbrella', Type: null, IsDeleted: true, CreatedDate: '2025-06-01T00:00:00.000+0000' },
      { Id: A5, Name: 'hooli', Type: 'Customer', ParentId: A1, OwnerId: U1, NumberOfEmployees: 7, Next_Renewal_Date__c: '2023-12-31', CreatedDate: '2025-12-31T23:59:59.000+0000' },
    ],
    Contact: [
      { Id: '003SB0000000000001', FirstName: 'Jane', LastName: 'Doe', Email: 'jane@acme.test', AccountId: A1, Inactive_Contact__c: false, CreatedDate: '2024-02-01T00:00:00.000+0000' },
      { Id: '003SB0000000000002', FirstName: 'John', LastName: 'Roe', Email: 'JOHN@acme.test', AccountId: A1, Inactive_Contact__c: true, CreatedDate: '2024-01-01T00:00:00.000+0000' },
      { Id: '003SB0000000000003', LastName: 'Solo', Email: null, CreatedDate: '2024-03-01T00:00:00.000+0000' },
      { Id: '003SB0000000000004', FirstName: 'Dangling', LastName: 'Ref', Email: 'd@x.test', AccountId: '001SB0000000009999', CreatedDate: '2024-04-01T00:00:00.000+0000' },
      { Id: '003SB0000000000005', FirstName: 'Gina', LastName: 'Globex', Email: 'gina@globex.test', AccountId: A2, CreatedDate: '2024-05-01T00:00:00.000+0000' },
    ],
    Customer_Subscription__c: [
      { Id: 'a0BSB0000000000001', Name: 'S1', Account__c: A1, Current_Subscription_Status__c: 'Active', Entitled_Seats__c: 10 },
      { Id: 'a0BSB0000000000002', Name: 'S2', Account__c: A1, Current_Subscription_Status__c: 'Expired', Entitled_Seats__c: 5 },
      { Id: 'a0BSB0000000000003', Name: 'S3', Account__c: A1, Current_Subscription_Status__c: 'Active', Entitled_Seats__c: 7 },
      { Id: 'a0BSB0000000000004', Name: 'S4', Account__c: A2, Current_Subscription_Status__c: 'Active', Entitled_Seats__c: 3 },
    ],
  };
}
