// node-zendesk 6.0.1, unmodified, against the sandbox (DESIGN.md section 8).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { seedWithOrgs, withSandbox } from './helpers.js';

interface ZdResult { response: { status: number }; result: unknown }
interface ZdClient {
  organizations: { list(): Promise<unknown[]>; createMany(b: unknown): Promise<ZdResult>; showMany(ids: number[]): Promise<unknown[]>; create(b: unknown): Promise<ZdResult> };
  users: { list(): Promise<unknown[]>; showMany(ids: number[]): Promise<ZdResult>; createOrUpdateMany(b: unknown): Promise<ZdResult> };
  organizationmemberships: { list(): Promise<unknown[]> };
  jobstatuses: { show(id: string): Promise<ZdResult> };
}
const require = createRequire(import.meta.url);
const { createClient } = require('node-zendesk') as { createClient(o: Record<string, unknown>): ZdClient };

let sandbox: Sandbox;
let client: ZdClient;

beforeAll(async () => {
  const seed = seedWithOrgs(230, {
    settings: { user: { multiple_organizations: true } },
    users: Array.from({ length: 120 }, (_, i) => ({ id: 5000 + i, name: `User ${i}`, email: `user${i}@example.com`, role: 'end-user' as const, organization_id: 1000 + (i % 10) })),
  });
  ({ sandbox } = await withSandbox(seed));
  client = createClient({ username: 'agent@example.com', token: 'sandbox-token', endpointUri: `${sandbox.zendeskUrl()}/api/v2`, throwOriginalException: true });
});
afterAll(async () => sandbox.close());

describe('node-zendesk against the sandbox', () => {
  it('organizations.list follows cursor pages to the end', async () => {
    const orgs = (await client.organizations.list()) as { id: number }[];
    expect(orgs).toHaveLength(230);
    // 3 pages, then the empty page live Zendesk also answers for the last page's links.next (node-zendesk's
    // getAll follows links.next while it is set, without looking at meta.has_more)
    expect(sandbox.stats().requests['GET /api/v2/organizations']).toBe(4);
  });

  it('users.list and users.showMany', async () => {
    const users = (await client.users.list()) as { email: string }[];
    expect(users).toHaveLength(120);
    const { result } = await client.users.showMany([5000, 5001]);
    expect((result as { email: string }[]).map((u) => u.email)).toEqual(['user0@example.com', 'user1@example.com']);
  });

  it('organizationmemberships.list follows offset pages (next_page)', async () => {
    const ms = (await client.organizationmemberships.list()) as { user_id: number }[];
    expect(ms).toHaveLength(120);
  });

  it('organizations.createMany answers a job that jobstatuses.show follows to completion', async () => {
    const { result } = await client.organizations.createMany({ organizations: [{ name: 'NZ One', external_id: 'nz-1' }, { name: 'Org 1' }] });
    const job = (result as { job_status: { id: string; status: string } }).job_status;
    expect(job.status).toBe('queued');
    let status = '';
    let results: Record<string, unknown>[] = [];
    for (let i = 0; i < 5 && status !== 'completed'; i++) {
      const r = await client.jobstatuses.show(job.id);
      const js = (r.result as { job_status: { status: string; results: Record<string, unknown>[] } }).job_status;
      status = js.status;
      results = js.results;
    }
    expect(status).toBe('completed');
    // live-shaped: a create result is { id, status }, a failure { index, error, details }
    expect(results[0]).toEqual({ id: expect.any(Number) as number, status: 'Created' });
    expect(results[1]).toMatchObject({ index: 1, error: 'DuplicateValue' });
  });

  it('a 422 keeps its status and body with throwOriginalException', async () => {
    const err = (await client.organizations.create({ organization: { name: 'Org 2' } }).catch((e: unknown) => e)) as { statusCode: number; result: { details: { name: { error: string }[] } } };
    expect(err.statusCode).toBe(422);
    expect(err.result.details.name[0].error).toBe('DuplicateValue');
  });
});
