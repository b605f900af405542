// The sandbox's Salesforce writes over real HTTP: zdsf's Case adapter (sObject Collections upserts) and raw
// requests for the single-record endpoints and Salesforce's error shapes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from 'jsforce';
import { SalesforceCaseAdapter } from '../../../src/salesforce/case-writer.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { ACME, ANN, casesSeed } from '../../cases/sandbox-seed.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: casesSeed(), port: 0 });
});
beforeEach(() => sandbox.reset(casesSeed()));
afterAll(async () => sandbox.close());

const api = (p: string) => `${sandbox.salesforceUrl()}/services/data/v62.0${p}`;
const headers = { Authorization: 'Bearer sandbox', 'Content-Type': 'application/json' };
const send = async (method: string, p: string, body?: unknown) => {
  const res = await fetch(api(p), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as unknown) };
};
function adapter() {
  const conn = new Connection({ instanceUrl: sandbox.salesforceUrl(), accessToken: 'sandbox', version: '62.0', logLevel: 'NONE' });
  return new SalesforceCaseAdapter(conn, { name: 'sandbox', login_url: sandbox.salesforceUrl(), api_version: '62.0', auth: { method: 'access_token', token: 'sandbox' } }, { sleep: async () => undefined });
}
const cases = () => (sandbox.state().salesforce?.Case ?? []) as Record<string, unknown>[];

