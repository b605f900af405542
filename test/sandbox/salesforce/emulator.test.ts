// The emulator's routes, called directly (no HTTP): auth, versions, limits, paging, describe, Bulk API 2.0, state.
import { describe, expect, it } from 'vitest';
import { createSalesforceEmulator, ORG_ID, USER_ID } from '../../../src/sandbox/salesforce/index.js';
import { call, manyAccounts } from './helpers.js';
import { A1, NOW, smallOrg } from './fixture.js';

const BASE = 'http://127.0.0.1:4567';
const make = (options: { bulkInProgressChecks?: number } = {}) => createSalesforceEmulator(smallOrg(), { baseUrl: () => BASE, now: () => NOW, ...options });
const q = (soql: string): string => `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;

describe('authentication', () => {
  const jwt = (claims: Record<string, unknown>): string =>
    [{ alg: 'RS256' }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
  const grants: [string, Record<string, string>][] = [
    ['password', { client_id: 'cid', client_secret: 's', username: 'u@x.test', password: 'pw' }],
    ['client_credentials', { client_id: 'cid', client_secret: 's' }],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', { assertion: jwt({ iss: 'cid', sub: 'u@x.test', aud: 'https://login.salesforce.com', exp: 2_000_000_000 }) }],
    ['refresh_token', { client_id: 'cid', refresh_token: 'r' }],
  ];
  it.each(grants)('answers a token for the %s grant', async (grant, params) => {
    const emu = make();
    const res = await call(emu, 'POST', '/services/oauth2/token', { auth: false, body: { grant_type: grant, ...params } });
    expect(res.status).toBe(200);
    const body = res.body as Record<string, string>;
    expect(body).toMatchObject({ instance_url: BASE, id: `${BASE}/id/${ORG_ID}/${USER_ID}`, token_type: 'Bearer' });
    expect(body.access_token).toMatch(/^00DSB0000000001!/);
    expect(Number(body.issued_at)).toBe(NOW.getTime());
    expect(body.signature).toBeTruthy();
  });

  it('reads form-encoded token requests from the raw body too', async () => {
    const res = await call(make(), 'POST', '/services/oauth2/token', { auth: false, rawBody: 'grant_type=password&client_id=c&username=a&password=b' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['password', { client_id: 'cid', username: 'u' }, 'invalid_grant'],
    ['password', { username: 'u', password: 'p' }, 'invalid_client_id'],
    ['client_credentials', { client_id: 'cid' }, 'invalid_client'],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', { assertion: 'not-a-jwt' }, 'invalid_grant'],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', { assertion: jwt({ iss: 'cid', aud: 'x', exp: 1 }) }, 'invalid_grant'],
    ['refresh_token', { client_id: 'cid' }, 'invalid_grant'],
  ] as [string, Record<string, string>, string][])('refuses a %s request missing what the grant needs (%j)', async (grant, params, error) => {
    const res = await call(make(), 'POST', '/services/oauth2/token', { auth: false, body: { grant_type: grant, ...params } });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toBe(error);
  });

  it('refuses an unknown grant the way Salesforce does', async () => {
    const res = await call(make(), 'POST', '/services/oauth2/token', { auth: false, body: { grant_type: 'magic' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('answers 401 INVALID_SESSION_ID to a data request without Authorization, with the limit header', async () => {
    const res = await call(make(), 'GET', q('SELECT Id FROM Account'), { auth: false });
    expect(res.status).toBe(401);
    expect(res.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect(res.headers['Sforce-Limit-Info']).toMatch(/^api-usage=\d+\/15000$/);
  });

  it('accepts any bearer or OAuth token', async () => {
    expect((await call(make(), 'GET', q('SELECT Id FROM Account'), { auth: false, headers: { Authorization: 'OAuth abc' } })).status).toBe(200);
    expect((await call(make(), 'GET', q('SELECT Id FROM Account'), { auth: false, headers: { Authorization: 'Bearer anything' } })).status).toBe(200);
  });

  it('answers a SOAP login with a session jsforce can read, and a fault without credentials', async () => {
    const ok = await call(make(), 'POST', '/services/Soap/u/62.0', {
      auth: false,
      rawBody: '<se:Envelope><se:Body><login><username>u@x.test</username><password>pw</password></login></se:Body></se:Envelope>',
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain(`<serverUrl>${BASE}/services/Soap/u/62.0/${ORG_ID}</serverUrl>`);
    expect(ok.text).toContain(`<organizationId>${ORG_ID}</organizationId>`);
    const bad = await call(make(), 'POST', '/services/Soap/u/62.0', { auth: false, rawBody: '<login></login>' });
    expect(bad.status).toBe(500);
    expect(bad.text).toContain('INVALID_LOGIN');
  });
});

describe('REST resources', () => {
  it('lists API versions without a session, and the resources of a version', async () => {
    const emu = make();
    const versions = await call(emu, 'GET', '/services/data/', { auth: false });
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual(expect.arrayContaining([{ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' }]));
    const resources = await call(emu, 'GET', '/services/data/v62.0/');
    expect(resources.body).toMatchObject({ query: '/services/data/v62.0/query', sobjects: '/services/data/v62.0/sobjects', limits: '/services/data/v62.0/limits' });
  });

  it('counts API usage in Sforce-Limit-Info and /limits', async () => {
    const emu = make();
    const first = await call(emu, 'GET', q('SELECT Id FROM Account'));
    const second = await call(emu, 'GET', '/services/data/v62.0/limits');
    expect(first.headers['Sforce-Limit-Info']).toBe('api-usage=1/15000');
    expect(second.headers['Sforce-Limit-Info']).toBe('api-usage=2/15000');
    expect(second.body).toMatchObject({ DailyApiRequests: { Max: 15000, Remaining: 14998 } });
  });

  it('describes an object, and answers 404 NOT_FOUND for an unknown one', async () => {
    const emu = make();
    const res = await call(emu, 'GET', '/services/data/v62.0/sobjects/Contact/describe');
    expect(res.status).toBe(200);
    const body = res.body as { name: string; fields: { name: string; type: string; nillable: boolean }[]; urls: Record<string, string> };
    expect(body.name).toBe('Contact');
    expect(body.fields.find((f) => f.name === 'AccountId')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' });
    expect(body.fields.find((f) => f.name === 'Inactive_Contact__c')).toMatchObject({ type: 'boolean', nillable: false, custom: true });
    expect(body.urls.describe).toBe('/services/data/v62.0/sobjects/Contact/describe');
    const missing = await call(emu, 'GET', '/services/data/v62.0/sobjects/Nope__c/describe');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('lists observed picklist values when the seed declares none, and keeps declared ones', async () => {
    const seed = smallOrg();
    seed.describe = { Contact: { fields: [{ name: 'Id', type: 'id' }, { name: 'Level__c', type: 'picklist', picklistValues: [{ value: 'Gold' }, { value: 'Silver', active: false }] }] } };
    const emu = createSalesforceEmulator(seed, { baseUrl: () => BASE });
    const account = (await call(emu, 'GET', '/services/data/v62.0/sobjects/Account/describe')).body as { fields: { name: string; picklistValues: { value: string; active: boolean }[] }[] };
    expect(account.fields.find((f) => f.name === 'Type')?.picklistValues.map((p) => p.value)).toEqual(['Customer', 'Former Customer', 'Partner']);
    const contact = (await call(emu, 'GET', '/services/data/v62.0/sobjects/Contact/describe')).body as typeof account;
    expect(contact.fields.find((f) => f.name === 'Level__c')?.picklistValues).toEqual([
      { active: true, defaultValue: false, label: 'Gold', validFor: null, value: 'Gold' },
      { active: false, defaultValue: false, label: 'Silver', validFor: null, value: 'Silver' },
    ]);
  });

  it('ignores attributes and nested objects copied from REST answers, and gives custom objects a Name', async () => {
    const emu = createSalesforceEmulator(
      {
        Account: [{ Id: A1, Name: 'Acme' }],
        Contact: [{ Id: '003SB0000000000001', attributes: { type: 'Contact' }, AccountId: A1, Account: { Name: 'Acme' } }],
        Thing__c: [{ Id: 'a0XSB0000000000001' }],
      },
      { baseUrl: () => BASE },
    );
    const d = (await call(emu, 'GET', '/services/data/v62.0/sobjects/Contact/describe')).body as { fields: { name: string }[] };
    expect(d.fields.map((f) => f.name)).not.toContain('attributes');
    expect(d.fields.map((f) => f.name)).not.toContain('Account');
    expect((await call(emu, 'GET', q('SELECT Account.Name FROM Contact'))).body).toMatchObject({ records: [{ Account: { Name: 'Acme' } }] });
    expect((await call(emu, 'GET', q('SELECT Id, Name FROM Thing__c'))).body).toMatchObject({ records: [{ Id: 'a0XSB0000000000001', Name: null }] });
  });

  it('retrieves a record by id and lists the objects', async () => {
    const emu = make();
    const rec = await call(emu, 'GET', `/services/data/v62.0/sobjects/Account/${A1}`);
    expect(rec.body).toMatchObject({ attributes: { type: 'Account' }, Id: A1, Name: 'Acme Corp', IsDeleted: false });
    const global = await call(emu, 'GET', '/services/data/v62.0/sobjects');
    expect((global.body as { sobjects: { name: string }[] }).sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Account', 'Contact', 'Customer_Subscription__c', 'User']));
  });

  it('answers query errors with 400 and the Salesforce error body', async () => {
    const res = await call(make(), 'GET', q('SELECT Nope FROM Account'));
    expect(res.status).toBe(400);
    const [err] = res.body as { errorCode: string; message: string }[];
    expect(err.errorCode).toBe('INVALID_FIELD');
    expect(err.message).toContain("No such column 'Nope' on entity 'Account'");
    expect(res.headers['Sforce-Limit-Info']).toBeDefined();
  });

  it('answers 404 for an unknown /services path and leaves other paths to other emulators', async () => {
    const emu = make();
    expect((await call(emu, 'GET', '/services/data/v62.0/nothing')).status).toBe(404);
    expect(await emu.route({ method: 'GET', url: new URL('/api/v2/users.json', BASE), headers: {}, body: undefined, rawBody: '' })).toBeUndefined();
  });
});

describe('query paging', () => {
  const seeded = () => createSalesforceEmulator({ Account: manyAccounts(450) }, { baseUrl: () => BASE });

  it('pages by batchSize from Sforce-Query-Options, with nextRecordsUrl, totalSize and done', async () => {
    const emu = seeded();
    const h = { 'Sforce-Query-Options': 'batchSize=200' };
    const p1 = (await call(emu, 'GET', q('SELECT Id, Name FROM Account ORDER BY Name'), { headers: h })).body as { totalSize: number; done: boolean; nextRecordsUrl: string; records: { Name: string }[] };
    expect(p1.totalSize).toBe(450);
    expect(p1.done).toBe(false);
    expect(p1.records).toHaveLength(200);
    expect(p1.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w{15}-200$/);
    const p2 = (await call(emu, 'GET', p1.nextRecordsUrl, { headers: h })).body as typeof p1;
    expect(p2.records[0].Name).toBe('Account 00200');
    const p3 = (await call(emu, 'GET', p2.nextRecordsUrl, { headers: h })).body as typeof p1;
    expect(p3).toMatchObject({ totalSize: 450, done: true });
    expect(p3.nextRecordsUrl).toBeUndefined();
    expect(p3.records).toHaveLength(50);
    expect(p3.records[49].Name).toBe('Account 00449');
  });

  it('clamps batchSize to 200..2000 and defaults to 2000', async () => {
    const emu = createSalesforceEmulator({ Account: manyAccounts(2500) }, { baseUrl: () => BASE });
    const small = (await call(emu, 'GET', q('SELECT Id FROM Account'), { headers: { 'Sforce-Query-Options': 'batchSize=10' } })).body as { records: unknown[] };
    expect(small.records).toHaveLength(200);
    const big = (await call(emu, 'GET', q('SELECT Id FROM Account'), { headers: { 'Sforce-Query-Options': 'batchSize=9000' } })).body as { records: unknown[] };
    expect(big.records).toHaveLength(2000);
    const def = (await call(emu, 'GET', q('SELECT Id FROM Account'))).body as { records: unknown[] };
    expect(def.records).toHaveLength(2000);
  });

  it('keeps 10 query cursors open: an 11th releases the oldest, whose locator then fails', async () => {
    const emu = createSalesforceEmulator({ Account: manyAccounts(250) }, { baseUrl: () => BASE });
    const h = { 'Sforce-Query-Options': 'batchSize=200' };
    const next: string[] = [];
    for (let i = 0; i < 11; i++) next.push(((await call(emu, 'GET', q(`SELECT Id FROM Account WHERE NumberOfEmployees >= ${i}`), { headers: h })).body as { nextRecordsUrl: string }).nextRecordsUrl);
    expect((await call(emu, 'GET', next[0], { headers: h })).body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    expect((await call(emu, 'GET', next[1], { headers: h })).status).toBe(200);
    expect((await call(emu, 'GET', next[10], { headers: h })).body).toMatchObject({ done: true, totalSize: 240 });
  });

  it('answers INVALID_QUERY_LOCATOR for an unknown locator', async () => {
    const res = await call(seeded(), 'GET', '/services/data/v62.0/query/01gSB0000000999AAA-2000');
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });

  it('pages a child subquery with more children than childBatchSize through its own nextRecordsUrl', async () => {
    const emu = createSalesforceEmulator(smallOrg(), { baseUrl: () => BASE, childBatchSize: 2 });
    const res = (await call(emu, 'GET', q(`SELECT Name, (SELECT Name FROM Customer_Subscriptions__r ORDER BY Name) FROM Account WHERE Id = '${A1}'`))).body as {
      records: { Customer_Subscriptions__r: { totalSize: number; done: boolean; nextRecordsUrl: string; records: { Name: string }[] } }[];
    };
    const child = res.records[0].Customer_Subscriptions__r;
    expect(child).toMatchObject({ totalSize: 3, done: false });
    expect(child.records.map((r) => r.Name)).toEqual(['S1', 'S2']);
    expect(child.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-2$/);
    const rest = (await call(emu, 'GET', child.nextRecordsUrl)).body as { totalSize: number; done: boolean; records: { attributes: { type: string }; Name: string }[] };
    expect(rest).toMatchObject({ totalSize: 3, done: true });
    expect(rest.records).toEqual([{ attributes: { type: 'Customer_Subscription__c', url: '/services/data/v62.0/sobjects/Customer_Subscription__c/a0BSB0000000000003' }, Name: 'S3' }]);
    // read to the end: the locator is gone
    expect((await call(emu, 'GET', child.nextRecordsUrl)).status).toBe(400);
  });

  it('COUNT() answers totalSize and no records; queryAll includes deleted records', async () => {
    const emu = make();
    expect((await call(emu, 'GET', q('SELECT COUNT() FROM Account'))).body).toEqual({ totalSize: 4, done: true, records: [] });
    const all = (await call(emu, 'GET', `/services/data/v62.0/queryAll?q=${encodeURIComponent('SELECT COUNT() FROM Account')}`)).body as { totalSize: number };
    expect(all.totalSize).toBe(5);
  });
});

describe('Bulk API 2.0 query jobs', () => {
  const soql = 'SELECT Id, Name, Account.Name, Inactive_Contact__c FROM Contact ORDER BY Id';

  it('moves UploadComplete -> InProgress -> JobComplete and serves CSV results', async () => {
    const emu = make();
    const created = await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'query', query: soql } });
    expect(created.status).toBe(200);
    const job = created.body as Record<string, unknown>;
    expect(job).toMatchObject({ operation: 'query', object: 'Contact', state: 'UploadComplete', contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF', apiVersion: 62 });
    expect(job.id).toMatch(/^750/);
    const early = await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}/results`);
    expect(early.status).toBe(400);
    expect((await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`)).body).toMatchObject({ state: 'InProgress' });
    expect((await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`)).body).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 5 });
    const res = await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}/results`);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/csv');
    expect(res.headers['Sforce-Locator']).toBe('null');
    expect(res.headers['Sforce-NumberOfRecords']).toBe('5');
    const lines = (res.text ?? '').split('\n');
    expect(lines[0]).toBe('"Id","Name","Account.Name","Inactive_Contact__c"');
    expect(lines[1]).toBe('"003SB0000000000001","Jane Doe","Acme Corp","false"');
    expect(lines[3]).toBe('"003SB0000000000003","Solo","","false"');
    expect(lines).toHaveLength(7); // header, 5 rows, trailing newline
  });

  it('pages results with maxRecords and Sforce-Locator, each page a CSV with its header', async () => {
    const emu = make({ bulkInProgressChecks: 0 });
    const job = (await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'query', query: soql, columnDelimiter: 'PIPE', lineEnding: 'CRLF' } })).body as { id: string };
    expect((await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`)).body).toMatchObject({ state: 'JobComplete' });
    const p1 = await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2`);
    expect(p1.headers['Sforce-NumberOfRecords']).toBe('2');
    expect(p1.headers['Sforce-Locator']).toBe(Buffer.from('2').toString('base64').replace(/=+$/, ''));
    expect(p1.text).toBe('"Id"|"Name"|"Account.Name"|"Inactive_Contact__c"\r\n"003SB0000000000001"|"Jane Doe"|"Acme Corp"|"false"\r\n"003SB0000000000002"|"John Roe"|"Acme Corp"|"true"\r\n');
    const p3 = await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2&locator=${Buffer.from('4').toString('base64')}`);
    expect(p3.headers['Sforce-Locator']).toBe('null');
    expect(p3.headers['Sforce-NumberOfRecords']).toBe('1');
  });

  it('quotes every CSV value and doubles quotes inside values', async () => {
    const emu = make({ bulkInProgressChecks: 0 });
    const job = (await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { query: `SELECT Description, NumberOfEmployees FROM Account WHERE Id = '${A1}'` } })).body as { id: string };
    await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`);
    const res = await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}/results`);
    expect(res.text).toBe('"Description","NumberOfEmployees"\n"It\'s ""quoted"" \\ back","120"\n');
  });

  it('refuses subqueries, unknown operations and bad SOQL at job creation', async () => {
    const emu = make();
    const sub = await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'query', query: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account' } });
    expect(sub.status).toBe(400);
    expect((sub.body as { errorCode: string }[])[0].errorCode).toBe('API_ERROR');
    const offset = await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'query', query: 'SELECT Id FROM Account OFFSET 2' } });
    expect((offset.body as { errorCode: string }[])[0].errorCode).toBe('API_ERROR');
    const op = await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'insert', query: 'SELECT Id FROM Account' } });
    expect((op.body as { errorCode: string }[])[0].errorCode).toBe('INVALIDJOB');
    const bad = await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'query', query: 'SELECT Nope FROM Account' } });
    expect(bad.status).toBe(400);
    expect((bad.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_FIELD');
  });

  it('aborts, lists and deletes jobs; queryAll jobs include deleted records', async () => {
    const emu = make({ bulkInProgressChecks: 0 });
    const job = (await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { operation: 'queryAll', query: 'SELECT Id FROM Account' } })).body as { id: string };
    expect((await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`)).body).toMatchObject({ numberRecordsProcessed: 5 });
    const other = (await call(emu, 'POST', '/services/data/v62.0/jobs/query', { body: { query: 'SELECT Id FROM Account' } })).body as { id: string };
    expect((await call(emu, 'PATCH', `/services/data/v62.0/jobs/query/${other.id}`, { body: { state: 'Aborted' } })).body).toMatchObject({ state: 'Aborted' });
    const list = (await call(emu, 'GET', '/services/data/v62.0/jobs/query')).body as { records: { id: string }[] };
    expect(list.records.map((r) => r.id)).toEqual([job.id, other.id]);
    expect((await call(emu, 'DELETE', `/services/data/v62.0/jobs/query/${job.id}`)).status).toBe(204);
    expect((await call(emu, 'GET', `/services/data/v62.0/jobs/query/${job.id}`)).status).toBe(404);
  });
});

describe('state and reset', () => {
  it('state() returns the seed; reset() reloads the original or a new seed', async () => {
    const seed = smallOrg();
    const emu = createSalesforceEmulator(seed, { baseUrl: () => BASE });
    expect(emu.state()).toBe(seed);
    emu.reset({ Account: [{ Id: '001SB0000000000777', Name: 'Only' }] });
    expect((await call(emu, 'GET', q('SELECT Name FROM Account'))).body).toMatchObject({ totalSize: 1, records: [{ Name: 'Only' }] });
    expect(emu.state().Account).toHaveLength(1);
    emu.reset();
    expect((await call(emu, 'GET', q('SELECT COUNT() FROM Account'))).body).toMatchObject({ totalSize: 4 });
    expect(emu.state()).toBe(seed);
  });

  it('starts empty without a seed', async () => {
    const emu = createSalesforceEmulator(undefined, { baseUrl: () => BASE });
    expect((await call(emu, 'GET', q('SELECT Id FROM Account'))).body).toEqual({ totalSize: 0, done: true, records: [] });
  });
});
