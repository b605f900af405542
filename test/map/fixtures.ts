// Plain data for the map tests: a small company modelled on the demo fixture (fixtures/demo) and on GitLab's
// queries (seed 003): accounts with an owner, active subscriptions and sold-to contacts, contacts and leads.
import type { Mapping, Sync } from '../../src/model/config.js';
import type { SfRecord, SourceData } from '../../src/model/salesforce.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';

export const pos = (line: number, col: number) => ({ file: 'sync.yaml', line, col });

export const fieldMapping = (name: string, from: string, extra: Partial<Extract<Mapping, { kind: 'field' }>> = {}): Mapping => ({
  kind: 'field',
  from,
  name,
  ...extra,
});

export function makeSync(overrides: { organizations?: Partial<NonNullable<Sync['organizations']>>; users?: Partial<NonNullable<Sync['users']>> | null } = {}): Sync {
  const o = 'syncs.global.organizations';
  const u = 'syncs.global.users';
  const sync: Sync = {
    name: 'global',
    from: 'production',
    to: 'global',
    protected: { external_ids: [], names: [], domains: [] },
    organizations: {
      match: 'external_id',
      adopt_by_name: true,
      name: fieldMapping(`${o}.name`, 'Name', { pos: pos(20, 13) }),
      domain_names: fieldMapping(`${o}.domain_names`, 'Domain_Mapping__c', { pos: pos(21, 21) }),
      notes: fieldMapping(`${o}.notes`, 'Description', { pos: pos(22, 14) }),
      fields: {
        salesforce_id: fieldMapping(`${o}.fields.salesforce_id`, 'Account_ID_18__c', { pos: pos(24, 24) }),
        account_owner: fieldMapping(`${o}.fields.account_owner`, 'Owner.Name', { pos: pos(25, 24) }),
        health: fieldMapping(`${o}.fields.health`, 'GS_Health_Score_Color__c', {
          map: { Green: 'healthy', Yellow: 'watch', Red: 'at_risk' },
          default: 'unknown',
          pos: pos(26, 17),
        }),
        seats: fieldMapping(`${o}.fields.seats`, 'Customer_Subscriptions__r.Entitled_Seats__c', { aggregate: 'sum', pos: pos(27, 16) }),
        renewal_date: fieldMapping(`${o}.fields.renewal_date`, 'Next_Renewal_Date__c', { pos: pos(28, 23) }),
        plan: fieldMapping(`${o}.fields.plan`, 'Customer_Subscriptions__r.Plan_Name__c', { aggregate: 'join', pos: pos(29, 15) }),
      },
      include: [{ relationship: 'Customer_Subscriptions__r', where: "Current_Subscription_Status__c = 'Active'", fields: [], pos: pos(31, 9) }],
      tags: { prefix: 'sf_', from: ['Type', 'Account_Demographics_Geo__c'], static: ['salesforce'], pos: pos(32, 13) },
      ...overrides.organizations,
    },
    users:
      overrides.users === null
        ? undefined
        : {
            sources: [{ object: 'Contact', where: 'Inactive_Contact__c = false' }, { object: 'Lead', where: 'IsConverted = false' }],
            match: 'email',
            email: 'Email',
            name: fieldMapping(`${u}.name`, 'Name', { pos: pos(40, 13) }),
            fields: {
              salesforce_contact_id: fieldMapping(`${u}.fields.salesforce_contact_id`, 'Id', { pos: pos(42, 32) }),
              job_title: fieldMapping(`${u}.fields.job_title`, 'Title', { pos: pos(43, 20) }),
            },
            tags: { prefix: 'sf_title_', from: ['Title'], static: [] },
            verify_email: false,
            relationships: { primary: true, secondary: false },
            ...overrides.users,
          },
  };
  return sync;
}

