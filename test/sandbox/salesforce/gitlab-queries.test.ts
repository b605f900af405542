// The three SOQL queries of GitLab's Zendesk-Salesforce sync, exactly as their handbook page prints them
// (source: https://handbook.gitlab.com/handbook/support/readiness/operations/docs/zendesk/zendesk_salesforce_sync/,
// copied from the project's seed document 003), run against a small org with GitLab's objects.
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfRecord } from '../../../src/model/salesforce.js';
import type { SalesforceSeed } from '../../../src/model/seed.js';
import { SfDatabase } from '../../../src/sandbox/salesforce/database.js';
import { evaluateQuery } from '../../../src/sandbox/salesforce/soql.js';
import { startSalesforce, type TestServer } from './helpers.js';

const GLOBAL_ORGS = `SELECT
  Account.Account_ID_18__c,
  Account.Name,
  Account.CARR_This_Account__c,
  Account.Ultimate_Parent_Sales_Segment_Employees__c,
  Account.Account_Owner_Calc__c,
  Account.Number_of_Licenses_This_Account__c,
  Account.Type,
  Account.Technical_Account_Manager_Name__c,
  Account.Account_Demographics_Geo__c,
  Account.GS_Health_Score_Color__c,
  Account.Next_Renewal_Date__c,
  Account.Restricted_Account__c,
  Account.Partners_Partner_Status__c,
  Account.Partners_Partner_Type__c,
  Account.Partner_Track__c,
  (SELECT
     Current_Subscription_Status__c,
     Current_Term_End_Date__c,
     Current_Term_Start_Date__c,
     Entitled_Seats__c,
     Product_Tier_Name_Short__c,
     Plan_Name__c
   FROM Customer_Subscriptions__r
   WHERE Current_Subscription_Status__c = 'Active'),
  (SELECT
     Name,
     Zuora__Status__c,
     Zuora__SubscriptionEndDate__c,
     Zuora__SubscriptionStartDate__c,
     Support_Level__c,
     Zuora__OpportunityName__c,
     Zuora__SubscriptionNumber__c
   FROM Zuora__Subscriptions__r
   WHERE Zuora__Status__c = 'Active'),
  (SELECT
     Name,
     Zuora__SoldToWorkEmail__c
   FROM Zuora__R00N40000001kyLcEAI__r
   WHERE IsDeleted = false)
FROM Account
WHERE
  (Account.Type IN ('Customer', 'Former Customer') OR
   Account.Account_ID_18__c = '0014M00001sGJ8xQAG') OR
  (Account.Type = 'Partner' AND
   Account.Partners_Partner_Status__c IN ('Authorized', 'Former') AND
   Account.Partners_Partner_Type__c IN ('Alliance', 'Channel') AND
   Account.Partner_Track__c IN ('Open', 'Select', 'Technology')
  )`;

const FEDERAL_ORGS = `SELECT
  Account.Account_ID_18__c,
  Account.Name,
  Account.CARR_This_Account__c,
  Account.Ultimate_Parent_Sales_Segment_Employees__c,
  Account.Account_Owner_Calc__c,
  Account.Number_of_Licenses_This_Account__c,
  Account.Type,
  Account.Technical_Account_Manager_Name__c,
  Account.Support_Level__c,
  Account.Region__c,
  Account.GS_Health_Score_Color__c,
  Account.Next_Renewal_Date__c,
  Solutions_Architect_Lookup__r.Name,
  (SELECT
     Current_Subscription_Status__c,
     Current_Term_End_Date__c,
     Current_Term_Start_Date__c,
     Entitled_Seats__c,
     Product_Tier_Name_Short__c,
     Plan_Name__c
   FROM Customer_Subscriptions__r
   WHERE Current_Subscription_Status__c = 'Active'),
   (SELECT
      Name,
      Zuora__Status__c,
      Zuora__SubscriptionEndDate__c,
      Zuora__SubscriptionStartDate__c,
      Support_Level__c,
      Zuora__OpportunityName__c,
      Zuora__SubscriptionNumber__c
    FROM Zuora__Subscriptions__r
    WHERE Zuora__Status__c = 'Active')
FROM Account
WHERE
Type IN ('Customer', 'Former Customer', 'Prospect') AND
Account_Territory__c LIKE 'USPUB-FED%'`;

const FEDERAL_USERS = `SELECT
  Contact.Name,
  Contact.Email,
  Account.Account_ID_18__c,
  Account.Name,
  Contact.Inactive_Contact__c
FROM Contact
WHERE
  Contact.Inactive_Contact__c = false AND
  Account.Type IN ('Customer', 'Former Customer', 'Prospect') AND
  Account.Account_Territory__c LIKE 'USPUB_FED%'`;

const id = (prefix: string, n: number): string => `${prefix}SB${String(n).padStart(13, '0')}`;
const ACC = (n: number): string => id('001', n);

