// Salesforce faults (issue 14): retries of the token request, describes, queries, queryMore and Bulk API 2.0,
// bounded; REQUEST_LIMIT_EXCEEDED not retried; timeouts reported as "did not answer within N s".
import { createServer, type Server, type Socket } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceInstance } from '../../src/model/config.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { connectSalesforce } from '../../src/salesforce/auth.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { classifyFailure, withRetries } from '../../src/salesforce/retry.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ZdsfError } from '../../src/util/errors.js';
import { LOGIN_URL, organizations, sync, tokenInstance, users } from './fixtures.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

async function rejection(p: Promise<unknown>): Promise<ZdsfError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ZdsfError);
    return err as ZdsfError;
  }
  throw new Error('expected a rejection');
}

describe('classifyFailure', () => {
  it('tells transient failures from the others', () => {
    expect(classifyFailure(Object.assign(new Error('x'), { errorCode: 'ERROR_HTTP_500' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('x'), { errorCode: 'ERROR_HTTP_503' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('busy'), { errorCode: 'SERVER_UNAVAILABLE' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(classifyFailure(Object.assign(new Error('gone'), { name: 'AbortError' }))).toBe('timeout');
    expect(classifyFailure(Object.assign(new Error('limit'), { errorCode: 'REQUEST_LIMIT_EXCEEDED' }))).toBe('limit');
    expect(classifyFailure(Object.assign(new Error('bad field'), { errorCode: 'INVALID_FIELD' }))).toBe('fatal');
    expect(classifyFailure(Object.assign(new Error('x'), { errorCode: 'ERROR_HTTP_404' }))).toBe('fatal');
    expect(classifyFailure(new ZdsfError('config', 'config_invalid'))).toBe('fatal');
  });
});

describe('withRetries', () => {
  const ctx = { what: 'GET /query', instance: 'production', timeoutSeconds: 7 };
  const failing = (errs: Error[], value = 'ok') => {
    let n = 0;
    const send = async (): Promise<string> => {
      n += 1;
      const e = errs.shift();
      if (e) throw e;
      return value;
    };
    return { send, tries: () => n };
  };
  const e500 = () => Object.assign(new Error('boom'), { errorCode: 'ERROR_HTTP_500' });

  it('retries 5xx with growing delays until it succeeds', async () => {
    const delays: number[] = [];
    const f = failing([e500(), e500(), e500()]);
    const out = await withRetries(f.send, ctx, { baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 1 });
    expect(out).toBe('ok');
    expect(f.tries()).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const f = failing(Array.from({ length: 10 }, e500));
    const err = await withRetries(f.send, ctx, { ...FAST, maxAttempts: 4 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom');
    expect((err as { retriesExhausted: number }).retriesExhausted).toBe(4);
    expect(f.tries()).toBe(4);
  });

  it('stops when the wait budget is spent, even with tries left', async () => {
    const delays: number[] = [];
    const f = failing(Array.from({ length: 10 }, e500));
    await withRetries(f.send, ctx, { baseDelayMs: 100, maxDelayMs: 100, budgetMs: 250, sleep: async (ms) => void delays.push(ms), random: () => 1 }).catch(() => undefined);
    expect(delays).toEqual([100, 100]);
    expect(f.tries()).toBe(3);
  });

  it('does not retry a fatal error', async () => {
    const f = failing([Object.assign(new Error('no such field'), { errorCode: 'INVALID_FIELD' })]);
    await expect(withRetries(f.send, ctx, FAST)).rejects.toThrow('no such field');
    expect(f.tries()).toBe(1);
  });

  it('tries a timeout once more only, then says how long it waited', async () => {
    const timeout = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
    const f = failing([timeout(), timeout(), timeout()]);
    const err = await rejection(withRetries(f.send, ctx, FAST));
    expect(f.tries()).toBe(2);
    expect(err.code).toBe('salesforce_timeout');
    expect(err.message).toContain('Salesforce instance production did not answer within 7 s');
    expect(err.message).toContain('timeout_seconds');
  });

  it('reports REQUEST_LIMIT_EXCEEDED at once, with the usage Sforce-Limit-Info announced', async () => {
    const f = failing([Object.assign(new Error('TotalRequests Limit exceeded.'), { errorCode: 'REQUEST_LIMIT_EXCEEDED' })]);
    const err = await rejection(withRetries(f.send, { ...ctx, usage: () => ({ used: 15000, limit: 15000 }) }, FAST));
    expect(f.tries()).toBe(1);
    expect(err.code).toBe('salesforce_limit');
    expect(err.message).toContain('REQUEST_LIMIT_EXCEEDED, 15000 of 15000 requests used');
  });
});

describe('the token request', () => {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const ccInstance = (): SalesforceInstance =>
    tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'cc-secret-value' } });

  it('is retried on 500 and 503 and then connects', async () => {
    const scope = nock(LOGIN_URL)
      .post('/services/oauth2/token')
      .reply(500, { error: 'InternalServerError' })
      .post('/services/oauth2/token')
      .reply(503, 'Service Unavailable')
      .post('/services/oauth2/token')
      .reply(200, { access_token: 'fresh', instance_url: 'https://acme.my.salesforce.com' });
    const conn = await connectSalesforce(ccInstance(), { retry: FAST });
    scope.done();
    expect(conn.accessToken).toBe('fresh');
  });

  it('is not retried on 400, and a lasting 500 is reported with the status', async () => {
    const scope = nock(LOGIN_URL).post('/services/oauth2/token').reply(400, { error: 'invalid_client', error_description: 'bad' });
    const err = await rejection(connectSalesforce(ccInstance(), { retry: FAST }));
    scope.done();
    expect(err.code).toBe('unauthorized');
    nock(LOGIN_URL).post('/services/oauth2/token').times(3).reply(500, { error: 'InternalServerError' });
    const err2 = await rejection(connectSalesforce(ccInstance(), { retry: { ...FAST, maxAttempts: 3 } }));
    expect(err2.message).toContain('answered HTTP 500');
    expect(err2.message).toContain('try again later');
    expect(err2.message).not.toContain('cc-secret-value');
  });
});

describe('a Salesforce that accepts connections and never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let url = '';
  beforeAll(async () => {
    server = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is reported as "did not answer within N s" (token request), after timeout_seconds twice', async () => {
    const instance: SalesforceInstance = {
      ...tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'cc-secret-value' } }),
      login_url: url,
      timeout_seconds: 1,
    };
    const err = await rejection(connectSalesforce(instance, { retry: FAST }));
    expect(err.code).toBe('salesforce_timeout');
    expect(err.message).toContain('Salesforce instance production did not answer within 1 s');
  }, 30_000);

  it('is reported as "did not answer within N s" (describe through jsforce)', async () => {
    const instance: SalesforceInstance = {
      ...tokenInstance({ auth: { method: 'access_token', token: 'tok-secret-value', instance_url: url } }),
      timeout_seconds: 1,
    };
    const err = await rejection(createSalesforceReader({ retry: FAST }).read({ instance, sync: sync({ organizations: organizations() }) }));
    expect(err.code).toBe('salesforce_timeout');
    expect(err.message).toContain('did not answer within 1 s');
    expect(err.message).not.toContain('Cannot reach');
  }, 30_000);
});

describe('against the sandbox with injected faults', () => {
  const seed: SandboxSeed = {
    salesforce: {
      Account: Array.from({ length: 60 }, (_, i) => ({ Id: `001${String(i).padStart(12, '0')}AAA`, Name: `Acct ${i}`, CreatedDate: '2024-01-01T00:00:00.000+0000' })),
      Contact: Array.from({ length: 2100 }, (_, i) => ({
        Id: `003${String(i).padStart(12, '0')}AAA`,
        AccountId: `001${String(i % 60).padStart(12, '0')}AAA`,
        Email: `c${i}@x.test`,
        FirstName: 'C',
        LastName: String(i),
        CreatedDate: '2024-01-01T00:00:00.000+0000',
      })),
    },
  };
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed, port: 0, faultSeed: 3 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('reads everything (token, describes, paged queries, Bulk API 2.0) with half the requests failing', async () => {
    const instance: SalesforceInstance = {
      name: 'production',
      login_url: sandbox.salesforceUrl(),
      api_version: '62.0',
      auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'cc-secret-value' },
    };
    const s = sync({ organizations: organizations(), users: users() });
    sandbox.faults({ error_rate: 0 });
    const clean = await createSalesforceReader().read({ instance, sync: s });
    sandbox.faults({ error_rate: 0.5 });
    const retry = { ...FAST, maxAttempts: 30 };
    // REST: the first page, then queryMore over nextRecordsUrl (2,100 contacts: 2 pages)
    const viaRest = await createSalesforceReader({ retry }).read({ instance, sync: s });
    const viaBulk = await createSalesforceReader({ retry, bulkThreshold: 2000, bulkPollIntervalMs: 1, bulkPageSize: 700 }).read({ instance, sync: s });
    const injected = sandbox.stats().faults_injected;
    sandbox.faults({ error_rate: 0 });
    expect(injected).toBeGreaterThan(5);
    expect(clean.people).toHaveLength(2100);
    for (const faulty of [viaRest, viaBulk]) {
      expect(faulty.accounts).toEqual(clean.accounts);
      expect(faulty.people.map((p) => [p.Id, p.Email])).toEqual(clean.people.map((p) => [p.Id, p.Email]));
    }
    const reqs = Object.keys(sandbox.stats().requests);
    expect(reqs.some((k) => k.includes('oauth2/token'))).toBe(true);
    expect(reqs.some((k) => k.includes('jobs/query'))).toBe(true);
  }, 60_000);
});