export const organizationFields: ZdFieldDef[] = [
  { id: 360001, key: 'salesforce_id', type: 'text', title: 'Salesforce Id', active: true },
  { id: 360002, key: 'account_owner', type: 'text', title: 'Account owner', active: true },
  {
    id: 360003,
    key: 'health',
    type: 'dropdown',
    title: 'Health',
    active: true,
    custom_field_options: [
      { id: 1, name: 'Healthy', value: 'healthy' },
      { id: 2, name: 'Watch', value: 'watch' },
      { id: 3, name: 'At risk', value: 'at_risk' },
      { id: 4, name: 'Unknown', value: 'unknown' },
    ],
  },
  { id: 360004, key: 'seats', type: 'integer', title: 'Entitled seats', active: true },
  { id: 360005, key: 'renewal_date', type: 'date', title: 'Next renewal', active: true },
  { id: 360006, key: 'plan', type: 'text', title: 'Plan', active: true },
  { id: 360007, key: 'legacy_tier', type: 'text', title: 'Legacy tier', active: false },
  { id: 360008, key: 'restricted', type: 'checkbox', title: 'Restricted', active: true },
  { id: 360009, key: 'arr', type: 'decimal', title: 'ARR', active: true },
  { id: 360010, key: 'products', type: 'multiselect', title: 'Products', active: true },
  { id: 360011, key: 'code', type: 'regexp', title: 'Code', active: true },
  { id: 360012, key: 'summary', type: 'textarea', title: 'Summary', active: true },
];

export const userFields: ZdFieldDef[] = [
  { id: 370001, key: 'salesforce_contact_id', type: 'text', title: 'Salesforce contact', active: true },
  { id: 370002, key: 'job_title', type: 'text', title: 'Job title', active: true },
  { id: 370003, key: 'decision_maker', type: 'checkbox', title: 'Decision maker', active: true },
];

export const sfDescribe: SourceData['describe'] = {
  Account: {
    name: 'Account',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Type', type: 'picklist' },
      { name: 'Account_ID_18__c', type: 'string' },
      { name: 'Account_Number__c', type: 'string', autoNumber: true },
      { name: 'Account_Demographics_Geo__c', type: 'picklist' },
      { name: 'GS_Health_Score_Color__c', type: 'picklist' },
      { name: 'Next_Renewal_Date__c', type: 'date' },
      { name: 'Domain_Mapping__c', type: 'string' },
      { name: 'Description', type: 'textarea' },
      { name: 'Restricted_Account__c', type: 'boolean' },
      { name: 'CARR_This_Account__c', type: 'currency', scale: 2 },
      { name: 'Number_of_Licenses_This_Account__c', type: 'double', scale: 0 },
      { name: 'Employees_Share__c', type: 'percent', scale: 2 },
      { name: 'Products__c', type: 'multipicklist' },
      { name: 'HQ__c', type: 'location' },
      { name: 'Website', type: 'url' },
      { name: 'Phone', type: 'phone' },
      { name: 'Support_Email__c', type: 'email' },
      { name: 'LastActivity__c', type: 'datetime' },
      { name: 'Logo__c', type: 'base64' },
      { name: 'OwnerId', type: 'reference', relationshipName: 'Owner', referenceTo: ['User'] },
      { name: 'ParentId', type: 'reference', relationshipName: 'Parent', referenceTo: ['Account'] },
    ],
    childRelationships: [
      { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
      { relationshipName: 'Customer_Subscriptions__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' },
      { relationshipName: 'Zuora__R00N40000001kyLcEAI__r', childSObject: 'Zuora__CustomerAccount__c', field: 'Zuora__Account__c' },
    ],
  },
  User: { name: 'User', fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }] },
  Customer_Subscription__c: {
    name: 'Customer_Subscription__c',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Entitled_Seats__c', type: 'double', scale: 0 },
      { name: 'Seat_Fraction__c', type: 'double', scale: 2 },
      { name: 'Plan_Name__c', type: 'string' },
      { name: 'Current_Term_End_Date__c', type: 'date' },
      { name: 'Product_Tier__c', type: 'picklist' },
    ],
  },
  Zuora__CustomerAccount__c: {
    name: 'Zuora__CustomerAccount__c',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Zuora__SoldToWorkEmail__c', type: 'email' },
    ],
  },
  Contact: {
    name: 'Contact',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'Phone', type: 'phone' },
      { name: 'Decision_Maker__c', type: 'boolean' },
      { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
  Lead: {
    name: 'Lead',
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'Company', type: 'string' },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
};

const subs = (...rows: Record<string, unknown>[]) => ({
  totalSize: rows.length,
  done: true,
  records: rows.map((r) => ({ attributes: { type: 'Customer_Subscription__c' }, ...r })),
});

