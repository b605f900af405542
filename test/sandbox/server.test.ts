import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSeed, routeTemplate, saveSeed, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ZdsfError } from '../../src/util/errors.js';
import { AUTH, call, seedWithOrgs, withSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('listening', () => {
  it('listens on 127.0.0.1 on a free port and stops on close', async () => {
    sandbox = await startSandbox({ seed: {}, port: 0 });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = sandbox.url;
    await sandbox.close();
    sandbox = undefined;
    await expect(fetch(`${url}/__sandbox/stats`)).rejects.toThrow();
  });

  it('says plainly when the port is taken', async () => {
    sandbox = await startSandbox({ seed: {}, port: 0 });
    const err = await startSandbox({ seed: {}, port: sandbox.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZdsfError);
    expect((err as Error).message).toContain(`Port ${sandbox.port} is already in use`);
  });
});

describe('rate limits', () => {
  it('sends X-Rate-Limit headers, then 429 with Retry-After once the minute is used up, and a new window after it', async () => {
    let clock = 1_000_000;
    const s = await withSandbox(seedWithOrgs(1), { rateLimitPerMinute: 3, now: () => clock });
    sandbox = s.sandbox;
    const first = await s.api('GET', '/api/v2/organizations/1000.json');
    expect(first.headers.get('x-rate-limit')).toBe('3');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(first.headers.get('retry-after')).toBeNull();
    await s.api('GET', '/api/v2/organizations/1000.json');
    await s.api('GET', '/api/v2/organizations/1000.json');
    clock += 20_000;
    const limited = await s.api('GET', '/api/v2/organizations/1000.json');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(sandbox.stats().rate_limited).toBe(1);
    clock += 40_000;
    const again = await s.api('GET', '/api/v2/organizations/1000.json');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-rate-limit-remaining')).toBe('2');
  });

  it('limits each Zendesk instance separately, from the seed, and the option overrides the seed', async () => {
    const seed = { zendesk: { rate_limit_per_minute: 1 }, zendesk_instances: { fed: { rate_limit_per_minute: 2, organizations: [{ id: 5, name: 'Fed Org' }] } } };
    sandbox = await startSandbox({ seed, port: 0 });
    const base = sandbox.url;
    expect((await call(base, 'GET', '/api/v2/organizations.json')).status).toBe(200);
    expect((await call(base, 'GET', '/api/v2/organizations.json')).status).toBe(429);
    const fed = await call(base, 'GET', '/zendesk/fed/api/v2/organizations/5.json');
    expect(fed.status).toBe(200);
    expect(fed.headers.get('x-rate-limit')).toBe('2');
    expect((fed.body.organization as { url: string }).url).toBe(`${base}/zendesk/fed/api/v2/organizations/5.json`);
    expect(sandbox.zendeskUrl('fed')).toBe(`${base}/zendesk/fed`);
    expect(() => sandbox?.zendeskUrl('nope')).toThrow(/No Zendesk instance "nope"/);
    expect((await call(base, 'GET', '/zendesk/nope/api/v2/organizations.json')).status).toBe(404);
    await sandbox.close();
    sandbox = await startSandbox({ seed, port: 0, rateLimitPerMinute: 50 });
    expect((await call(sandbox.url, 'GET', '/api/v2/organizations.json')).headers.get('x-rate-limit')).toBe('50');
  });
});

describe('faults', () => {
  it('error_rate answers that share of requests with 500 or 503, repeatably, before doing anything', async () => {
    const run = async (): Promise<number[]> => {
      const s = await withSandbox(seedWithOrgs(1), { faultSeed: 42 });
      const set = await call(s.sandbox.url, 'POST', '/__sandbox/faults', { error_rate: 0.5 });
      expect(set.body.faults).toEqual({ rate_limit_per_minute: null, error_rate: 0.5, latency_ms: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await s.api('PUT', '/api/v2/organizations/1000.json', { organization: { notes: String(i) } })).status);
      const stats = s.sandbox.stats();
      expect(stats.faults_injected).toBe(statuses.filter((x) => x !== 200).length);
      expect(stats.writes).toBe(statuses.filter((x) => x === 200).length);
      await s.sandbox.close();
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([200, 500, 503]));
    const failed = a.filter((x) => x !== 200).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
  });

  it('rate_limit_per_minute fault overrides the limits; bad faults are refused', async () => {
    const s = await withSandbox(seedWithOrgs(1));
    sandbox = s.sandbox;
    await call(sandbox.url, 'POST', '/__sandbox/faults', { rate_limit_per_minute: 1 });
    expect((await s.api('GET', '/api/v2/organizations.json')).status).toBe(200);
    expect((await s.api('GET', '/api/v2/organizations.json')).status).toBe(429);
    const bad = await call(sandbox.url, 'POST', '/__sandbox/faults', { error_rate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain('error_rate');
  });
});

describe('control endpoints', () => {
  it('state is a seed: saved, loaded again, it gives the same records; reset goes back to the start', async () => {
    const s = await withSandbox(seedWithOrgs(2, { settings: { user: { multiple_organizations: true } } }));
    sandbox = s.sandbox;
    await s.api('POST', '/api/v2/organizations.json', { organization: { name: 'Added', external_id: 'added' } });
    await s.api('POST', '/api/v2/users.json', { user: { name: 'U', email: 'u@example.com', organization_id: 1000 } });
    const job = await s.api('POST', '/api/v2/organizations/create_many.json', { organizations: [{ name: 'Pending job' }] });
    expect((job.body.job_status as { status: string }).status).toBe('queued');
    const state = (await call(sandbox.url, 'GET', '/__sandbox/state')).body;
    const zd = state.zendesk as { organizations: { name: string }[]; users: { email: string }[]; organization_memberships: unknown[] };
    // pending jobs are completed before the state is taken
    expect(zd.organizations.map((o) => o.name)).toEqual(['Org 0', 'Org 1', 'Added', 'Pending job']);
    expect(zd.organization_memberships).toHaveLength(1);

    const dir = await mkdtemp(join(tmpdir(), 'zdsf-sandbox-'));
    try {
      const file = join(dir, 'state.yaml');
      await saveSeed(file, state);
      const again = await startSandbox({ seed: file, port: 0 });
      const reloaded = (await call(again.url, 'GET', '/__sandbox/state')).body;
      await again.close();
      const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll(sandbox?.url ?? '', '').replaceAll(again.url, ''));
      expect(strip(reloaded)).toEqual(strip(state));
    } finally {
      await rm(dir, { recursive: true });
    }

    expect((await call(sandbox.url, 'POST', '/__sandbox/reset')).status).toBe(200);
    const after = (await call(sandbox.url, 'GET', '/__sandbox/state')).body.zendesk as { organizations: unknown[]; users: unknown[] };
    expect(after.organizations).toHaveLength(2);
    expect(after.users).toHaveLength(0);
    expect(sandbox.stats().requests).toEqual({});
  });

  it('reset with a body loads that seed', async () => {
    sandbox = await startSandbox({ seed: {}, port: 0 });
    await call(sandbox.url, 'POST', '/__sandbox/reset', seedWithOrgs(3));
    expect(((await call(sandbox.url, 'GET', '/api/v2/organizations.json')).body.organizations as unknown[]).length).toBe(3);
  });

  it('stats count requests by method and route template, and writes', async () => {
    const s = await withSandbox(seedWithOrgs(2));
    sandbox = s.sandbox;
    await s.api('GET', '/api/v2/organizations/1000.json');
    await s.api('GET', '/api/v2/organizations/1001');
    await s.api('POST', '/api/v2/organizations/create_many.json', { organizations: [{ name: 'x' }] });
    await call(sandbox.url, 'GET', '/__sandbox/state');
    const stats = (await call(sandbox.url, 'GET', '/__sandbox/stats')).body;
    expect(stats.requests).toEqual({ 'GET /api/v2/organizations/{id}': 2, 'POST /api/v2/organizations/create_many': 1 });
    expect(stats.writes).toBe(1);
    expect(stats.rate_limited).toBe(0);
  });

  it('route templates hide ids, job ids, API versions and query locators', () => {
    expect(routeTemplate('GET', '/api/v2/job_statuses/8b726e606741012ffc2d782bcb7848fe.json')).toBe('GET /api/v2/job_statuses/{id}');
    expect(routeTemplate('PUT', '/api/v2/users/12/organization_memberships/34/make_default.json')).toBe('PUT /api/v2/users/{id}/organization_memberships/{id}/make_default');
    expect(routeTemplate('GET', '/services/data/v62.0/query/01gD000000Kd2XRIAZ-2000')).toBe('GET /services/data/v{version}/query/{id}');
    expect(routeTemplate('GET', '/services/data/v62.0/sobjects/Account/describe')).toBe('GET /services/data/v{version}/sobjects/Account/describe');
  });

  it('unknown paths and control endpoints answer 404 JSON with guidance; bad JSON answers 400', async () => {
    sandbox = await startSandbox({ seed: {}, port: 0 });
    const r = await call(sandbox.url, 'GET', '/nowhere');
    expect(r.status).toBe(404);
    expect(r.body.description).toContain('/api/v2/**');
    expect((await call(sandbox.url, 'GET', '/__sandbox/nothing')).status).toBe(404);
    expect((await call(sandbox.url, 'GET', '/api/v2/macros.json')).status).toBe(404);
    const res = await fetch(`${sandbox.url}/api/v2/organizations.json`, { method: 'POST', headers: { Authorization: AUTH, 'Content-Type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
  });

  it('logs one line per request without credentials', async () => {
    const lines: string[] = [];
    sandbox = await startSandbox({ seed: seedWithOrgs(1), port: 0, logger: (l) => lines.push(l) });
    await call(sandbox.url, 'GET', '/api/v2/organizations/1000.json?x=1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^GET \/api\/v2\/organizations\/1000\.json -> 200 \(\d+ ms\)$/);
    expect(lines.join('')).not.toContain('token');
  });
});

describe('jobDelayMs', () => {
  it('jobs complete by time, and their writes land without a poll', async () => {
    let clock = 5_000;
    const s = await withSandbox({}, { jobDelayMs: 1000, now: () => clock });
    sandbox = s.sandbox;
    const r = await s.api('POST', '/api/v2/organizations/create_many.json', { organizations: [{ name: 'Later' }] });
    const path = (r.body.job_status as { url: string }).url.slice(sandbox.url.length);
    clock += 600;
    expect(((await s.api('GET', path)).body.job_status as { status: string }).status).toBe('working');
    clock += 500;
    const list = await s.api('GET', '/api/v2/organizations.json');
    expect((list.body.organizations as { name: string }[]).map((o) => o.name)).toEqual(['Later']);
    expect(((await s.api('GET', path)).body.job_status as { status: string }).status).toBe('completed');
  });
});

describe('seed files', () => {
  it('loads JSON and YAML, and names the problem in a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-seed-'));
    try {
      await writeFile(join(dir, 's.yaml'), 'zendesk:\n  organizations:\n    - { id: 1, name: Acme }\n');
      expect((await loadSeed(join(dir, 's.yaml'))).zendesk?.organizations?.[0].name).toBe('Acme');
      await writeFile(join(dir, 's.json'), JSON.stringify({ zendesk: { users: [] } }));
      expect((await loadSeed(join(dir, 's.json'))).zendesk?.users).toEqual([]);
      await writeFile(join(dir, 'bad.json'), '{"zendesk": {"organisations": []}}');
      await expect(loadSeed(join(dir, 'bad.json'))).rejects.toThrow(/unknown key "zendesk.organisations"/);
      await expect(loadSeed(join(dir, 'missing.json'))).rejects.toThrow(/Seed file not found/);
      await saveSeed(join(dir, 'out.json'), { zendesk: {} });
      expect(JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'))).toEqual({ zendesk: {} });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('Salesforce routes', () => {
  it('/services/** reaches the Salesforce emulator, with the sandbox URL as instance_url', async () => {
    sandbox = await startSandbox({ seed: { salesforce: { Account: [{ Id: '001000000000001AAA', Name: 'Acme' }] } }, port: 0 });
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=x&client_secret=y',
    });
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; instance_url: string };
    expect(token.instance_url).toBe(sandbox.url);
    const q = await fetch(`${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, Name FROM Account')}`, { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(q.status).toBe(200);
    expect(((await q.json()) as { records: { Name: string }[] }).records.map((r) => r.Name)).toEqual(['Acme']);
    expect(sandbox.stats().requests['GET /services/data/v{version}/query']).toBe(1);
    expect(sandbox.stats().writes).toBe(0);
    expect((sandbox.state().salesforce?.Account ?? [])[0].Name).toBe('Acme');
  });
});
