import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { OutcomeUnknownError, parseRetryAfter, ZendeskHttpError, ZendeskTransport } from '../../src/zendesk/transport.js';
import { ZdsfError } from '../../src/util/errors.js';
import { BASE, EMAIL, TOKEN, fakeClock, instance, testOptions } from './helpers.js';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** A fetch that fails like undici does, with a code on the cause. */
function failingFetch(code: string, then?: () => Response) {
  let calls = 0;
  const fn = async (): Promise<Response> => {
    calls++;
    if (then && calls > 1) return then();
    const cause = Object.assign(new Error(`simulated ${code}`), { code });
    throw new TypeError('fetch failed', { cause });
  };
  return { fn, calls: () => calls };
}

/** A fetch that never answers until aborted (the transport's timeout). */
function hangingFetch(then?: () => Response) {
  let calls = 0;
  const fn = (_url: string, init: RequestInit): Promise<Response> => {
    calls++;
    if (then && calls > 1) return Promise.resolve(then());
    return new Promise((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
    });
  };
  return { fn, calls: () => calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('ZendeskTransport: authentication', () => {
  it('sends Basic base64(email/token:token) for api_token', async () => {
    const expected = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;
    const scope = nock(BASE, { reqheaders: { authorization: expected, accept: 'application/json' } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 1 } });
    const t = new ZendeskTransport(instance(), testOptions());
    const res = await t.get('/users/me');
    expect(res.body).toEqual({ user: { id: 1 } });
    expect(t.requestCount).toBe(1);
    scope.done();
  });

  it('sends Bearer for oauth', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: 'Bearer oauth-tok' } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 2 } });
    const t = new ZendeskTransport(instance({ auth: { method: 'oauth', token: 'oauth-tok' } }), testOptions());
    await t.get('/users/me');
    scope.done();
  });

  it('401 names the instance and URL and never the token', async () => {
    nock(BASE).get('/api/v2/organizations').reply(401, { error: "Couldn't authenticate you" });
    const t = new ZendeskTransport(instance(), testOptions());
    const err = await t.get('/organizations').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskHttpError);
    const e = err as ZendeskHttpError;
    expect(e.message).toContain(`Zendesk rejected the api_token credentials for instance global (${BASE})`);
    expect(e.code).toBe('unauthorized');
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).not.toContain(Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64'));
    expect(t.requestCount).toBe(1); // not retried
  });

  it('refuses to send credentials to another host', async () => {
    const t = new ZendeskTransport(instance(), testOptions());
    await expect(t.get('https://evil.example.com/api/v2/users')).rejects.toThrow(/another host/);
    expect(t.requestCount).toBe(0);
  });
});

describe('ZendeskTransport: errors kept distinguishable', () => {
  it('403 is a forbidden ZendeskHttpError with Zendesk reason', async () => {
    nock(BASE).post('/api/v2/users/create_or_update_many').reply(403, { error: 'Forbidden', description: 'Bulk user import is not enabled' });
    const t = new ZendeskTransport(instance(), testOptions());
    const err = (await t.request('POST', '/users/create_or_update_many', { body: { users: [] } }).catch((e: unknown) => e)) as ZendeskHttpError;
    expect(err).toBeInstanceOf(ZendeskHttpError);
    expect(err.status).toBe(403);
    expect(err.code).toBe('forbidden');
    expect(err.message).toContain('Bulk user import is not enabled');
  });

  it('422 keeps the body with its details', async () => {
    const body = {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { name: [{ description: 'Name: has already been taken', error: 'DuplicateValue' }] },
    };
    nock(BASE).post('/api/v2/organizations').reply(422, body);
    const t = new ZendeskTransport(instance(), testOptions());
    const err = (await t.request('POST', '/organizations', { body: { organization: { name: 'A' } } }).catch((e: unknown) => e)) as ZendeskHttpError;
    expect(err.status).toBe(422);
    expect(err.body).toEqual(body);
    expect(err.message).toContain('Name: has already been taken');
  });

  it('an unreachable host is a ZdsfError naming the URL', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const clock = fakeClock();
    const t = new ZendeskTransport(instance({ url: `http://127.0.0.1:${port}` }), testOptions(clock));
    const err = (await t.get('/organizations').catch((e: unknown) => e)) as ZdsfError;
    expect(err).toBeInstanceOf(ZdsfError);
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain(`http://127.0.0.1:${port}/api/v2/organizations`);
    expect(t.requestCount).toBe(3); // a connection refused is retried briefly, nothing was sent
  });
});

