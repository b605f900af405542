// jsforce 3.10.16 itself, unmodified, against the emulator served over HTTP on 127.0.0.1.
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manyAccounts, startSalesforce, type TestServer } from './helpers.js';
import { A1, NOW, smallOrg } from './fixture.js';

let server: TestServer;
const seed = smallOrg();
seed.Account = [...(seed.Account ?? []), ...manyAccounts(4500)];

beforeAll(async () => {
  server = await startSalesforce(seed, { now: () => NOW });
});
afterAll(async () => {
  await server.close();
});

const connect = (): Connection => new Connection({ instanceUrl: server.url, accessToken: 'sandbox-token', version: '62.0' });

describe('jsforce against the sandbox', () => {
  it('queries with autoFetch across several pages of 2000, following nextRecordsUrl', async () => {
    const conn = connect();
    server.requests.length = 0;
    const res = await conn.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Account ORDER BY Name', { autoFetch: true, maxFetch: 100_000 });
    expect(res.totalSize).toBe(4504);
    expect(res.records).toHaveLength(4504);
    expect(res.done).toBe(true);
    expect(new Set(res.records.map((r) => r.Id)).size).toBe(4504);
    const pages = server.requests.filter((r) => r.includes('/query'));
    expect(pages).toHaveLength(3);
    expect(pages[1]).toMatch(/^GET \/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    expect(pages[2]).toMatch(/-4000$/);
  });

  it('honours Sforce-Query-Options batchSize and maxFetch', async () => {
    const conn = connect();
    server.requests.length = 0;
    const res = await conn.query("SELECT Id FROM Account WHERE Type = 'Prospect'", {
      autoFetch: true,
      maxFetch: 700,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(res.records).toHaveLength(700);
    expect(res.totalSize).toBe(3000);
    expect(server.requests.filter((r) => r.includes('/query'))).toHaveLength(4);
  });

  it('answers the first page only without autoFetch, with a locator jsforce can queryMore', async () => {
    const conn = connect();
    const first = await conn.query('SELECT Id FROM Account ORDER BY Id');
    expect(first.records).toHaveLength(2000);
    expect(first.done).toBe(false);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const second = await conn.queryMore(first.nextRecordsUrl as string);
    expect(second.records).toHaveLength(2000);
    expect(second.records[0].Id).not.toBe(first.records[0].Id);
  });

  it('returns nested parents and subqueries in the REST shape', async () => {
    const conn = connect();
    const res = await conn.query(
      `SELECT Name, Owner.Name, (SELECT Entitled_Seats__c FROM Customer_Subscriptions__r WHERE Current_Subscription_Status__c = 'Active') FROM Account WHERE Id = '${A1}'`,
    );
    expect(res.records[0]).toMatchObject({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${A1}` },
      Name: 'Acme Corp',
      Owner: { attributes: { type: 'User' }, Name: 'Ada Admin' },
      Customer_Subscriptions__r: { totalSize: 2, done: true, records: [{ Entitled_Seats__c: 10 }, { Entitled_Seats__c: 7 }] },
    });
  });

  it('follows paged child subqueries with autoFetch', async () => {
    const paged = await startSalesforce(smallOrg(), { childBatchSize: 1 });
    try {
      const conn = new Connection({ instanceUrl: paged.url, accessToken: 'sandbox-token', version: '62.0' });
      const res = await conn.query(`SELECT Name, (SELECT Name FROM Customer_Subscriptions__r ORDER BY Name) FROM Account WHERE Id = '${A1}'`, { autoFetch: true, maxFetch: 10_000 });
      const subs = res.records[0].Customer_Subscriptions__r as { done: boolean; records: { Name: string }[] };
      expect(subs.done).toBe(true);
      expect(subs.records.map((r) => r.Name)).toEqual(['S1', 'S2', 'S3']);
      expect(paged.requests.filter((r) => /\/query\/01g/.test(r))).toHaveLength(2);
    } finally {
      await paged.close();
    }
  });

  it('describes an object', async () => {
    const conn = connect();
    const d = await conn.sobject('Account').describe();
    expect(d.name).toBe('Account');
    const owner = d.fields.find((f) => f.name === 'OwnerId');
    expect(owner).toMatchObject({ type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' });
    expect(d.fields.find((f) => f.name === 'Next_Renewal_Date__c')).toMatchObject({ type: 'date', custom: true });
    expect(d.childRelationships).toEqual(expect.arrayContaining([expect.objectContaining({ relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' })]));
  });

  it("surfaces INVALID_FIELD as jsforce's error with Salesforce's message", async () => {
    const conn = connect();
    const err: unknown = await conn.query('SELECT Id, Foo FROM Account').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { errorCode: string }).errorCode).toBe('INVALID_FIELD');
    expect((err as Error).name).toBe('INVALID_FIELD');
    expect((err as Error).message).toContain("No such column 'Foo' on entity 'Account'");
  });

  it('rejects a request without a session: INVALID_SESSION_ID', async () => {
    const conn = new Connection({ instanceUrl: server.url, version: '62.0' });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
  });

  it('tracks API usage from Sforce-Limit-Info', async () => {
    const conn = connect();
    await conn.query('SELECT Id FROM User');
    expect(conn.limitInfo.apiUsage?.limit).toBe(15000);
    expect(conn.limitInfo.apiUsage?.used).toBeGreaterThan(0);
  });

  it('runs a Bulk API 2.0 query through conn.bulk2.query (one results page)', async () => {
    const conn = connect();
    conn.bulk2.pollInterval = 5;
    server.requests.length = 0;
    const stream = await conn.bulk2.query("SELECT Id, Name, Owner.Name, NumberOfEmployees FROM Account WHERE Type = 'Customer' OR Name LIKE 'Account 0000%'");
    const rows = (await stream.toArray()) as Record<string, string>[];
    expect(rows.length).toBe(2 + 1500 + 10 - 4); // Acme, hooli; 1500 generated customers; 10 'Account 0000x', 4 of them customers already
    expect(rows.find((r) => r.Id === A1)).toEqual({ Id: A1, Name: 'Acme Corp', 'Owner.Name': 'Ada Admin', NumberOfEmployees: '120' });
    expect(rows.find((r) => r.Name === 'Account 00001')?.['Owner.Name']).toBe('');
    const states = server.requests.filter((r) => /jobs\/query\/750\w+$/.test(r));
    expect(states).toHaveLength(2); // InProgress, then JobComplete
    expect(server.requests.filter((r) => r.includes('/results'))).toHaveLength(1);
  });

  it('pages Bulk API 2.0 results with Sforce-Locator; jsforce 3.10.16 then reads the later pages\' CSV header as a record', async () => {
    // Salesforce sends every results page as a complete CSV with its header row; jsforce pipes all pages
    // into one CSV parser, so each page after the first adds one record that repeats the header. The
    // sandbox behaves like Salesforce; callers of bulk2.query must drop those rows (or fetch pages themselves).
    const small = await startSalesforce(seed, { now: () => NOW, bulkMaxRecords: 1000 });
    try {
      const conn = new Connection({ instanceUrl: small.url, accessToken: 'sandbox-token', version: '62.0' });
      conn.bulk2.pollInterval = 5;
      const stream = await conn.bulk2.query("SELECT Id, Name FROM Account WHERE Type = 'Customer'");
      const rows = (await stream.toArray()) as Record<string, string>[];
      const results = small.requests.filter((r) => r.includes('/results'));
      expect(results).toHaveLength(2);
      expect(results[1]).toMatch(/results\?locator=MTAwMA$/); // base64('1000')
      expect(rows.filter((r) => r.Id === 'Id')).toEqual([{ Id: 'Id', Name: 'Name' }]);
      expect(rows.filter((r) => r.Id !== 'Id')).toHaveLength(1502);
    } finally {
      await small.close();
    }
  });

  it('logs in with loginUrl + username/password over OAuth2 (password grant), then queries', async () => {
    const conn = new Connection({ loginUrl: server.url, oauth2: { loginUrl: server.url, clientId: 'cid', clientSecret: 'secret' }, version: '62.0' });
    const info = await conn.login('ops@example.test', 'password+token');
    expect(info.organizationId).toBe('00DSB0000000001AAA');
    expect(conn.instanceUrl).toBe(server.url);
    const res = await conn.query(`SELECT Name FROM Account WHERE Id = '${A1}'`);
    expect(res.records[0].Name).toBe('Acme Corp');
  });

  it('logs in with loginUrl + username/password over SOAP (no client id), then queries', async () => {
    const conn = new Connection({ loginUrl: server.url, version: '62.0' });
    const info = await conn.login('ops@example.test', 'password+token');
    expect(info.id).toBe('005SB0000000001AAA');
    expect(conn.instanceUrl).toBe(server.url);
    expect(conn.accessToken).toBeTruthy();
    const res = await conn.query('SELECT COUNT() FROM Contact');
    expect(res.totalSize).toBe(5);
  });
});
