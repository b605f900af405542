import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'jsforce';
import { SalesforceCaseAdapter, formatUpsertFailure, trimCaseDescribe } from '../../src/salesforce/case-writer.js';
import { INSTANCE_URL, SECRET_TOKEN, tokenInstance } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const UPSERT = '/services/data/v62.0/composite/sobjects/Case/Zendesk_Ticket_Id__c';

function adapter() {
  const sleeps: number[] = [];
  const conn = new Connection({ instanceUrl: INSTANCE_URL, accessToken: SECRET_TOKEN, version: '62.0', logLevel: 'NONE' });
  const a = new SalesforceCaseAdapter(conn, tokenInstance(), { sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 10 });
  return { a, sleeps };
}

function sf() {
  return nock(INSTANCE_URL, { reqheaders: { authorization: `Bearer ${SECRET_TOKEN}` } });
}

const rec = (id: number, extra: Record<string, unknown> = {}) => ({ Zendesk_Ticket_Id__c: String(id), Subject: `Ticket ${id}`, Status: 'New', ...extra });

describe('SalesforceCaseAdapter.upsert', () => {
  it('sends 200 records a request with allOrNone false, keyed by the external id, and reports each result', async () => {
    const { a } = adapter();
    const records = Array.from({ length: 201 }, (_v, i) => rec(i + 1));
    const bodies: unknown[] = [];
    sf()
      .patch(UPSERT, (b: unknown) => (bodies.push(b), true))
      .reply(200, records.slice(0, 200).map((_r, i) => ({ id: `500SB${String(i + 1).padStart(13, '0')}`, success: true, errors: [], created: i !== 0 })))
      .patch(UPSERT, (b: unknown) => (bodies.push(b), true))
      .reply(200, [{ id: '500SB0000000000201', success: true, errors: [], created: true }]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', records);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({ allOrNone: false, records: [{ attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: '201', Subject: 'Ticket 201', Status: 'New' }] });
    expect((bodies[0] as { records: unknown[] }).records).toHaveLength(200);
    expect((bodies[0] as { records: unknown[] }).records[0]).toEqual({ attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: '1', Subject: 'Ticket 1', Status: 'New' });
    expect(results).toHaveLength(201);
    expect(results[0]).toEqual({ key: '1', ok: true, id: '500SB0000000000001', created: false, errors: [], attempts: 1 });
    expect(results[200]).toEqual({ key: '201', ok: true, id: '500SB0000000000201', created: true, errors: [], attempts: 1 });
    expect(a.requestCount).toBe(2);
  });

  it('reports per-record failures in Salesforce\'s shape: REQUIRED_FIELD_MISSING, INVALID_FIELD_FOR_INSERT_UPDATE, DUPLICATE_VALUE on another field', async () => {
    const { a } = adapter();
    sf()
      .patch(UPSERT, { allOrNone: false, records: [1, 2, 3, 4].map((i) => ({ attributes: { type: 'Case' }, ...rec(i) })) })
      .reply(200, [
        { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Product__c]', fields: ['Product__c'] }] },
        { success: false, errors: [{ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'Unable to create/update fields: IsClosed. Please check the security settings of this field and verify that it is read/write for your profile or permission set.', fields: ['IsClosed'] }] },
        { success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: Legacy_Id__c duplicates value on record with id: 500SB0000000000009', fields: ['Legacy_Id__c'] }] },
        { id: '500SB0000000000004', success: true, errors: [], created: true },
      ]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [1, 2, 3, 4].map((i) => rec(i)));
    expect(results.map((r) => [r.key, r.ok, r.attempts])).toEqual([['1', false, 1], ['2', false, 1], ['3', false, 1], ['4', true, 1]]);
    expect(formatUpsertFailure(results[0])).toBe('ticket #1: REQUIRED_FIELD_MISSING Required fields are missing: [Product__c] (Product__c)');
    expect(results[1].errors[0].statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(results[2].errors).toEqual([{ statusCode: 'DUPLICATE_VALUE', message: expect.stringContaining('Legacy_Id__c duplicates value'), fields: ['Legacy_Id__c'] }]);
  });

  it('re-sends a record whose key was created by a concurrent upsert (DUPLICATE_VALUE on the key): it updates, no second Case', async () => {
    const { a, sleeps } = adapter();
    const bodies: unknown[] = [];
    sf()
      .patch(UPSERT, (b: unknown) => (bodies.push(b), true))
      .reply(200, [
        { success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: Zendesk_Ticket_Id__c duplicates value on record with id: 500SB0000000000007', fields: ['Zendesk_Ticket_Id__c'] }] },
        { success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] }] },
      ])
      .patch(UPSERT, (b: unknown) => (bodies.push(b), true))
      .reply(200, [
        { id: '500SB0000000000007', success: true, errors: [], created: false },
        { id: '500SB0000000000008', success: true, errors: [], created: false },
      ]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(7), rec(8)]);
    expect(results).toEqual([
      { key: '7', ok: true, id: '500SB0000000000007', created: false, errors: [], attempts: 2 },
      { key: '8', ok: true, id: '500SB0000000000008', created: false, errors: [], attempts: 2 },
    ]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(sleeps).toEqual([10]);
  });

  it('retries the whole request on 5xx (the upsert is idempotent) and gives up with a message saying apply may be re-run', async () => {
    const { a, sleeps } = adapter();
    sf().patch(UPSERT).reply(503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' }]);
    sf().patch(UPSERT).reply(500, 'oops');
    sf().patch(UPSERT).reply(200, [{ id: '500SB0000000000001', success: true, errors: [], created: true }]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1)]);
    expect(results[0]).toMatchObject({ ok: true, created: true, attempts: 1 });
    expect(sleeps).toEqual([10, 20]);

    const again = adapter();
    for (let i = 0; i < 4; i++) sf().patch(UPSERT).reply(502, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Bad gateway' }]);
    await expect(again.a.upsert('Zendesk_Ticket_Id__c', [rec(1)])).rejects.toThrow(
      'Salesforce instance production answered 502 SERVER_UNAVAILABLE to a Case upsert 4 times (Bad gateway). Upserts are keyed by Zendesk_Ticket_Id__c: running apply again is safe.',
    );
  });

  it('fails every record of a request Salesforce refuses as a whole (400 INVALID_FIELD), without retrying it', async () => {
    const { a, sleeps } = adapter();
    sf().patch(UPSERT).reply(400, [{ message: "No such column 'Subjekt' on sobject of type Case", errorCode: 'INVALID_FIELD' }]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1, { Subjekt: 'x' }), rec(2)]);
    expect(results.map((r) => [r.ok, r.errors[0].statusCode])).toEqual([[false, 'INVALID_FIELD'], [false, 'INVALID_FIELD']]);
    expect(sleeps).toEqual([]);
  });

  it('refuses records without a key or sharing one (they could create a second Case)', async () => {
    const { a } = adapter();
    await expect(a.upsert('Zendesk_Ticket_Id__c', [{ Subject: 'x' }])).rejects.toThrow(/has no Zendesk_Ticket_Id__c/);
    await expect(a.upsert('Zendesk_Ticket_Id__c', [rec(1), rec(1)])).rejects.toThrow(/share Zendesk_Ticket_Id__c = 1/);
  });

  it('renews an expired session once (a GET through jsforce) and sends the upsert again', async () => {
    const { a } = adapter();
    sf().patch(UPSERT).reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const limits = sf().get('/services/data/v62.0/limits').reply(200, {});
    sf().patch(UPSERT).reply(200, [{ id: '500SB0000000000001', success: true, errors: [], created: true }]);
    const results = await a.upsert('Zendesk_Ticket_Id__c', [rec(1)]);
    expect(limits.isDone()).toBe(true);
    expect(results[0]).toMatchObject({ ok: true, created: true });
    sf().patch(UPSERT).times(2).reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    sf().get('/services/data/v62.0/limits').reply(200, {});
    await expect(a.upsert('Zendesk_Ticket_Id__c', [rec(1)])).rejects.toThrow(/refused the Case upsert \(401 INVALID_SESSION_ID: Session expired or invalid\)/);
  });

  it('never puts the session token into an error', async () => {
    const { a } = adapter();
    sf().patch(UPSERT).reply(403, [{ errorCode: 'INSUFFICIENT_ACCESS', message: `no access for ${SECRET_TOKEN}` }]);
    const err = await a.upsert('Zendesk_Ticket_Id__c', [rec(1)]).catch((e: Error) => e);
    expect(String((err as Error).message)).toContain('403 INSUFFICIENT_ACCESS: no access for ***');
    expect(String((err as Error).message)).not.toContain(SECRET_TOKEN);
  });
});