describe('ZendeskTransport: rate limits and retries', () => {
  it('waits Retry-After on 429, then succeeds', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/organizations').reply(429, { error: 'TooManyRequests' }, { 'Retry-After': '7' });
    nock(BASE).get('/api/v2/organizations').reply(200, { organizations: [] });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    const res = await t.get('/organizations');
    expect(res.status).toBe(200);
    expect(clock.sleeps).toEqual([7000]);
    expect(t.requestCount).toBe(2);
    expect(t.rateLimitedCount).toBe(1);
  });

  it('retries a POST after 429 (Zendesk did not process it)', async () => {
    const clock = fakeClock();
    nock(BASE).post('/api/v2/organizations/create_many').reply(429, {}, { 'Retry-After': '3' });
    nock(BASE).post('/api/v2/organizations/create_many').reply(200, { job_status: { id: 'j', status: 'queued' } });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    const res = await t.request('POST', '/organizations/create_many', { body: { organizations: [] } });
    expect(res.body).toEqual({ job_status: { id: 'j', status: 'queued' } });
    expect(clock.sleeps).toEqual([3000]);
  });

  it('waits Retry-After on 503, then succeeds', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/users').reply(503, 'maintenance', { 'Retry-After': '12' });
    nock(BASE).get('/api/v2/users').reply(200, { users: [] });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    await t.get('/users');
    expect(clock.sleeps).toEqual([12000]);
  });

  it('a POST answered 503 without Retry-After is not re-sent: its outcome is unknown (a gateway may have passed it on)', async () => {
    const clock = fakeClock();
    const scope = nock(BASE).post('/api/v2/organizations/create_many.json').reply(503, 'upstream error');
    const t = new ZendeskTransport(instance(), testOptions(clock));
    await expect(t.request('POST', '/organizations/create_many.json', { body: { organizations: [] } })).rejects.toBeInstanceOf(OutcomeUnknownError);
    scope.done();
    expect(t.requestCount).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after repeated 429s with an actionable message', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/users').times(3).reply(429, {}, { 'Retry-After': '1' });
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), maxRateLimitAttempts: 3 });
    const err = (await t.get('/users').catch((e: unknown) => e)) as ZendeskHttpError;
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/kept answering 429.*max_requests_per_minute/);
    expect(t.requestCount).toBe(3);
  });

  it('retries 500 with exponential backoff and jitter, then succeeds', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/organizations').times(2).reply(500, { error: 'InternalError' });
    nock(BASE).get('/api/v2/organizations').reply(200, { organizations: [{ id: 1 }] });
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), baseDelayMs: 1000 });
    const res = await t.get('/organizations');
    expect(res.body).toEqual({ organizations: [{ id: 1 }] });
    // random() = 0.5: half of the delay fixed plus a quarter -> 750, then 1500
    expect(clock.sleeps).toEqual([750, 1500]);
  });

  it('stops after maxAttempts 5xx', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/organizations').times(6).reply(502, 'bad gateway');
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), maxAttempts: 6 });
    const err = (await t.get('/organizations').catch((e: unknown) => e)) as ZendeskHttpError;
    expect(err).toBeInstanceOf(ZendeskHttpError);
    expect(err.code).toBe('server_error');
    expect(t.requestCount).toBe(6);
    expect(clock.sleeps).toHaveLength(5);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(60_000);
  });

  it('by default tries a read 10 times (50 % faults: a read of hundreds of pages gets through), waiting at most ~100 s in all', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/organizations').times(9).reply(500, 'injected');
    nock(BASE).get('/api/v2/organizations').reply(200, { organizations: [{ id: 1 }] });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    const res = await t.get('/organizations');
    expect(res.body).toEqual({ organizations: [{ id: 1 }] });
    expect(t.requestCount).toBe(10);
    expect(clock.sleeps).toHaveLength(9);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(16_000);
    // random() = 0.5 in these tests (3/4 of each delay); at most the whole of each delay without jitter
    expect((clock.sleeps.reduce((a, b) => a + b, 0) * 4) / 3).toBeLessThanOrEqual(110_000);
  });

  it('never re-sends a POST after a 5xx: OutcomeUnknownError', async () => {
    const clock = fakeClock();
    const scope = nock(BASE).post('/api/v2/organizations/create_many').reply(504, 'gateway timeout');
    const t = new ZendeskTransport(instance(), testOptions(clock));
    const err = await t.request('POST', '/organizations/create_many', { body: { organizations: [] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).code).toBe('outcome_unknown');
    expect(t.requestCount).toBe(1);
    scope.done();
  });

  it('a POST that times out is OutcomeUnknownError, not re-sent', async () => {
    const f = hangingFetch();
    const t = new ZendeskTransport(instance(), { ...testOptions(), fetch: f.fn, timeoutMs: 20 });
    const err = await t.request('POST', '/organizations/create_many', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('no answer within 20 ms');
    expect(f.calls()).toBe(1);
  });

  it('a GET that times out is retried', async () => {
    const clock = fakeClock();
    const f = hangingFetch(() => json({ users: [] }));
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), fetch: f.fn, timeoutMs: 20 });
    const res = await t.get('/users');
    expect(res.body).toEqual({ users: [] });
    expect(f.calls()).toBe(2);
    expect(clock.sleeps).toEqual([750]);
  });

  it('a silent Zendesk: a GET is tried twice with timeout_seconds, then "did not answer within N s"', async () => {
    const f = hangingFetch();
    const t = new ZendeskTransport(instance({ timeout_seconds: 1 }), { ...testOptions(), fetch: f.fn });
    const err = await t.get('/users').catch((e: unknown) => e);
    expect((err as Error).message).toContain('Zendesk instance global did not answer within 1 s');
    expect((err as Error).message).toContain('zendesk.global.timeout_seconds');
    expect(f.calls()).toBe(2);
  });

  it('a connection reset: POST is OutcomeUnknown, PUT is retried', async () => {
    const post = failingFetch('ECONNRESET');
    const t1 = new ZendeskTransport(instance(), { ...testOptions(), fetch: post.fn });
    await expect(t1.request('POST', '/organization_memberships/create_many', { body: {} })).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(post.calls()).toBe(1);

    const put = failingFetch('ECONNRESET', () => json({ job_status: { id: 'x', status: 'queued' } }));
    const t2 = new ZendeskTransport(instance(), { ...testOptions(), fetch: put.fn });
    const res = await t2.request('PUT', '/organizations/update_many', { body: {} });
    expect(res.status).toBe(200);
    expect(put.calls()).toBe(2);
  });

  it('a kept-alive socket the server closed (UND_ERR_SOCKET): a GET is re-sent once at once, then backs off as usual', async () => {
    const clock = fakeClock();
    let calls = 0;
    const fetchFn = async (): Promise<Response> => {
      calls++;
      if (calls <= 2) throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      return json({ users: [] });
    };
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), fetch: fetchFn });
    const res = await t.get('/users');
    expect(res.body).toEqual({ users: [] });
    expect(calls).toBe(3);
    // the first re-send without waiting, the second after the usual backoff
    expect(clock.sleeps).toEqual([750]);
  });

  it('a socket closed while reading the body of a PUT (undici "terminated"): re-sent once', async () => {
    const clock = fakeClock();
    let calls = 0;
    const fetchFn = async (): Promise<Response> => {
      calls++;
      if (calls === 1) {
        const body = new ReadableStream({
          start(controller) {
            controller.error(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
          },
        });
        return new Response(body, { status: 200 });
      }
      return json({ job_status: { id: 'j', status: 'queued' } });
    };
    const t = new ZendeskTransport(instance(), { ...testOptions(clock), fetch: fetchFn });
    const res = await t.request('PUT', '/users/update_many', { body: { users: [] } });
    expect(res.status).toBe(200);
    expect(calls).toBe(2);
    expect(clock.sleeps).toEqual([]);
  });

  it('a POST on a socket the server closed is not re-sent (it may have been carried out)', async () => {
    const f = failingFetch('UND_ERR_SOCKET', () => json({ ok: true }));
    const t = new ZendeskTransport(instance(), { ...testOptions(), fetch: f.fn });
    await expect(t.request('POST', '/organizations/create_many', { body: {} })).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(f.calls()).toBe(1);
  });

  it('a POST explicitly marked idempotent is retried after a reset', async () => {
    const f = failingFetch('ECONNRESET', () => json({ ok: true }));
    const t = new ZendeskTransport(instance(), { ...testOptions(), fetch: f.fn });
    await t.request('POST', '/users/create_or_update', { body: {}, idempotent: true });
    expect(f.calls()).toBe(2);
  });
});