describe('sandbox Salesforce writes', () => {
  it('describes Case with the external id field and the standard fields\' flags', async () => {
    const d = await adapter().describeCase();
    const f = (n: string) => d.fields.find((x) => x.name === n);
    expect(f('Zendesk_Ticket_Id__c')).toMatchObject({ type: 'string', externalId: true, unique: true, createable: true, updateable: true, length: 40 });
    expect(f('CaseNumber')).toMatchObject({ autoNumber: true, createable: false, updateable: false });
    expect(f('IsClosed')).toMatchObject({ createable: false, updateable: false });
    expect(f('Status')?.picklistValues?.map((p) => p.value)).toEqual(['New', 'Working', 'Escalated', 'Closed']);
  });

  it('upserts Cases by the external id: created, then updated, never a second Case for one key', async () => {
    const a = adapter();
    const rec = (key: string, status: string) => ({ Zendesk_Ticket_Id__c: key, Subject: `Ticket ${key}`, Status: status, AccountId: ACME, ContactId: ANN, Product__c: 'ultimate' });
    const first = await a.upsert('Zendesk_Ticket_Id__c', [rec('123', 'New'), rec('124', 'New')]);
    expect(first.map((r) => [r.key, r.ok, r.created])).toEqual([['123', true, true], ['124', true, true]]);
    const again = await a.upsert('Zendesk_Ticket_Id__c', [rec('123', 'Closed'), rec('124', 'New')]);
    expect(again.map((r) => [r.key, r.ok, r.created, r.id])).toEqual([['123', true, false, first[0].id], ['124', true, false, first[1].id]]);
    expect(cases().map((c) => [c.Zendesk_Ticket_Id__c, c.Status, c.IsClosed])).toEqual([['123', 'Closed', true], ['124', 'New', false]]);
    expect(cases()[0].CaseNumber).toMatch(/^\d{8}$/);
    const read = await a.readCasesByKeys('Zendesk_Ticket_Id__c', ['123', '124', '999'], ['Status', 'AccountId']);
    expect(read.map((c) => [c.Zendesk_Ticket_Id__c, c.Status, c.AccountId])).toEqual([['123', 'Closed', ACME], ['124', 'New', ACME]]);
    expect(typeof read[0].SystemModstamp).toBe('string');
    sandbox.reset();
    expect(cases()).toEqual([]);
  });

  it('keeps the Cases written when Salesforce records change between runs (POST /__sandbox/salesforce/changes)', async () => {
    const a = adapter();
    const rec = (key: string, status: string) => ({ Zendesk_Ticket_Id__c: key, Subject: `Ticket ${key}`, Status: status, AccountId: ACME, ContactId: ANN, Product__c: 'ultimate' });
    const [first] = await a.upsert('Zendesk_Ticket_Id__c', [rec('123', 'New')]);
    const res = await fetch(`${sandbox.url}/__sandbox/salesforce/changes`, { method: 'POST', headers, body: JSON.stringify({ changes: [{ action: 'update', id: ACME, fields: { Name: 'Acme 2' } }] }) });
    expect(res.status).toBe(200);
    // the bug this catches: the change batch rebuilt the org from the seed, and the Case was gone
    const read = await a.readCasesByKeys('Zendesk_Ticket_Id__c', ['123'], ['Status']);
    expect(read.map((c) => [c.Id, c.Status])).toEqual([[first.id, 'New']]);
    const again = await a.upsert('Zendesk_Ticket_Id__c', [rec('123', 'Closed'), rec('124', 'New')]);
    expect(again.map((r) => [r.key, r.created])).toEqual([['123', false], ['124', true]]);
    expect(cases().map((c) => [c.Zendesk_Ticket_Id__c, c.Status])).toEqual([['123', 'Closed'], ['124', 'New']]);
    expect(new Set(cases().map((c) => c.CaseNumber)).size).toBe(2);
  });

  it('answers per-record errors in Salesforce\'s shape: REQUIRED_FIELD_MISSING, INVALID_FIELD_FOR_INSERT_UPDATE, DUPLICATE_VALUE, FIELD_INTEGRITY_EXCEPTION', async () => {
    const r = await send('POST', '/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Case' }, Subject: 'no product', Zendesk_Ticket_Id__c: '1' },
        { attributes: { type: 'Case' }, Subject: 'closed by hand', IsClosed: true, Product__c: 'x', Zendesk_Ticket_Id__c: '2' },
        { attributes: { type: 'Case' }, Subject: 'ok', Product__c: 'x', Zendesk_Ticket_Id__c: '3' },
        { attributes: { type: 'Case' }, Subject: 'dup', Product__c: 'x', Zendesk_Ticket_Id__c: '3' },
        { attributes: { type: 'Case' }, Subject: 'bad account', Product__c: 'x', AccountId: '001SB9999999999999', Zendesk_Ticket_Id__c: '5' },
      ],
    });
    expect(r.status).toBe(200);
    const out = r.body as { success: boolean; errors: { statusCode: string; message: string; fields: string[] }[] }[];
    expect(out.map((x) => (x.success ? 'ok' : x.errors[0].statusCode))).toEqual(['REQUIRED_FIELD_MISSING', 'INVALID_FIELD_FOR_INSERT_UPDATE', 'ok', 'DUPLICATE_VALUE', 'FIELD_INTEGRITY_EXCEPTION']);
    expect(out[0].errors[0]).toEqual({ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Product__c]', fields: ['Product__c'] });
    expect(out[1].errors[0].message).toMatch(/^Unable to create\/update fields: IsClosed\. Please check the security settings/);
    expect(out[3].errors[0].message).toMatch(/^duplicate value found: Zendesk_Ticket_Id__c duplicates value on record with id: 500SB/);
    expect(cases()).toHaveLength(1);
  });

  it('refuses a whole request with an unknown field (400 INVALID_FIELD), an upsert on a field that is not an external id, and more than 200 records', async () => {
    expect(await send('PATCH', '/composite/sobjects/Case/Zendesk_Ticket_Id__c', { allOrNone: false, records: [{ attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: '1', Subjekt: 'x' }] })).toEqual({
      status: 400,
      body: [{ message: "No such column 'Subjekt' on sobject of type Case", errorCode: 'INVALID_FIELD' }],
    });
    expect(await send('PATCH', '/composite/sobjects/Case/Subject', { allOrNone: false, records: [] })).toEqual({
      status: 400,
      body: [{ message: 'Field name provided, Subject is not an External ID or indexed field for Case', errorCode: 'INVALID_FIELD' }],
    });
    const many = Array.from({ length: 201 }, (_v, i) => ({ attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: String(i), Product__c: 'x' }));
    expect((await send('PATCH', '/composite/sobjects/Case/Zendesk_Ticket_Id__c', { allOrNone: false, records: many })).status).toBe(400);
    expect(cases()).toEqual([]);
  });

  it('rolls back with allOrNone: true', async () => {
    const r = await send('POST', '/composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Case' }, Product__c: 'x', Zendesk_Ticket_Id__c: '1' },
        { attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: '2' },
      ],
    });
    const out = r.body as { success: boolean; errors: { statusCode: string }[] }[];
    expect(out.map((x) => x.errors[0]?.statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING']);
    expect(cases()).toEqual([]);
  });

  it('serves the single-record create, update and upsert', async () => {
    const created = await send('POST', '/sobjects/Case', { Subject: 'one', Product__c: 'x', Zendesk_Ticket_Id__c: '9' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(id).toMatch(/^500SB/);
    expect((await send('PATCH', `/sobjects/Case/${id}`, { Status: 'Working' })).status).toBe(204);
    const up = await send('PATCH', '/sobjects/Case/Zendesk_Ticket_Id__c/9', { Status: 'Closed' });
    expect(up).toEqual({ status: 200, body: { id, success: true, errors: [], created: false } });
    const fresh = await send('PATCH', '/sobjects/Case/Zendesk_Ticket_Id__c/10', { Subject: 'two', Product__c: 'x' });
    expect(fresh.status).toBe(201);
    const bad = await send('PATCH', `/sobjects/Case/${id}`, { CaseNumber: '1' });
    expect(bad.status).toBe(400);
    expect((bad.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(cases().map((c) => [c.Zendesk_Ticket_Id__c, c.Status])).toEqual([['9', 'Closed'], ['10', undefined]]);
  });
});
