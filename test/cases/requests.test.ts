// Request counts of Case writes and reads against the sandbox (the figures behind choosing sObject Collections
// over Bulk API 2.0 ingest, docs/cases.md): counted requests, not time.
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceCaseAdapter } from '../../src/salesforce/case-writer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { casesSeed } from './sandbox-seed.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: casesSeed(), port: 0 });
});
afterAll(async () => sandbox.close());

const UPSERT = 'PATCH /services/data/v{version}/composite/sobjects/Case/Zendesk_Ticket_Id__c';
const QUERY = 'GET /services/data/v{version}/query';

function adapter() {
  const conn = new Connection({ instanceUrl: sandbox.salesforceUrl(), accessToken: 'sandbox', version: '62.0', logLevel: 'NONE' });
  return new SalesforceCaseAdapter(conn, { name: 'sandbox', login_url: sandbox.salesforceUrl(), api_version: '62.0', auth: { method: 'access_token', token: 'sandbox' } });
}

describe('Case request counts', () => {
  it.each([
    [1, 1, 1],
    [200, 1, 1],
    [201, 2, 1],
    [1000, 5, 4],
  ])('%i Cases: %i upsert requests, %i existing-Case queries, and the same again (idempotent) with no new Case', async (n, upserts, queries) => {
    sandbox.reset(casesSeed());
    const a = adapter();
    const records = Array.from({ length: n }, (_v, i) => ({ Zendesk_Ticket_Id__c: String(i + 1), Subject: `T${i + 1}`, Product__c: 'x' }));
    const first = await a.upsert('Zendesk_Ticket_Id__c', records);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    expect(sandbox.stats().requests[UPSERT]).toBe(upserts);
    await a.readCasesByKeys('Zendesk_Ticket_Id__c', records.map((r) => r.Zendesk_Ticket_Id__c), ['Subject']);
    expect(sandbox.stats().requests[QUERY]).toBe(queries);
    const again = await a.upsert('Zendesk_Ticket_Id__c', records);
    expect(again.every((r) => r.ok && r.created === false)).toBe(true);
    expect(sandbox.stats().requests[UPSERT]).toBe(2 * upserts);
    expect(sandbox.state().salesforce?.Case).toHaveLength(n);
  });
});
