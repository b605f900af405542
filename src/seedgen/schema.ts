// The schema every generated seed shares: the Zendesk organization and user fields, and the describe of the
// Salesforce objects and fields the generated records carry. Static data, apart from generate.ts's records so
// that the generator reads as logic; re-exported from generate.ts.
import type { ZdFieldDef } from '../model/zendesk.js';

export const ORGANIZATION_FIELDS: ZdFieldDef[] = [
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
];

export const USER_FIELDS: ZdFieldDef[] = [
  { id: 370001, key: 'salesforce_contact_id', type: 'text', title: 'Salesforce contact', active: true },
  { id: 370002, key: 'job_title', type: 'text', title: 'Job title', active: true },
];

export const DESCRIBE = {
  Account: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Type', type: 'picklist' },
      { name: 'Account_ID_18__c', type: 'string' },
      { name: 'Partners_Partner_Status__c', type: 'picklist' },
      { name: 'Account_Demographics_Geo__c', type: 'picklist' },
      { name: 'GS_Health_Score_Color__c', type: 'picklist' },
      { name: 'Next_Renewal_Date__c', type: 'date' },
      { name: 'Domain_Mapping__c', type: 'string' },
      { name: 'Description', type: 'textarea' },
      { name: 'Number_of_Licenses_This_Account__c', type: 'double', scale: 0 },
      { name: 'OwnerId', type: 'reference', relationshipName: 'Owner', referenceTo: ['User'] },
      { name: 'CreatedDate', type: 'datetime' },
    ],
    childRelationships: [
      { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
      { relationshipName: 'Customer_Subscriptions__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' },
      { relationshipName: 'AccountContactRelations', childSObject: 'AccountContactRelation', field: 'AccountId' },
    ],
  },
  Contact: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'FirstName', type: 'string' },
      { name: 'LastName', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'Phone', type: 'phone' },
      { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] },
      { name: 'Inactive_Contact__c', type: 'boolean' },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
  Lead: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'Company', type: 'string' },
      { name: 'IsConverted', type: 'boolean' },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
  User: { fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }] },
  Customer_Subscription__c: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Account__c', type: 'reference', relationshipName: 'Account__r', referenceTo: ['Account'] },
      { name: 'Current_Subscription_Status__c', type: 'picklist' },
      { name: 'Entitled_Seats__c', type: 'double', scale: 0 },
      { name: 'Product_Tier_Name_Short__c', type: 'string' },
      { name: 'Plan_Name__c', type: 'string' },
      { name: 'Current_Term_Start_Date__c', type: 'date' },
      { name: 'Current_Term_End_Date__c', type: 'date' },
    ],
  },
  AccountContactRelation: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] },
      { name: 'ContactId', type: 'reference', relationshipName: 'Contact', referenceTo: ['Contact'] },
      { name: 'IsDirect', type: 'boolean' },
      { name: 'IsActive', type: 'boolean' },
    ],
  },
  // the Case fields the demo sync's cases section writes (issue 18), as in fixtures/demo/seed.json
  Case: {
    fields: [
      { name: 'Zendesk_Ticket_Id__c', type: 'string', label: 'Zendesk Ticket Id', externalId: true, unique: true, length: 40 },
      {
        name: 'Status',
        type: 'picklist',
        picklistValues: ['New', 'Working', 'Escalated', 'Closed'].map((value) => ({ value, active: true })),
      },
      { name: 'Origin', type: 'picklist', picklistValues: ['Email', 'Phone', 'Web', 'Zendesk'].map((value) => ({ value, active: true })) },
      { name: 'Priority', type: 'picklist', picklistValues: ['High', 'Medium', 'Low'].map((value) => ({ value, active: true })) },
    ],
  },
};
