import { createServer } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/model/ports.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { ZdsfError } from '../../src/util/errors.js';
import { INSTANCE_URL, SECRET_TOKEN, organizations, sync, tokenInstance, users } from './fixtures.js';

const API = '/services/data/v62.0';

const accountDescribe = {
  name: 'Account',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'Name', type: 'string' },
    { name: 'CreatedDate', type: 'datetime' },
    { name: 'Type', type: 'picklist', picklistValues: [{ value: 'Customer', label: 'Customer', active: true }] },
    { name: 'NumberOfEmployees', type: 'int' },
    { name: 'OwnerId', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' },
  ],
  childRelationships: [
    { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
    { relationshipName: 'Customer_Subscriptions__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' },
  ],
};
const userDescribe = { name: 'User', fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }] };
const contactDescribe = {
  name: 'Contact',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'Email', type: 'email' },
    { name: 'Name', type: 'string' },
    { name: 'CreatedDate', type: 'datetime' },
    { name: 'AccountId', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' },
    { name: 'Inactive_Contact__c', type: 'boolean' },
    { name: 'Seats__c', type: 'double', scale: 2 },
  ],
};
const subscriptionDescribe = {
  name: 'Customer_Subscription__c',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'Entitled_Seats__c', type: 'double' },
  ],
};

function sf() {
  return nock(INSTANCE_URL, { reqheaders: { authorization: `Bearer ${SECRET_TOKEN}` } });
}

function acct(id: string, name: string, extra: Record<string, unknown> = {}) {
  return { attributes: { type: 'Account', url: `${API}/sobjects/Account/${id}` }, Id: id, Name: name, CreatedDate: '2024-01-01T00:00:00.000+0000', ...extra };
}

const noRetry = { retry: { maxRetries: 0 } };

function recorder(): Progress & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    start: (label, total) => calls.push(`start ${label} ${total ?? ''}`),
    tick: (n) => calls.push(`tick ${n ?? 1}`),
    done: (m) => calls.push(`done ${m ?? ''}`),
  };
}

async function rejection(p: Promise<unknown>): Promise<ZdsfError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ZdsfError);
    return err as ZdsfError;
  }
  throw new Error('expected a rejection');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  nock.cleanAll();
});