function account(n: number, fields: Record<string, unknown>): Record<string, unknown> & { Id: string } {
  return {
    Id: ACC(n),
    Account_ID_18__c: ACC(n),
    Name: `Account ${n}`,
    CARR_This_Account__c: 1000 * n,
    Ultimate_Parent_Sales_Segment_Employees__c: 'SMB',
    Account_Owner_Calc__c: 'Owner Person',
    Number_of_Licenses_This_Account__c: n,
    Type: 'Customer',
    Technical_Account_Manager_Name__c: null,
    Account_Demographics_Geo__c: 'EMEA',
    GS_Health_Score_Color__c: 'Green',
    Next_Renewal_Date__c: '2027-01-01',
    Restricted_Account__c: false,
    Partners_Partner_Status__c: null,
    Partners_Partner_Type__c: null,
    Partner_Track__c: null,
    Support_Level__c: 'Priority',
    Region__c: 'AMER',
    Account_Territory__c: 'EMEA-SMB',
    Solutions_Architect_Lookup__c: null,
    ...fields,
  };
}

const SPECIAL = '0014M00001sGJ8xQAG';

function gitlabOrg(): SalesforceSeed {
  return {
    User: [{ Id: id('005', 1), Name: 'Sam Architect' }],
    Account: [
      account(1, {}),
      account(2, { Type: 'Former Customer', Account_Territory__c: 'USPUB-FED-CIV', Solutions_Architect_Lookup__c: id('005', 1) }),
      account(3, { Type: 'Prospect', Account_Territory__c: 'USPUBXFED-DOD' }),
      account(4, { Type: 'Partner', Partners_Partner_Status__c: 'Authorized', Partners_Partner_Type__c: 'Alliance', Partner_Track__c: 'Select' }),
      account(5, { Type: 'Partner', Partners_Partner_Status__c: 'Authorized', Partners_Partner_Type__c: 'Alliance', Partner_Track__c: 'Unknown' }),
      { ...account(6, { Type: 'Other' }), Id: SPECIAL, Account_ID_18__c: SPECIAL },
      account(7, { Type: 'Other', Account_Territory__c: 'USPUB-FED-CIV' }),
    ],
    Contact: [
      { Id: id('003', 1), Name: 'Fed One', Email: 'one@fed.test', AccountId: ACC(2), Inactive_Contact__c: false },
      { Id: id('003', 2), Name: 'Fed Two', Email: 'two@fed.test', AccountId: ACC(3), Inactive_Contact__c: false },
      { Id: id('003', 3), Name: 'Fed Inactive', Email: 'off@fed.test', AccountId: ACC(2), Inactive_Contact__c: true },
      { Id: id('003', 4), Name: 'Global', Email: 'g@x.test', AccountId: ACC(1), Inactive_Contact__c: false },
      { Id: id('003', 5), Name: 'Other type', Email: 'o@x.test', AccountId: ACC(7), Inactive_Contact__c: false },
    ],
    Customer_Subscription__c: [
      { Id: id('a0C', 1), Account__c: ACC(1), Current_Subscription_Status__c: 'Active', Current_Term_Start_Date__c: '2026-01-01', Current_Term_End_Date__c: '2027-01-01', Entitled_Seats__c: 25, Product_Tier_Name_Short__c: 'Ultimate', Plan_Name__c: 'Ultimate SaaS' },
      { Id: id('a0C', 2), Account__c: ACC(1), Current_Subscription_Status__c: 'Cancelled', Current_Term_Start_Date__c: '2024-01-01', Current_Term_End_Date__c: '2025-01-01', Entitled_Seats__c: 5, Product_Tier_Name_Short__c: 'Premium', Plan_Name__c: 'Premium SaaS' },
      { Id: id('a0C', 3), Account__c: ACC(2), Current_Subscription_Status__c: 'Active', Current_Term_Start_Date__c: '2026-03-01', Current_Term_End_Date__c: '2027-03-01', Entitled_Seats__c: 50, Product_Tier_Name_Short__c: 'Premium', Plan_Name__c: 'Premium Self-Managed' },
    ],
    Zuora__Subscription__c: [
      { Id: id('a0Z', 1), Name: 'A-S0001', Zuora__Account__c: ACC(1), Zuora__Status__c: 'Active', Zuora__SubscriptionStartDate__c: '2026-01-01', Zuora__SubscriptionEndDate__c: '2027-01-01', Support_Level__c: 'Priority', Zuora__OpportunityName__c: 'Renewal 2026', Zuora__SubscriptionNumber__c: 'A-S0001' },
      { Id: id('a0Z', 2), Name: 'A-S0002', Zuora__Account__c: ACC(1), Zuora__Status__c: 'Expired', Zuora__SubscriptionStartDate__c: '2024-01-01', Zuora__SubscriptionEndDate__c: '2025-01-01', Support_Level__c: 'Standard', Zuora__OpportunityName__c: 'New 2024', Zuora__SubscriptionNumber__c: 'A-S0002' },
    ],
    Zuora__CustomerAccount__c: [
      { Id: id('a0Y', 1), Name: 'Billing 1', Zuora__Account__c: ACC(1), Zuora__SoldToWorkEmail__c: 'buyer@one.test', IsDeleted: false },
      { Id: id('a0Y', 2), Name: 'Billing 1 old', Zuora__Account__c: ACC(1), Zuora__SoldToWorkEmail__c: 'old@one.test', IsDeleted: true },
      { Id: id('a0Y', 3), Name: 'Billing 4', Zuora__Account__c: ACC(4), Zuora__SoldToWorkEmail__c: 'partner@four.test' },
    ],
    describe: {
      Account: {
        fields: [
          { name: 'Id', type: 'id' },
          { name: 'Name', type: 'string' },
          { name: 'Solutions_Architect_Lookup__c', type: 'reference', referenceTo: ['User'], relationshipName: 'Solutions_Architect_Lookup__r' },
        ],
        childRelationships: [
          { relationshipName: 'Customer_Subscriptions__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' },
          { relationshipName: 'Zuora__Subscriptions__r', childSObject: 'Zuora__Subscription__c', field: 'Zuora__Account__c' },
          { relationshipName: 'Zuora__R00N40000001kyLcEAI__r', childSObject: 'Zuora__CustomerAccount__c', field: 'Zuora__Account__c' },
        ],
      },
    },
  };
}

