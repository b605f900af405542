// The Bulk API 2.0 ingest path of Case upserts (issue 18), against nock: the exact requests (job body, CSV, close),
// per-record failures from failedResults, a Failed and an Aborted job, retriable failures re-sent through
// Collections, a job refused at creation, and a job that never finishes.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'jsforce';
import { SalesforceCaseAdapter } from '../../src/salesforce/case-writer.js';
import { ingestCsv, parseSfError } from '../../src/salesforce/bulk-ingest.js';
import { INSTANCE_URL, SECRET_TOKEN, tokenInstance } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const JOBS = '/services/data/v62.0/jobs/ingest';
const JOB = '750SB0000000000001';
const UPSERT = '/services/data/v62.0/composite/sobjects/Case/Zendesk_Ticket_Id__c';

function adapter(extra: { bulkTimeoutMs?: number } = {}) {
  const sleeps: number[] = [];
  const conn = new Connection({ instanceUrl: INSTANCE_URL, accessToken: SECRET_TOKEN, version: '62.0', logLevel: 'NONE' });
  const a = new SalesforceCaseAdapter(conn, tokenInstance(), { sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 10, bulkPollIntervalMs: 5, ...extra });
  return { a, sleeps };
}

const sf = () => nock(INSTANCE_URL, { reqheaders: { authorization: `Bearer ${SECRET_TOKEN}` } });
const rec = (id: number, extra: Record<string, unknown> = {}) => ({ Zendesk_Ticket_Id__c: String(id), Subject: `Ticket ${id}`, Status: 'New', ...extra });
const jobInfo = (state: string, extra: Record<string, unknown> = {}) => ({ id: JOB, operation: 'upsert', object: 'Case', state, externalIdFieldName: 'Zendesk_Ticket_Id__c', contentType: 'CSV', apiVersion: 62, ...extra });

/** nock of create, upload, close; the CSV uploaded is pushed to `uploads` */
function opened(uploads: string[], creates: unknown[] = []) {
  return sf()
    .post(JOBS, (b: unknown) => (creates.push(b), true))
    .reply(200, jobInfo('Open', { contentUrl: `services/data/v62.0/jobs/ingest/${JOB}/batches` }))
    .put(`${JOBS}/${JOB}/batches`, (b: string) => (uploads.push(b), true))
    .matchHeader('content-type', 'text/csv')
    .reply(201)
    .patch(`${JOBS}/${JOB}`, { state: 'UploadComplete' })
    .reply(200, jobInfo('UploadComplete'));
}