describe('ZendeskTransport: pacing', () => {
  it('never exceeds max_requests_per_minute in any 60 s window (fake clock)', async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    nock(BASE)
      .get('/api/v2/users/me')
      .times(23)
      .reply(() => {
        sentAt.push(clock.now());
        return [200, { user: { id: 1 } }];
      });
    const t = new ZendeskTransport(instance({ max_requests_per_minute: 5 }), testOptions(clock));
    for (let i = 0; i < 23; i++) await t.get('/users/me');
    expect(sentAt).toHaveLength(23);
    for (const start of sentAt) {
      const inWindow = sentAt.filter((s) => s >= start && s < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(5);
    }
    // 23 requests at 5 a minute need at least 4 full minutes
    expect(sentAt[22] - sentAt[0]).toBeGreaterThanOrEqual(4 * 60_000);
  });

  it('keeps under the account limit it observes when none is configured', async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    nock(BASE)
      .get('/api/v2/users/me')
      .times(8)
      .reply(() => {
        sentAt.push(clock.now());
        return [200, { user: {} }, { 'X-Rate-Limit': '3', 'X-Rate-Limit-Remaining': '100' }];
      });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    for (let i = 0; i < 8; i++) await t.get('/users/me');
    expect(t.observedLimitPerMinute).toBe(3);
    for (const start of sentAt) expect(sentAt.filter((s) => s >= start && s < start + 60_000).length).toBeLessThanOrEqual(3);
  });

  it('waits for the reset when ratelimit-remaining reaches 0', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/users/me').reply(200, { user: {} }, { 'ratelimit-remaining': '0', 'ratelimit-reset': '10', 'X-Rate-Limit': '700' });
    nock(BASE).get('/api/v2/users/me').reply(200, { user: {} }, { 'ratelimit-remaining': '699', 'ratelimit-reset': '60' });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    await t.get('/users/me');
    await t.get('/users/me');
    expect(clock.sleeps).toEqual([10_000]);
  });

  it('spreads the last few requests of a window when X-Rate-Limit-Remaining is low', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/users/me').reply(200, { user: {} }, { 'X-Rate-Limit': '200', 'X-Rate-Limit-Remaining': '3', 'ratelimit-reset': '40' });
    nock(BASE).get('/api/v2/users/me').reply(200, { user: {} }, { 'X-Rate-Limit': '200', 'X-Rate-Limit-Remaining': '150' });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    await t.get('/users/me');
    await t.get('/users/me');
    expect(clock.sleeps).toEqual([10_000]); // 40 s left for 3 requests -> one every 10 s
  });

  it('does not slow down while plenty of requests remain', async () => {
    const clock = fakeClock();
    nock(BASE).get('/api/v2/users/me').times(5).reply(200, { user: {} }, { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '650' });
    const t = new ZendeskTransport(instance(), testOptions(clock));
    for (let i = 0; i < 5; i++) await t.get('/users/me');
    expect(clock.sleeps).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', 0)).toBe(30_000);
    expect(parseRetryAfter('1.5', 0)).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});
