// The Salesforce emulator mounted in the real sandbox server (src/sandbox/server.ts), driven by jsforce.
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { A1, smallOrg } from './fixture.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: { salesforce: smallOrg() } });
});
afterAll(async () => {
  await sandbox.close();
});

describe('Salesforce through the sandbox server', () => {
  it('logs in with the client-credentials flow at the sandbox URL and queries', async () => {
    const conn = new Connection({ oauth2: { loginUrl: sandbox.salesforceUrl(), clientId: 'id', clientSecret: 'secret' }, version: '62.0' });
    const res = await conn.oauth2.requestToken({ grant_type: 'client_credentials' });
    expect(res.instance_url).toBe(sandbox.url);
    const session = new Connection({ instanceUrl: res.instance_url, accessToken: res.access_token, version: '62.0' });
    const accounts = await session.query<{ Name: string }>(`SELECT Name, Owner.Name FROM Account WHERE Id = '${A1}'`);
    expect(accounts.records[0]).toMatchObject({ Name: 'Acme Corp', Owner: { Name: 'Ada Admin' } });
  });

  it('serves Bulk API 2.0 CSV results through the server', async () => {
    const conn = new Connection({ instanceUrl: sandbox.url, accessToken: 't', version: '62.0' });
    conn.bulk2.pollInterval = 5;
    const rows = (await (await conn.bulk2.query("SELECT Id, Email FROM Contact WHERE Email LIKE '%acme%' ORDER BY Id")).toArray()) as Record<string, string>[];
    expect(rows).toEqual([
      { Id: '003SB0000000000001', Email: 'jane@acme.test' },
      { Id: '003SB0000000000002', Email: 'JOHN@acme.test' },
    ]);
  });

  it('answers SOQL errors with Salesforce’s body, and the state is the seed', async () => {
    const res = await fetch(`${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Nope FROM Account')}`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/15000$/);
    const body = (await res.json()) as { errorCode: string }[];
    expect(body[0].errorCode).toBe('INVALID_FIELD');
    expect(sandbox.state().salesforce?.Account).toHaveLength(5);
  });
});