export const accounts: SfRecord[] = [
  {
    attributes: { type: 'Account' },
    Id: '0015g0000000001AAA',
    Name: '  Acme   Industries ',
    Type: 'Customer',
    Account_ID_18__c: '0015g0000000001AAA',
    Account_Demographics_Geo__c: 'North America',
    GS_Health_Score_Color__c: 'Green',
    Next_Renewal_Date__c: '2028-01-04',
    Domain_Mapping__c: 'acme.example, ACME-industries.example',
    Description: 'Key account.\r\nEscalate to Alex.',
    Owner: { attributes: { type: 'User' }, Name: 'Alex Morgan' },
    Customer_Subscriptions__r: subs(
      { Id: 'a0S1', Entitled_Seats__c: 150, Plan_Name__c: 'Premium SaaS' },
      { Id: 'a0S2', Entitled_Seats__c: 45, Plan_Name__c: 'Ultimate Self-Managed' },
    ),
    Zuora__R00N40000001kyLcEAI__r: {
      totalSize: 3,
      done: true,
      records: [
        { attributes: { type: 'Zuora__CustomerAccount__c' }, Id: 'a0Z1', Name: 'Pat Buyer', Zuora__SoldToWorkEmail__c: ' Pat.Buyer@Acme.example ' },
        { attributes: { type: 'Zuora__CustomerAccount__c' }, Id: 'a0Z2', Name: 'No Mail', Zuora__SoldToWorkEmail__c: null },
        { attributes: { type: 'Zuora__CustomerAccount__c' }, Id: 'a0Z3', Name: null, Zuora__SoldToWorkEmail__c: 'pat.buyer@acme.example' },
      ],
    },
  },
  {
    attributes: { type: 'Account' },
    Id: '0015g0000000002AAA',
    Name: 'Black Mesa Pharma',
    Type: 'Former Customer',
    Account_ID_18__c: '0015g0000000002AAA',
    Account_Demographics_Geo__c: null,
    GS_Health_Score_Color__c: 'Purple',
    Next_Renewal_Date__c: null,
    Domain_Mapping__c: null,
    Description: null,
    Owner: null,
    Customer_Subscriptions__r: null,
    Zuora__R00N40000001kyLcEAI__r: null,
  },
  {
    attributes: { type: 'Account' },
    Id: '0015g0000000003AAA',
    Name: 'Cyberdyne Partners',
    Type: 'Partner',
    Account_ID_18__c: '0015g0000000003AAA',
    Account_Demographics_Geo__c: 'EMEA',
    GS_Health_Score_Color__c: 'Red',
    Next_Renewal_Date__c: 'soon',
    Domain_Mapping__c: 'cyberdyne.example',
    Description: '',
    Owner: { Name: 'Sam Lee' },
    Customer_Subscriptions__r: subs({ Id: 'a0S3', Entitled_Seats__c: 12.5, Plan_Name__c: 'Partner' }),
    Zuora__R00N40000001kyLcEAI__r: null,
  },
  {
    attributes: { type: 'Account' },
    Id: '0015g0000000004AAA',
    Name: '   ',
    Type: 'Customer',
    Owner: null,
    Customer_Subscriptions__r: null,
    Zuora__R00N40000001kyLcEAI__r: null,
  },
];

export const people: SfRecord[] = [
  {
    attributes: { type: 'Contact' },
    Id: '0035g0000000001AAA',
    Name: 'Ann Lee',
    Email: ' Ann.Lee@Acme.example',
    Title: 'VP Engineering',
    Phone: '+1 555 0100',
    AccountId: '0015g0000000001AAA',
    Account: { attributes: { type: 'Account' }, Name: 'Acme Industries' },
    CreatedDate: '2023-01-02T10:00:00.000+0000',
  },
  {
    attributes: { type: 'Contact' },
    Id: '0035g0000000002AAA',
    Name: 'Bob Noaccount',
    Email: 'not-an-email',
    Title: null,
    AccountId: null,
    Account: null,
    CreatedDate: '2023-02-02T10:00:00.000+0000',
  },
  {
    attributes: { type: 'Lead' },
    Id: '00Q5g0000000001AAA',
    Name: null,
    Email: 'ines@prospect.example',
    Title: 'Procurement',
    CreatedDate: '2026-04-17T12:00:00.000+0000',
  },
];