describe('the upload CSV', () => {
  it('puts the key first, quotes what needs quoting, sends null as #N/A and leaves missing fields empty', () => {
    expect(ingestCsv('Zendesk_Ticket_Id__c', [
      { Subject: 'Printer, on "fire"', Zendesk_Ticket_Id__c: '1', ContactId: null },
      { Zendesk_Ticket_Id__c: '2', Subject: 'Two\nlines', Priority: 'High' },
    ])).toBe('Zendesk_Ticket_Id__c,Subject,ContactId,Priority\n1,"Printer, on ""fire""",#N/A,\n2,"Two\nlines",,High\n');
  });

  it('reads sf__Error as Salesforce writes it', () => {
    expect(parseSfError('REQUIRED_FIELD_MISSING:Required fields are missing: [Subject]:Subject --')).toEqual({ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Subject]', fields: ['Subject'] });
    expect(parseSfError('DUPLICATE_VALUE:duplicate value found: Zendesk_Ticket_Id__c duplicates value on record with id: 500SB0000000000007:-- ')).toEqual({ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: Zendesk_Ticket_Id__c duplicates value on record with id: 500SB0000000000007', fields: [] });
  });
});

describe('SalesforceCaseAdapter.upsert with { bulk: true }', () => {
  it('creates an upsert job keyed by the ticket id field, uploads the CSV, closes it, polls and reads both result files', async () => {
    const { a, sleeps } = adapter();
    const uploads: string[] = [];
    const creates: unknown[] = [];
    opened(uploads, creates)
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('InProgress'))
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('JobComplete', { numberRecordsProcessed: 3, numberRecordsFailed: 2 }))
      .get(`${JOBS}/${JOB}/successfulResults`)
      .reply(200, '"sf__Id","sf__Created","Zendesk_Ticket_Id__c","Subject","Status"\n"500SB0000000000001","true","1","Ticket 1","New"\n', { 'Content-Type': 'text/csv' })
      .get(`${JOBS}/${JOB}/failedResults`)
      .reply(200, [
        '"sf__Id","sf__Error","Zendesk_Ticket_Id__c","Subject","Status"',
        '"","REQUIRED_FIELD_MISSING:Required fields are missing: [Product__c]:Product__c --","2","Ticket 2","New"',
        '"","INVALID_FIELD_FOR_INSERT_UPDATE:Unable to create/update fields: IsClosed. Please check the security settings of this field and verify that it is read/write for your profile or permission set.:IsClosed --","3","Ticket 3","New"',
        '',
      ].join('\n'), { 'Content-Type': 'text/csv' });
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1), rec(2), rec(3)], { bulk: true });
    expect(creates).toEqual([{ object: 'Case', externalIdFieldName: 'Zendesk_Ticket_Id__c', contentType: 'CSV', operation: 'upsert', lineEnding: 'LF' }]);
    expect(uploads).toEqual(['Zendesk_Ticket_Id__c,Subject,Status\n1,Ticket 1,New\n2,Ticket 2,New\n3,Ticket 3,New\n']);
    expect(results).toEqual([
      { key: '1', ok: true, id: '500SB0000000000001', created: true, errors: [], attempts: 1 },
      { key: '2', ok: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Product__c]', fields: ['Product__c'] }], attempts: 1 },
      { key: '3', ok: false, errors: [{ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: expect.stringContaining('Unable to create/update fields: IsClosed'), fields: ['IsClosed'] }], attempts: 1 },
    ]);
    expect(a.requestCount).toBe(7); // create, upload, close, 2 polls, 2 result files
    expect(sleeps).toEqual([5, 8]); // the polls' backoff (x1.5)
  });

  it('re-sends records failing with UNABLE_TO_LOCK_ROW or DUPLICATE_VALUE on the key through Collections: they update, no second Case', async () => {
    const { a } = adapter();
    const bodies: unknown[] = [];
    opened([])
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('JobComplete'))
      .get(`${JOBS}/${JOB}/successfulResults`)
      .reply(200, '"sf__Id","sf__Created","Zendesk_Ticket_Id__c","Subject","Status"\n')
      .get(`${JOBS}/${JOB}/failedResults`)
      .reply(200, [
        '"sf__Id","sf__Error","Zendesk_Ticket_Id__c","Subject","Status"',
        '"","UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record: --","7","Ticket 7","New"',
        '"","DUPLICATE_VALUE:duplicate value found: Zendesk_Ticket_Id__c duplicates value on record with id: 500SB0000000000008:Zendesk_Ticket_Id__c --","8","Ticket 8","New"',
      ].join('\n'))
      .patch(UPSERT, (b: unknown) => (bodies.push(b), true))
      .reply(200, [
        { id: '500SB0000000000007', success: true, errors: [], created: false },
        { id: '500SB0000000000008', success: true, errors: [], created: false },
      ]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(7), rec(8)], { bulk: true });
    expect(bodies).toEqual([{ allOrNone: false, records: [7, 8].map((i) => ({ attributes: { type: 'Case' }, ...rec(i) })) }]);
    expect(results).toEqual([
      { key: '7', ok: true, id: '500SB0000000000007', created: false, errors: [], attempts: 2 },
      { key: '8', ok: true, id: '500SB0000000000008', created: false, errors: [], attempts: 2 },
    ]);
  });

  it('a job that Failed: the records it processed keep their results, the others fail with its errorMessage', async () => {
    const { a } = adapter();
    opened([])
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('Failed', { errorMessage: 'InvalidBatch : Field name not found : Product__c' }))
      .get(`${JOBS}/${JOB}/successfulResults`)
      .reply(200, '"sf__Id","sf__Created","Zendesk_Ticket_Id__c","Subject","Status"\n"500SB0000000000001","false","1","Ticket 1","New"\n')
      .get(`${JOBS}/${JOB}/failedResults`)
      .reply(200, '"sf__Id","sf__Error","Zendesk_Ticket_Id__c","Subject","Status"\n');
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1), rec(2)], { bulk: true });
    expect(results[0]).toEqual({ key: '1', ok: true, id: '500SB0000000000001', created: false, errors: [], attempts: 1 });
    expect(results[1]).toEqual({ key: '2', ok: false, errors: [{ statusCode: 'BULK_JOB_FAILED', message: `Bulk API 2.0 job ${JOB} Failed: InvalidBatch : Field name not found : Product__c; the record was not processed`, fields: [] }], attempts: 1 });
  });

  it('a job Aborted (by someone else) fails its unprocessed records as BULK_JOB_ABORTED', async () => {
    const { a } = adapter();
    opened([])
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('Aborted'))
      .get(`${JOBS}/${JOB}/successfulResults`)
      .reply(200, '"sf__Id","sf__Created","Zendesk_Ticket_Id__c"\n')
      .get(`${JOBS}/${JOB}/failedResults`)
      .reply(200, '"sf__Id","sf__Error","Zendesk_Ticket_Id__c"\n');
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1)], { bulk: true });
    expect(results[0].errors[0].statusCode).toBe('BULK_JOB_ABORTED');
  });

  it('a job refused at creation fails every record with Salesforce\'s error, nothing uploaded', async () => {
    const { a } = adapter();
    sf()
      .post(JOBS)
      .reply(400, [{ errorCode: 'INVALIDJOB', message: 'InvalidJob : Field name provided, Zendesk_Ticket_Id__c is not an External ID or indexed field for Case' }]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1), rec(2)], { bulk: true });
    expect(results.map((r) => [r.key, r.ok, r.errors[0].statusCode])).toEqual([['1', false, 'INVALIDJOB'], ['2', false, 'INVALIDJOB']]);
    expect(results[0].errors[0].message).toContain('is not an External ID or indexed field');
    expect(nock.isDone()).toBe(true);
  });

  it('a 5xx to the job creation is retried like any write', async () => {
    const { a } = adapter();
    sf().post(JOBS).reply(503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }]);
    opened([])
      .get(`${JOBS}/${JOB}`)
      .reply(200, jobInfo('JobComplete'))
      .get(`${JOBS}/${JOB}/successfulResults`)
      .reply(200, '"sf__Id","sf__Created","Zendesk_Ticket_Id__c"\n"500SB0000000000001","true","1"\n')
      .get(`${JOBS}/${JOB}/failedResults`)
      .reply(200, '"sf__Id","sf__Error","Zendesk_Ticket_Id__c"\n');
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1)], { bulk: true });
    expect(results[0]).toMatchObject({ ok: true, id: '500SB0000000000001', created: true });
  });

  it('a job still InProgress after the timeout is aborted and the upsert throws (apply then looks the Cases up by key)', async () => {
    let t = 0;
    const { a } = adapter({ bulkTimeoutMs: 50 });
    const aborts: unknown[] = [];
    opened([])
      .get(`${JOBS}/${JOB}`)
      .times(20)
      .reply(200, () => ((t += 30), jobInfo('InProgress')))
      .patch(`${JOBS}/${JOB}`, (b: unknown) => (aborts.push(b), true))
      .reply(200, jobInfo('Aborted'));
    const realNow = Date.now;
    Date.now = () => realNow() + t; // the poll loop's clock moves 30 ms a status check
    try {
      await expect(a.upsert('Zendesk_Ticket_Id__c', [rec(1)], { bulk: true })).rejects.toThrow(/Bulk API 2.0 job 750SB0000000000001 was still InProgress after 0 s: aborted\. Upserts are keyed by Zendesk_Ticket_Id__c: running apply again is safe/);
    } finally {
      Date.now = realNow;
    }
    expect(aborts).toEqual([{ state: 'Aborted' }]);
  });
});
