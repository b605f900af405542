// Case upserts through a Bulk API 2.0 ingest job over the sandbox (issue 18): real HTTP, the sandbox's ingest jobs
// (src/sandbox/salesforce/ingest.ts) on the same writes as sObject Collections. A second job for the same tickets
// updates their Cases (never a second Case); a required field sent empty fails its record with
// REQUIRED_FIELD_MISSING from failedResults; a column naming no Case field fails the job.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { SalesforceInstance } from '../../src/model/config.js';
import { createSalesforceWriter } from '../../src/salesforce/writer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { casesSeed } from './sandbox-seed.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sandbox: Sandbox;
let instance: SalesforceInstance;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: casesSeed(), port: 0 });
  const file = join(mkdtempSync(join(tmpdir(), 'zdsf-bulk-')), 'sync.yaml');
  writeFileSync(file, `version: 1
salesforce: { sf: { login_url: "\${URL}", auth: { method: access_token, token: "\${T}", instance_url: "\${URL}" } } }
zendesk: { zd: { url: "\${URL}", auth: { method: oauth, token: "\${T}" } } }
syncs: { s: { from: sf, to: zd, users: { sources: [{ object: Contact }] } } }
`);
  instance = (await loadConfigOrThrow({ file, env: { URL: sandbox.url, T: 'sandbox-token' } })).salesforce.sf;
});
beforeEach(() => sandbox.reset(casesSeed()));
afterAll(async () => sandbox.close());

const writer = () => createSalesforceWriter(instance, { bulkPollIntervalMs: 5, maxAttempts: 2, baseDelayMs: 1 });
const rec = (i: number, extra: Record<string, string | null> = {}) => ({ Zendesk_Ticket_Id__c: String(3000 + i), Subject: `Ticket ${i}`, Status: 'New', Origin: 'Zendesk', Product__c: 'ultimate', ...extra });
const cases = () => (sandbox.state().salesforce?.Case ?? []) as Record<string, unknown>[];
const INGEST = 'POST /services/data/v{version}/jobs/ingest';

describe('Case upserts through a Bulk API 2.0 ingest job (sandbox)', () => {
  it('creates one Case per ticket, and a second job for the same tickets updates them', { timeout: 60_000 }, async () => {
    const before = cases().length;
    const records = Array.from({ length: 450 }, (_v, i) => rec(i));
    const first = await writer().upsert('Zendesk_Ticket_Id__c', records, { bulk: true });
    expect(first.filter((r) => r.ok && r.created === true)).toHaveLength(450);
    expect(cases()).toHaveLength(before + 450);
    expect(sandbox.stats().requests[INGEST]).toBe(1);
    expect(sandbox.stats().requests['PATCH /services/data/v{version}/composite/sobjects/Case/Zendesk_Ticket_Id__c']).toBeUndefined();

    const second = await writer().upsert('Zendesk_Ticket_Id__c', records.map((r) => ({ ...r, Status: 'Closed' })), { bulk: true });
    expect(second.every((r) => r.ok && r.created === false)).toBe(true);
    expect(second[0].id).toBe(first[0].id);
    expect(cases()).toHaveLength(before + 450);
    expect(cases().filter((c) => String(c.Zendesk_Ticket_Id__c).startsWith('3') && c.Status === 'Closed')).toHaveLength(450);
  });

  it('reports REQUIRED_FIELD_MISSING for a record whose required field is sent empty (#N/A), writes the others', { timeout: 60_000 }, async () => {
    const results = await writer().upsert('Zendesk_Ticket_Id__c', [rec(1), rec(2, { Product__c: null })], { bulk: true });
    expect(results[0]).toMatchObject({ key: '3001', ok: true, created: true });
    expect(results[1]).toEqual({ key: '3002', ok: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Product__c]', fields: ['Product__c'] }], attempts: 1 });
    expect(cases().filter((c) => c.Zendesk_Ticket_Id__c === '3002')).toHaveLength(0);
  });

  it('a column naming no Case field fails the job: every record BULK_JOB_FAILED, nothing written', { timeout: 60_000 }, async () => {
    const before = cases().length;
    const results = await writer().upsert('Zendesk_Ticket_Id__c', [rec(1, { Subjekt: 'x' })], { bulk: true });
    expect(results[0].ok).toBe(false);
    expect(results[0].errors[0]).toMatchObject({ statusCode: 'BULK_JOB_FAILED', message: expect.stringContaining('InvalidBatch : Field name not found : Subjekt') });
    expect(cases()).toHaveLength(before);
  });
});
