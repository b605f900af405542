import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertCaseConfig, caseDescribeProblems, formatCaseProblem } from '../../src/cases/describe-check.js';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { SfObjectDescribe } from '../../src/model/salesforce.js';

const caseDescribe: SfObjectDescribe = {
  name: 'Case',
  fields: [
    { name: 'Id', type: 'id', createable: false, updateable: false },
    { name: 'CaseNumber', type: 'string', autoNumber: true, createable: false, updateable: false },
    { name: 'Subject', type: 'string', createable: true, updateable: true, length: 255 },
    { name: 'Description', type: 'textarea', createable: true, updateable: true },
    { name: 'Status', type: 'picklist', createable: true, updateable: true, picklistValues: ['New', 'Working', 'Escalated', 'Closed'].map((value) => ({ value, active: true })) },
    { name: 'Origin', type: 'picklist', createable: true, updateable: true, picklistValues: ['Email', 'Phone', 'Web', 'Zendesk'].map((value) => ({ value, active: true })) },
    { name: 'Priority', type: 'picklist', createable: true, updateable: true, picklistValues: ['High', 'Medium', 'Low'].map((value) => ({ value })) },
    { name: 'IsEscalated', type: 'boolean', createable: true, updateable: true },
    { name: 'IsClosed', type: 'boolean', createable: false, updateable: false, calculated: false },
    { name: 'AccountId', type: 'reference', referenceTo: ['Account'], createable: true, updateable: true },
    { name: 'ContactId', type: 'reference', referenceTo: ['Contact'], createable: true, updateable: true },
    { name: 'Zendesk_Ticket_Id__c', type: 'string', externalId: true, unique: true, createable: true, updateable: true },
    { name: 'Zendesk_Note__c', type: 'string', createable: true, updateable: true },
    { name: 'Age__c', type: 'double', calculated: true, createable: false, updateable: false },
  ],
};

async function config(cases: string) {
  const dir = mkdtempSync(join(tmpdir(), 'zdsf-cases-'));
  const file = join(dir, 'sync.yaml');
  writeFileSync(
    file,
    `version: 1
salesforce: { p: { auth: { method: access_token, token: "\${T}" } } }
zendesk: { z: { subdomain: x, auth: { method: oauth, token: "\${T}" } } }
syncs:
  s:
    from: p
    to: z
    users: { sources: [{ object: Contact }] }
    cases:
${cases}`,
  );
  const c = await loadConfigOrThrow({ file, env: { T: 't' } });
  return { file, sync: c.syncs[0] };
}

describe('caseDescribeProblems', () => {
  it('accepts a config zdsf can write', async () => {
    const { sync } = await config(`      ticket_id_field: Zendesk_Ticket_Id__c
      status_map: { new: New, open: Working, pending: Working, hold: Escalated, solved: Closed, closed: Closed }
      fields: { Subject: subject, Origin: { value: Zendesk }, Priority: { from: priority, map: { urgent: High }, default: Medium } }
`);
    expect(sync.cases?.contact).toBe(true);
    expect(caseDescribeProblems('s', sync.cases!, caseDescribe, 'p')).toEqual([]);
    expect(() => assertCaseConfig('s', sync.cases!, caseDescribe, 'p')).not.toThrow();
  });

  it('names each bad mapping and its sync.yaml line: missing, not writable, not an external id, unknown status, bad constants', async () => {
    const { file, sync } = await config(`      ticket_id_field: Zendesk_Note__c
      status_map: { new: New, open: Open, pending: New, hold: New, solved: Closed, closed: Closed }
      fields:
        Subjekt: subject
        IsClosed: { value: true }
        Age__c: id
        Origin: { value: Zendeks }
        IsEscalated: { value: "yes" }
        CaseNumber: id
        AccountId_Text: id
`);
    const lines = caseDescribeProblems('s', sync.cases!, caseDescribe, 'p').map(formatCaseProblem);
    expect(lines).toEqual([
      `${file}:10:24: syncs.s.cases.ticket_id_field: Zendesk_Note__c on Case in Salesforce instance p is not an External ID field: upserts are keyed by it; tick "External ID" (and "Unique") on the field`,
      `${file}:13:18: syncs.s.cases.fields.Subjekt: Case in Salesforce instance p has no field Subjekt`,
      `${file}:14:19: syncs.s.cases.fields.IsClosed: IsClosed on Case in Salesforce instance p is not writable (neither createable nor updateable for the integration user)`,
      `${file}:15:17: syncs.s.cases.fields.Age__c: Age__c on Case in Salesforce instance p is a formula field`,
      `${file}:16:17: syncs.s.cases.fields.Origin: "Zendeks" is not a value of the Origin picklist (Email, Phone, Web, Zendesk)`,
      `${file}:17:22: syncs.s.cases.fields.IsEscalated: IsEscalated is a checkbox: "yes" is not true or false`,
      `${file}:18:21: syncs.s.cases.fields.CaseNumber: CaseNumber on Case in Salesforce instance p is an auto number`,
      `${file}:19:25: syncs.s.cases.fields.AccountId_Text: Case in Salesforce instance p has no field AccountId_Text (did you mean AccountId?)`,
      `${file}:11:37: syncs.s.cases.status_map.open: "Open" is not a Case Status in Salesforce instance p (values: New, Working, Escalated, Closed)`,
    ]);
    expect(() => assertCaseConfig('s', sync.cases!, caseDescribe, 'p')).toThrow(/9 problems\); nothing was written:\n/);
  });

  it('refuses a ticket id field that does not exist, and a ContactId the user cannot write', async () => {
    const { file, sync } = await config(`      ticket_id_field: Ticket__c
      status_map: { new: New, open: New, pending: New, hold: New, solved: Closed, closed: Closed }
      contact: true
`);
    const readOnlyContact: SfObjectDescribe = { ...caseDescribe, fields: caseDescribe.fields.map((f) => (f.name === 'ContactId' ? { ...f, updateable: false } : f)) };
    expect(caseDescribeProblems('s', sync.cases!, readOnlyContact, 'p').map(formatCaseProblem)).toEqual([
      `${file}:10:24: syncs.s.cases.ticket_id_field: Case in Salesforce instance p has no field Ticket__c (did you mean Zendesk_Ticket_Id__c?); create it as a Text External ID field (Unique), e.g. Zendesk_Ticket_Id__c`,
      `${file}:12:16: syncs.s.cases.contact: ContactId on Case in Salesforce instance p is not updateable (the integration user cannot change it); set contact: false or grant the integration user edit access`,
    ]);
  });
});
