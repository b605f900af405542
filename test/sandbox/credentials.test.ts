// Credentials mode and the rate-limit header variants, over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { parseSeed, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: r.headers };
}
const form = (fields: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('Zendesk credentials mode', () => {
  it('lets only the listed tokens in; an agent may read but not write', async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: { zendesk: { credentials: [{ email: 'admin@x.test', token: 'adm', role: 'admin' }, { email: 'agent@x.test', token: 'agt', role: 'agent' }, { token: 'oauth-1', role: 'admin' }] } },
    });
    const url = `${sandbox.url}/api/v2/organizations.json`;
    expect((await call(url, { headers: { Authorization: basic('admin@x.test/token', 'adm') } })).status).toBe(200);
    expect((await call(url, { headers: { Authorization: 'Bearer oauth-1' } })).status).toBe(200);
    const wrong = await call(url, { headers: { Authorization: basic('admin@x.test/token', 'nope') } });
    expect(wrong).toMatchObject({ status: 401, body: { error: "Couldn't authenticate you" } });
    expect((await call(url, { headers: { Authorization: 'Bearer other' } })).status).toBe(401);
    expect((await call(url, { headers: { Authorization: basic('agent@x.test/token', 'agt') } })).status).toBe(200);
    const write = await call(`${sandbox.url}/api/v2/organizations.json`, {
      method: 'POST',
      headers: { Authorization: basic('agent@x.test/token', 'agt'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ organization: { name: 'X' } }),
    });
    expect(write).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect(sandbox.state().zendesk?.organizations).toEqual([]);
  });

  it('accepts any credentials without a credentials list (the demo)', async () => {
    sandbox = await startSandbox({ port: 0, seed: {} });
    expect((await call(`${sandbox.url}/api/v2/users.json`, { headers: { Authorization: basic('x/token', 'y') } })).status).toBe(200);
    expect((await call(`${sandbox.url}/api/v2/users.json`)).status).toBe(401);
  });
});

describe('Salesforce credentials mode', () => {
  it('refuses wrong credentials with the live OAuth errors and expires access tokens after the configured time', async () => {
    let t = 1_000_000;
    sandbox = await startSandbox({
      port: 0,
      now: () => t,
      seed: { salesforce: { auth: { users: [{ username: 'ops@x.test', password: 'pw', security_token: 'TOK' }], clients: [{ client_id: 'app', client_secret: 's3' }], token_lifetime_seconds: 60 } } },
    });
    const token = `${sandbox.url}/services/oauth2/token`;
    expect(await call(token, form({ grant_type: 'password', client_id: 'app', client_secret: 's3', username: 'ops@x.test', password: 'bad' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } });
    expect(await call(token, form({ grant_type: 'password', client_id: 'other', client_secret: 's3', username: 'ops@x.test', password: 'pwTOK' }))).toMatchObject({ status: 400, body: { error: 'invalid_client_id' } });
    expect(await call(token, form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'wrong' }))).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    const ok = await call(token, form({ grant_type: 'password', client_id: 'app', client_secret: 's3', username: 'ops@x.test', password: 'pwTOK' }));
    expect(ok.status).toBe(200);
    const access = (ok.body as { access_token: string }).access_token;
    const query = `${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`;
    expect((await call(query, { headers: { Authorization: `Bearer ${access}` } })).status).toBe(200);
    expect(await call(query, { headers: { Authorization: 'Bearer made-up' } })).toMatchObject({ status: 401, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] });
    t += 60_000;
    expect(await call(query, { headers: { Authorization: `Bearer ${access}` } })).toMatchObject({ status: 401, body: [{ errorCode: 'INVALID_SESSION_ID' }] });
  });
});

describe('Salesforce credentials mode: SOAP login', () => {
  it('logs in the listed user (password + security token) and refuses others with INVALID_LOGIN', async () => {
    sandbox = await startSandbox({ port: 0, seed: { salesforce: { auth: { users: [{ username: 'ops@x.test', password: 'pw', security_token: 'TOK' }] } } } });
    const login = (user: string, pass: string): Promise<Response> =>
      fetch(`${sandbox!.url}/services/Soap/u/62.0`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', SOAPAction: 'login' },
        body: `<?xml version="1.0"?><se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>${user}</username><password>${pass}</password></login></se:Body></se:Envelope>`,
      });
    expect((await login('ops@x.test', 'pwTOK')).status).toBe(200);
    const bad = await login('ops@x.test', 'pw-wrong');
    expect(bad.status).toBe(500);
    expect(await bad.text()).toContain('INVALID_LOGIN');
  });

  it('refuses a seed whose salesforce.auth is malformed', async () => {
    expect(() => parseSeed(JSON.stringify({ salesforce: { auth: { users: 'x' } } }), 'seed.json')).toThrow(/seed\.json: salesforce\.auth is/);
    expect(() => parseSeed(JSON.stringify({ zendesk: { credentials: [{ token: 't' }] } }), 'seed.json')).toThrow(/credentials\[0\] needs role/);
    expect(() => parseSeed(JSON.stringify({ zendesk: { rate_limit_headers: 'x' } }), 'seed.json')).toThrow(/rate_limit_headers/);
  });
});

describe('Zendesk rate-limit header variants', () => {
  it('sends current ratelimit-* headers by default and 2023-style rate-limit-* when asked', async () => {
    sandbox = await startSandbox({ port: 0, seed: {} });
    const current = await call(`${sandbox.url}/api/v2/users.json`, { headers: { Authorization: 'Bearer t' } });
    expect(current.headers.get('ratelimit-limit')).toBe('700');
    expect(current.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
    expect(current.headers.get('rate-limit')).toBeNull();
    await sandbox.close();
    sandbox = await startSandbox({ port: 0, seed: {}, zendeskRateLimitHeaders: 'rate-limit' });
    const old = await call(`${sandbox.url}/api/v2/users.json`, { headers: { Authorization: 'Bearer t' } });
    expect(old.headers.get('rate-limit')).toBe('700');
    expect(old.headers.get('rate-limit-remaining')).toBe('699');
    expect(old.headers.get('rate-limit-reset')).toMatch(/^\d+$/);
    expect(old.headers.get('ratelimit-reset')).toBeNull();
    expect(old.headers.get('x-rate-limit-remaining')).toBe('699');
  });

  it('takes the variant from the seed per instance', async () => {
    sandbox = await startSandbox({ port: 0, seed: { zendesk: { rate_limit_headers: 'rate-limit' }, zendesk_instances: { fed: {} } } });
    expect((await call(`${sandbox.url}/api/v2/users.json`, { headers: { Authorization: 'Bearer t' } })).headers.get('rate-limit-reset')).not.toBeNull();
    expect((await call(`${sandbox.zendeskUrl('fed')}/api/v2/users.json`, { headers: { Authorization: 'Bearer t' } })).headers.get('ratelimit-reset')).not.toBeNull();
  });
});