const db = new SfDatabase(gitlabOrg());
const byId = (records: SfRecord[]): Record<string, SfRecord> => Object.fromEntries(records.map((r) => [r.Account_ID_18__c as string, r]));

describe("GitLab's queries (seed 003), as written", () => {
  it('global organizations: customers, the named account, qualifying partners, with three child subqueries', () => {
    const { records } = evaluateQuery(db, GLOBAL_ORGS);
    const got = byId(records);
    expect(Object.keys(got).sort()).toEqual([ACC(1), ACC(2), ACC(4), SPECIAL].sort());
    const one = got[ACC(1)];
    // self-prefixed fields come back unprefixed, in the order selected
    expect(Object.keys(one).slice(0, 4)).toEqual(['attributes', 'Account_ID_18__c', 'Name', 'CARR_This_Account__c']);
    expect(one.Customer_Subscriptions__r).toEqual({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Customer_Subscription__c', url: `/services/data/v62.0/sobjects/Customer_Subscription__c/${id('a0C', 1)}` },
          Current_Subscription_Status__c: 'Active',
          Current_Term_End_Date__c: '2027-01-01',
          Current_Term_Start_Date__c: '2026-01-01',
          Entitled_Seats__c: 25,
          Product_Tier_Name_Short__c: 'Ultimate',
          Plan_Name__c: 'Ultimate SaaS',
        },
      ],
    });
    expect((one.Zuora__Subscriptions__r as { records: SfRecord[] }).records.map((r) => r.Name)).toEqual(['A-S0001']);
    expect(one.Zuora__R00N40000001kyLcEAI__r).toMatchObject({ totalSize: 1, records: [{ Name: 'Billing 1', Zuora__SoldToWorkEmail__c: 'buyer@one.test' }] });
    expect(got[ACC(4)].Customer_Subscriptions__r).toBeNull();
    expect(got[ACC(4)].Zuora__R00N40000001kyLcEAI__r).toMatchObject({ records: [{ Zuora__SoldToWorkEmail__c: 'partner@four.test' }] });
    expect(got[SPECIAL].Type).toBe('Other');
  });

  it("US federal organizations: LIKE 'USPUB-FED%' and a custom lookup's Name", () => {
    const { records } = evaluateQuery(db, FEDERAL_ORGS);
    expect(records.map((r) => r.Account_ID_18__c)).toEqual([ACC(2)]);
    expect(records[0].Solutions_Architect_Lookup__r).toMatchObject({ attributes: { type: 'User' }, Name: 'Sam Architect' });
    expect(records[0].Customer_Subscriptions__r).toMatchObject({ totalSize: 1, records: [{ Entitled_Seats__c: 50 }] });
    expect(records[0].Zuora__Subscriptions__r).toBeNull();
  });

  it("US federal users: Contact.-prefixed fields, parent filters, and '_' matching any one character", () => {
    const { records } = evaluateQuery(db, FEDERAL_USERS);
    expect(records.map((r) => r.Name).sort()).toEqual(['Fed One', 'Fed Two']);
    const one = records.find((r) => r.Name === 'Fed One') as SfRecord;
    expect(one).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id('003', 1)}` },
      Name: 'Fed One',
      Email: 'one@fed.test',
      Account: { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${ACC(2)}` }, Account_ID_18__c: ACC(2), Name: 'Account 2' },
      Inactive_Contact__c: false,
    });
  });

  describe('through jsforce', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startSalesforce(gitlabOrg());
    });
    afterAll(async () => {
      await server.close();
    });

    it('answers all three queries over HTTP', async () => {
      const conn = new Connection({ instanceUrl: server.url, accessToken: 'token', version: '62.0' });
      const global = await conn.query(GLOBAL_ORGS, { autoFetch: true, maxFetch: 1_000_000 });
      expect(global.totalSize).toBe(4);
      const federal = await conn.query(FEDERAL_ORGS);
      expect(federal.records.map((r) => r.Account_ID_18__c)).toEqual([ACC(2)]);
      const users = await conn.query(FEDERAL_USERS);
      expect(users.totalSize).toBe(2);
    });
  });
});