describe('REST reading', () => {
  it('sends the exact SOQL, pages over nextRecordsUrl to the end (3 pages) and sorts by Id', async () => {
    const soql = 'SELECT Id, Name, CreatedDate, Owner.Name, Type FROM Account WHERE Type = \'Customer\'';
    const scope = sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/sobjects/User/describe`)
      .reply(200, userDescribe)
      .get(`${API}/query`)
      .query({ q: soql })
      .reply(200, { totalSize: 5, done: false, nextRecordsUrl: `${API}/query/01gA-2`, records: [acct('001C', 'Gamma'), acct('001A', 'Alpha')] })
      .get(`${API}/query/01gA-2`)
      .reply(200, { totalSize: 5, done: false, nextRecordsUrl: `${API}/query/01gA-4`, records: [acct('001E', 'Epsilon'), acct('001B', 'Beta')] })
      .get(`${API}/query/01gA-4`)
      .reply(200, { totalSize: 5, done: true, records: [acct('001D', 'Delta', { Owner: { attributes: { type: 'User' }, Name: 'Olga' } })] });
    const progress = recorder();
    const data = await createSalesforceReader(noRetry).read({
      instance: tokenInstance(),
      sync: sync({
        organizations: organizations({
          where: "Type = 'Customer'",
          fields: { owner: { kind: 'field', from: 'Owner.Name', name: 'f' } },
          tags: { prefix: 'sf_', from: ['Account.Type'], static: [] },
        }),
      }),
      progress,
    });
    scope.done();
    expect(data.accounts.map((a) => a.Id)).toEqual(['001A', '001B', '001C', '001D', '001E']);
    expect(data.accounts[3].Owner).toEqual({ attributes: { type: 'User' }, Name: 'Olga' });
    expect(data.accounts[0].attributes).toEqual({ type: 'Account' });
    expect(Object.keys(data.describe).sort()).toEqual(['Account', 'User']);
    expect(data.describe.Account.childRelationships?.[1]).toEqual({
      relationshipName: 'Customer_Subscriptions__r',
      childSObject: 'Customer_Subscription__c',
      field: 'Account__c',
    });
    expect(progress.calls).toEqual(['start accounts (global) 5', 'tick 2', 'tick 2', 'tick 1', 'done 5 accounts (global)']);
    expect(data.people).toEqual([]);
    expect(data.retention).toEqual([]);
  });

  it('refuses a read that ends before totalSize (truncation guard)', async () => {
    sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 5, done: true, records: [acct('001A', 'A'), acct('001B', 'B'), acct('001C', 'C')] });
    const err = await rejection(
      createSalesforceReader(noRetry).read({ instance: tokenInstance(), sync: sync({ organizations: organizations() }) }),
    );
    expect(err.code).toBe('salesforce_truncated');
    expect(err.message).toContain('Salesforce reported 5 records for the organizations query of sync global but 3 were read');
  });

  it('refuses a page that is not done but has no nextRecordsUrl', async () => {
    sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 4, done: false, records: [acct('001A', 'A')] });
    const err = await rejection(
      createSalesforceReader(noRetry).read({ instance: tokenInstance(), sync: sync({ organizations: organizations() }) }),
    );
    expect(err.message).toContain('done: false but no nextRecordsUrl');
  });

  it('follows a child subquery over its own nextRecordsUrl and renames it as configured; null children become empty', async () => {
    const soql =
      "SELECT Id, Name, CreatedDate, (SELECT Id, Entitled_Seats__c FROM customer_subscriptions__r WHERE Status__c = 'Active') FROM Account";
    const sub = (id: string, seats: number) => ({ attributes: { type: 'Customer_Subscription__c' }, Id: id, Entitled_Seats__c: seats });
    const scope = sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/sobjects/Customer_Subscription__c/describe`)
      .reply(200, subscriptionDescribe)
      .get(`${API}/query`)
      .query({ q: soql })
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [
          acct('001A', 'A', {
            Customer_Subscriptions__r: { totalSize: 3, done: false, nextRecordsUrl: `${API}/query/01gB-200`, records: [sub('a2', 5), sub('a1', 10)] },
          }),
          acct('001B', 'B', { Customer_Subscriptions__r: null }),
        ],
      })
      .get(`${API}/query/01gB-200`)
      .reply(200, { totalSize: 3, done: true, records: [sub('a0', 1)] });
    const data = await createSalesforceReader(noRetry).read({
      instance: tokenInstance(),
      sync: sync({
        organizations: organizations({
          include: [{ relationship: 'customer_subscriptions__r', where: "Status__c = 'Active'", fields: [] }],
          fields: { seats: { kind: 'field', from: 'customer_subscriptions__r.Entitled_Seats__c', aggregate: 'sum', name: 'f' } },
        }),
      }),
    });
    scope.done();
    const a = data.accounts[0] as Record<string, unknown>;
    expect(a.Customer_Subscriptions__r).toBeUndefined();
    expect(a.customer_subscriptions__r).toEqual({
      totalSize: 3,
      done: true,
      records: [
        { attributes: { type: 'Customer_Subscription__c' }, Id: 'a0', Entitled_Seats__c: 1 },
        { attributes: { type: 'Customer_Subscription__c' }, Id: 'a1', Entitled_Seats__c: 10 },
        { attributes: { type: 'Customer_Subscription__c' }, Id: 'a2', Entitled_Seats__c: 5 },
      ],
    });
    expect((data.accounts[1] as Record<string, unknown>).customer_subscriptions__r).toEqual({ totalSize: 0, done: true, records: [] });
    expect(Object.keys(data.describe).sort()).toEqual(['Account', 'Customer_Subscription__c']);
  });

  it('names the include when Account has no such child relationship', async () => {
    sf().get(`${API}/sobjects/Account/describe`).reply(200, accountDescribe);
    const err = await rejection(
      createSalesforceReader(noRetry).read({
        instance: tokenInstance(),
        sync: sync({ organizations: organizations({ include: [{ relationship: 'Nope__r', fields: [] }] }) }),
      }),
    );
    expect(err.message).toContain('Account has no child relationship Nope__r');
  });

  it('reads contacts (with and without an account), leads, relations filtered to the contacts read, and retention', async () => {
    const contactSoql = 'SELECT Id, CreatedDate, Email, AccountId, Account.Name, Name FROM Contact WHERE Inactive_Contact__c = false';
    const leadSoql = 'SELECT Id, CreatedDate, Email, Name FROM Lead WHERE IsConverted = false';
    const relSoql = 'SELECT Id, AccountId, ContactId, IsDirect, IsActive FROM AccountContactRelation WHERE IsDirect = false';
    const retSoql = "SELECT Id FROM Account WHERE (Type = 'Former Customer')";
    const scope = sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/sobjects/Contact/describe`)
      .reply(200, contactDescribe)
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, { name: 'Lead', fields: [{ name: 'Id', type: 'id' }] })
      .get(`${API}/query`)
      .query({ q: 'SELECT Id, Name, CreatedDate FROM Account' })
      .reply(200, { totalSize: 1, done: true, records: [acct('001A', 'A')] })
      .get(`${API}/query`)
      .query({ q: contactSoql })
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [
          { attributes: { type: 'Contact' }, Id: '003B', CreatedDate: '2024-01-01T00:00:00.000+0000', Email: 'b@x.test', AccountId: null, Account: null, Name: 'B' },
          { attributes: { type: 'Contact' }, Id: '003A', CreatedDate: '2024-01-01T00:00:00.000+0000', Email: 'a@x.test', AccountId: '001A', Account: { attributes: { type: 'Account' }, Name: 'A' }, Name: 'A' },
        ],
      })
      .get(`${API}/query`)
      .query({ q: leadSoql })
      .reply(200, { totalSize: 1, done: true, records: [{ attributes: { type: 'Lead' }, Id: '00QA', CreatedDate: '2024-01-01T00:00:00.000+0000', Email: 'l@x.test', Name: 'L' }] })
      .get(`${API}/sobjects/AccountContactRelation/describe`)
      .reply(200, { name: 'AccountContactRelation', fields: [{ name: 'Id', type: 'id' }, { name: 'IsDirect', type: 'boolean' }] })
      .get(`${API}/query`)
      .query({ q: relSoql })
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [
          { attributes: { type: 'AccountContactRelation' }, Id: '07kA', AccountId: '001Z', ContactId: '003A', IsDirect: false, IsActive: true },
          { attributes: { type: 'AccountContactRelation' }, Id: '07kB', AccountId: '001Z', ContactId: '003OTHER', IsDirect: false, IsActive: true },
        ],
      })
      .get(`${API}/query`)
      .query({ q: retSoql })
      .reply(200, { totalSize: 2, done: true, records: [{ Id: '001Y' }, { Id: '001X' }] });
    const data = await createSalesforceReader(noRetry).read({
      instance: tokenInstance(),
      sync: sync({
        organizations: organizations({ retention: { delete_when: "Type = 'Former Customer'" } }),
        users: users({
          sources: [
            { object: 'Contact', where: 'Inactive_Contact__c = false' },
            { object: 'Lead', where: 'IsConverted = false' },
          ],
          relationships: { primary: true, secondary: true },
        }),
      }),
    });
    scope.done();
    expect(data.people.map((p) => `${p.attributes?.type}:${p.Id}`)).toEqual(['Contact:003A', 'Contact:003B', 'Lead:00QA']);
    expect(data.people[1].AccountId).toBeNull();
    expect(data.relations).toEqual([{ Id: '07kA', AccountId: '001Z', ContactId: '003A', IsDirect: false, IsActive: true }]);
    expect(data.retention).toEqual(['001X', '001Y']);
    expect(Object.keys(data.describe).sort()).toEqual(['Account', 'AccountContactRelation', 'Contact', 'Lead']);
  });

  it('reads no relations, with a warning, when the org has no AccountContactRelation', async () => {
    const warnings: string[] = [];
    const scope = sf()
      .get(`${API}/sobjects/Contact/describe`)
      .reply(200, contactDescribe)
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 0, done: true, records: [] })
      .get(`${API}/sobjects/AccountContactRelation/describe`)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const data = await createSalesforceReader(noRetry).read({
      instance: tokenInstance(),
      sync: sync({ users: users({ relationships: { primary: true, secondary: true } }) }),
      logger: { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m) },
    });
    scope.done();
    expect(data.relations).toEqual([]);
    expect(warnings.join('\n')).toContain('Contacts to Multiple Accounts is not enabled');
  });
});

describe('errors', () => {
  it('reports a 401 as rejected credentials, without the token', async () => {
    sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const err = await rejection(
      createSalesforceReader(noRetry).read({ instance: tokenInstance(), sync: sync({ organizations: organizations() }) }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain(
      'Salesforce rejected the access_token credentials for instance production (INVALID_SESSION_ID: Session expired or invalid)',
    );
    expect(err.message).not.toContain(SECRET_TOKEN);
  });

  it('reports INVALID_FIELD with Salesforce message, the sync and the query', async () => {
    const sfMessage =
      "\nType, Nope__c FROM Account\n     ^\nERROR at Row:1:Column:40\nNo such column 'Nope__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.";
    sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query({ q: 'SELECT Id, Name, CreatedDate, Nope__c FROM Account' })
      .reply(400, [{ errorCode: 'INVALID_FIELD', message: sfMessage }]);
    const err = await rejection(
      createSalesforceReader(noRetry).read({
        instance: tokenInstance(),
        sync: sync({ organizations: organizations({ fields: { x: { kind: 'field', from: 'Nope__c', name: 'f' } } }) }),
      }),
    );
    expect(err.code).toBe('salesforce_query');
    expect(err.message).toContain('Salesforce refused the organizations query of sync global (instance production): INVALID_FIELD:');
    expect(err.message).toContain("No such column 'Nope__c' on entity 'Account'");
    expect(err.message).toContain('SOQL: SELECT Id, Name, CreatedDate, Nope__c FROM Account');
  });

  it('reports a 500 with what Salesforce said', async () => {
    sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId: 123-456' }]);
    const err = await rejection(
      createSalesforceReader(noRetry).read({ instance: tokenInstance(), sync: sync({ organizations: organizations() }) }),
    );
    expect(err.message).toContain('UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId: 123-456');
    expect(err.message).toContain('organizations query of sync global');
  });

  it('retries a 500 and carries on when it succeeds', async () => {
    const scope = sf()
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'busy' }])
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 1, done: true, records: [acct('001A', 'A')] });
    const data = await createSalesforceReader({ retry: { maxRetries: 2, minTimeout: 1 } }).read({
      instance: tokenInstance(),
      sync: sync({ organizations: organizations() }),
    });
    scope.done();
    expect(data.accounts.map((a) => a.Id)).toEqual(['001A']);
  });

  it('names the URL of an unreachable instance', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const err = await rejection(
      createSalesforceReader(noRetry).read({
        instance: tokenInstance({ auth: { method: 'access_token', token: SECRET_TOKEN, instance_url: url } }),
        sync: sync({ organizations: organizations() }),
      }),
    );
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain(`Cannot reach Salesforce instance production at ${url} (ECONNREFUSED)`);
    expect(err.message).not.toContain(SECRET_TOKEN);
  });
});

describe('Bulk API 2.0', () => {
  it('reads a large query without subqueries through a bulk job, over result pages, with typed values', async () => {
    const soql = 'SELECT Id, CreatedDate, Email, AccountId, Account.Name, Name, Inactive_Contact__c, Seats__c FROM Contact';
    let jobBody: unknown;
    const scope = sf()
      .get(`${API}/sobjects/Contact/describe`)
      .reply(200, contactDescribe)
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query({ q: soql })
      .reply(200, { totalSize: 3, done: false, nextRecordsUrl: `${API}/query/01gC-1`, records: [] })
      .post(`${API}/jobs/query`, (body: unknown) => {
        jobBody = body;
        return true;
      })
      .reply(200, { id: '750J', state: 'UploadComplete' })
      .get(`${API}/jobs/query/750J`)
      .reply(200, { id: '750J', state: 'InProgress' })
      .get(`${API}/jobs/query/750J`)
      .reply(200, { id: '750J', state: 'JobComplete', numberRecordsProcessed: 3 })
      .get(`${API}/jobs/query/750J/results`)
      .query({ maxRecords: '2' })
      .reply(
        200,
        '"Id","CreatedDate","Email","AccountId","Account.Name","Name","Inactive_Contact__c","Seats__c"\n' +
          '"003B","2024-02-01T10:00:00.000Z","b@x.test","","","Bee, ""B""","false","2.5"\n' +
          '"003A","2024-01-01T10:00:00.000Z","a@x.test","001A","Acme","Ay","true",""\n',
        { 'sforce-locator': 'LOC1', 'sforce-numberofrecords': '2', 'content-type': 'text/csv' },
      )
      .get(`${API}/jobs/query/750J/results`)
      .query({ maxRecords: '2', locator: 'LOC1' })
      .reply(
        200,
        '"Id","CreatedDate","Email","AccountId","Account.Name","Name","Inactive_Contact__c","Seats__c"\n' +
          '"003C","2024-03-01T10:00:00.000Z","c@x.test","001A","Acme","Line1\nLine2","false","7"\n',
        { 'sforce-locator': 'null', 'sforce-numberofrecords': '1', 'content-type': 'text/csv' },
      );
    const progress = recorder();
    const data = await createSalesforceReader({ ...noRetry, bulkThreshold: 3, bulkPageSize: 2, bulkPollIntervalMs: 1 }).read({
      instance: tokenInstance(),
      sync: sync({
        users: users({
          fields: {
            inactive: { kind: 'field', from: 'Inactive_Contact__c', name: 'f1' },
            seats: { kind: 'field', from: 'Contact.Seats__c', name: 'f2' },
          },
        }),
      }),
      progress,
    });
    scope.done();
    expect(jobBody).toEqual({ operation: 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' });
    expect(data.people).toEqual([
      {
        attributes: { type: 'Contact' },
        Id: '003A',
        CreatedDate: '2024-01-01T10:00:00.000+0000',
        Email: 'a@x.test',
        AccountId: '001A',
        Account: { Name: 'Acme' },
        Name: 'Ay',
        Inactive_Contact__c: true,
        Seats__c: null,
      },
      {
        attributes: { type: 'Contact' },
        Id: '003B',
        CreatedDate: '2024-02-01T10:00:00.000+0000',
        Email: 'b@x.test',
        AccountId: null,
        Account: null,
        Name: 'Bee, "B"',
        Inactive_Contact__c: false,
        Seats__c: 2.5,
      },
      {
        attributes: { type: 'Contact' },
        Id: '003C',
        CreatedDate: '2024-03-01T10:00:00.000+0000',
        Email: 'c@x.test',
        AccountId: '001A',
        Account: { Name: 'Acme' },
        Name: 'Line1\nLine2',
        Inactive_Contact__c: false,
        Seats__c: 7,
      },
    ]);
    expect(progress.calls).toEqual(['start contacts (global) 3', 'tick 2', 'tick 1', 'done 3 contacts (global)']);
  });

  it('refuses a bulk read shorter than the job reported', async () => {
    sf()
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, { name: 'Lead', fields: [{ name: 'Id', type: 'id' }] })
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 3, done: false, nextRecordsUrl: `${API}/query/01gD-1`, records: [] })
      .post(`${API}/jobs/query`)
      .reply(200, { id: '750K', state: 'JobComplete', numberRecordsProcessed: 3 })
      .get(`${API}/jobs/query/750K/results`)
      .query(true)
      .reply(200, '"Id","CreatedDate","Email","Name"\n"00QA","","",""\n', { 'sforce-locator': 'null' });
    const err = await rejection(
      createSalesforceReader({ ...noRetry, bulkThreshold: 2 }).read({
        instance: tokenInstance(),
        sync: sync({ users: users({ sources: [{ object: 'Lead' }] }) }),
      }),
    );
    expect(err.message).toContain('reported 3 records for the users (Lead) query of sync global but 1 were read');
  });

  it('reports a failed bulk job with its error message', async () => {
    sf()
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, { name: 'Lead', fields: [{ name: 'Id', type: 'id' }] })
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 3, done: false, nextRecordsUrl: `${API}/query/01gD-1`, records: [] })
      .post(`${API}/jobs/query`)
      .reply(200, { id: '750L', state: 'Failed', errorMessage: 'INVALID_FIELD: No such column' });
    const err = await rejection(
      createSalesforceReader({ ...noRetry, bulkThreshold: 2 }).read({
        instance: tokenInstance(),
        sync: sync({ users: users({ sources: [{ object: 'Lead' }] }) }),
      }),
    );
    expect(err.message).toContain('job 750L for the users (Lead) query of sync global ended Failed: INVALID_FIELD: No such column');
  });
});

describe('fallbacks and sessions', () => {
  it('pages with REST when a bulk job cannot be created', async () => {
    const warnings: string[] = [];
    const scope = sf()
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, { name: 'Lead', fields: [{ name: 'Id', type: 'id' }] })
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 3, done: false, nextRecordsUrl: `${API}/query/01gE-2`, records: [{ attributes: { type: 'Lead' }, Id: '00QB' }, { attributes: { type: 'Lead' }, Id: '00QC' }] })
      .post(`${API}/jobs/query`)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
      .get(`${API}/query/01gE-2`)
      .reply(200, { totalSize: 3, done: true, records: [{ attributes: { type: 'Lead' }, Id: '00QA' }] });
    const data = await createSalesforceReader({ ...noRetry, bulkThreshold: 2 }).read({
      instance: tokenInstance(),
      sync: sync({ users: users({ sources: [{ object: 'Lead' }] }) }),
      logger: { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m) },
    });
    scope.done();
    expect(data.people.map((p) => p.Id)).toEqual(['00QA', '00QB', '00QC']);
    expect(warnings.join('\n')).toContain('reading it with the REST API instead');
  });

  it('renews an expired JWT session during a read and carries on', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const instance = tokenInstance({ auth: { method: 'jwt', client_id: 'cid', username: 'u@acme', private_key: pem } });
    const login = nock(instance.login_url)
      .post('/services/oauth2/token')
      .reply(200, { access_token: 'sess-1', instance_url: INSTANCE_URL })
      .post('/services/oauth2/token')
      .reply(200, { access_token: 'sess-2', instance_url: INSTANCE_URL });
    const old = nock(INSTANCE_URL, { reqheaders: { authorization: 'Bearer sess-1' } })
      .get(`${API}/sobjects/Account/describe`)
      .reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const fresh = nock(INSTANCE_URL, { reqheaders: { authorization: 'Bearer sess-2' } })
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, accountDescribe)
      .get(`${API}/query`)
      .query(true)
      .reply(200, { totalSize: 1, done: true, records: [acct('001A', 'A')] });
    const data = await createSalesforceReader(noRetry).read({ instance, sync: sync({ organizations: organizations() }) });
    login.done();
    old.done();
    fresh.done();
    expect(data.accounts.map((a) => a.Id)).toEqual(['001A']);
  });

  it('gives up when fresh sessions keep being rejected', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const instance = tokenInstance({ auth: { method: 'jwt', client_id: 'cid', username: 'u@acme', private_key: pem } });
    nock(instance.login_url).post('/services/oauth2/token').times(10).reply(200, { access_token: 'sess-x', instance_url: INSTANCE_URL });
    nock(INSTANCE_URL)
      .get(`${API}/sobjects/Account/describe`)
      .times(10)
      .reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const err = await rejection(createSalesforceReader(noRetry).read({ instance, sync: sync({ organizations: organizations() }) }));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('Salesforce rejected the jwt credentials for instance production');
    expect(err.message).not.toContain('PRIVATE KEY');
  });
});