describe('SalesforceCaseAdapter reads', () => {
  it('reads existing Cases by the key field in IN chunks of 300, following nextRecordsUrl', async () => {
    const { a } = adapter();
    const keys = Array.from({ length: 301 }, (_v, i) => String(i + 1));
    const soql1 = `SELECT Id, Zendesk_Ticket_Id__c, SystemModstamp, Status, Subject FROM Case WHERE Zendesk_Ticket_Id__c IN (${keys.slice(0, 300).map((k) => `'${k}'`).join(', ')})`;
    const soql2 = `SELECT Id, Zendesk_Ticket_Id__c, SystemModstamp, Status, Subject FROM Case WHERE Zendesk_Ticket_Id__c IN ('301')`;
    sf()
      .get('/services/data/v62.0/query')
      .query({ q: soql1 })
      .reply(200, { totalSize: 2, done: false, nextRecordsUrl: '/services/data/v62.0/query/01gSB-1', records: [{ attributes: { type: 'Case' }, Id: '500A', Zendesk_Ticket_Id__c: '1', Status: 'New', Subject: 'a' }] })
      .get('/services/data/v62.0/query/01gSB-1')
      .reply(200, { totalSize: 2, done: true, records: [{ attributes: { type: 'Case' }, Id: '500B', Zendesk_Ticket_Id__c: '2', Status: 'Closed', Subject: 'b' }] })
      .get('/services/data/v62.0/query')
      .query({ q: soql2 })
      .reply(200, { totalSize: 0, done: true, records: [] });
    const cases = await a.readCasesByKeys('Zendesk_Ticket_Id__c', keys, ['Status', 'Subject']);
    expect(cases).toEqual([
      { Id: '500A', Zendesk_Ticket_Id__c: '1', Status: 'New', Subject: 'a' },
      { Id: '500B', Zendesk_Ticket_Id__c: '2', Status: 'Closed', Subject: 'b' },
    ]);
  });

  it('sends a read again when the kept-alive socket was closed (fetch failed: UND_ERR_SOCKET), then names a read that keeps failing', async () => {
    // jsforce retries only node-fetch's FetchError; undici's "fetch failed" (a TypeError whose cause has the
    // code) reached plan as "Cannot reach Salesforce instance" after minutes of reconcile at 10k/50k
    const closed = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const answers: (() => unknown)[] = [
      () => {
        throw closed();
      },
      () => ({ name: 'Case', fields: [{ name: 'Status', type: 'picklist' }] }),
    ];
    const sleeps: number[] = [];
    const conn = { instanceUrl: INSTANCE_URL, request: async () => answers.shift()!() } as unknown as Connection;
    const a = new SalesforceCaseAdapter(conn, tokenInstance(), { sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 10 });
    expect(await a.describeCase()).toEqual({ name: 'Case', fields: [{ name: 'Status', type: 'picklist' }] });
    expect(a.requestCount).toBe(2);
    expect(sleeps).toEqual([10]);
    const failing = { instanceUrl: INSTANCE_URL, request: async () => Promise.reject(closed()) } as unknown as Connection;
    const b = new SalesforceCaseAdapter(failing, tokenInstance(), { sleep: async () => undefined });
    await expect(b.describeCase()).rejects.toThrow(/Cannot reach Salesforce instance/);
    expect(b.requestCount).toBe(4);
  });

  it('does not send a read again that Salesforce refused (a 400)', async () => {
    const { a } = adapter();
    sf().get('/services/data/v62.0/sobjects/Case/describe').reply(400, [{ errorCode: 'INVALID_TYPE', message: 'no Case' }]);
    await expect(a.describeCase()).rejects.toThrow(/INVALID_TYPE/);
    expect(a.requestCount).toBe(1);
  });

  it('escapes keys in SOQL', async () => {
    const { a } = adapter();
    const stub = sf().get('/services/data/v62.0/query').query({ q: "SELECT Id, K__c, SystemModstamp FROM Case WHERE K__c IN ('a\\'b')" }).reply(200, { totalSize: 0, done: true, records: [] });
    await a.readCasesByKeys('K__c', ["a'b"], []);
    expect(stub.isDone()).toBe(true);
  });

  it('trims describe of Case keeping the flags the check needs', () => {
    const d = trimCaseDescribe({
      name: 'Case',
      fields: [
        { name: 'Zendesk_Ticket_Id__c', type: 'string', externalId: true, unique: true, createable: true, updateable: true, length: 40, picklistValues: [] },
        { name: 'Status', type: 'picklist', createable: true, updateable: true, nillable: true, length: 255, picklistValues: [{ value: 'New', active: true, label: 'New' }] },
      ],
    });
    expect(d).toEqual({
      name: 'Case',
      fields: [
        { name: 'Zendesk_Ticket_Id__c', type: 'string', externalId: true, unique: true, createable: true, updateable: true, length: 40 },
        { name: 'Status', type: 'picklist', createable: true, updateable: true, nillable: true, length: 255, picklistValues: [{ value: 'New', active: true }] },
      ],
    });
  });
});
