// End to end over the sandbox: zdsf's apply with job results shaped as live Zendesk answers them (creates
// `{ id, status }` with no index, updates `{ id, action, status, success }`, failures `{ index, error, id,
// details }`; recorded exchanges in test/contract/fixtures/live/). Each record's outcome must land on the
// right change: a created id on the right external_id, a failure on the record that failed.
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { makeConfig, makePlan, orgCreate, orgUpdate } from '../apply/helpers.js';

const seed: SandboxSeed = {
  zendesk: {
    organizations: [
      { id: 1, name: 'Acme', external_id: 'ACME', tags: ['salesforce'], domain_names: [], organization_fields: {} },
      { id: 2, name: 'Taken Name', external_id: 'TAKEN', tags: ['salesforce'], domain_names: [], organization_fields: {} },
      { id: 3, name: 'Umbrella', external_id: 'UMB', tags: ['salesforce'], domain_names: [], organization_fields: {} },
    ],
  },
};

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('apply maps live-shaped job results (no index on successes)', () => {
  it('creates map by position, updates by id, failures by index, each to its own change', async () => {
    sandbox = await startSandbox({ seed, port: 0 });
    const config = makeConfig();
    const instance = { ...config.zendesk.global, url: sandbox.zendeskUrl(), auth: { method: 'api_token' as const, email: 'ops@example.com', token: 'sandbox-token' } };
    const w = createZendeskWriter(instance, { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50, random: () => 0.5 });
    const plan = makePlan({
      global: [
        orgCreate('GLOBEX', 'Globex'),
        orgCreate('DUP', 'Taken Name'), // fails: the name is taken (a failure item with index 1)
        orgCreate('INITECH', 'Initech'),
        orgUpdate(1, 'ACME', 'Acme', { notes: null }, { notes: 'renewed' }),
        orgUpdate(3, 'UMB', 'Umbrella', { name: 'Umbrella' }, { name: 'Taken Name' }), // fails: OrganizationUpdateFailed
      ],
    });
    const result = await applyPlan({ plan, config, writerFor: () => w, allowDelete: false, organizationCount: () => 3 });

    // the sandbox answered live-shaped results: no index on the successful items
    const jobs = (await (await fetch(`${sandbox.url}/api/v2/job_statuses.json`, { headers: { Authorization: 'Bearer t' } })).json()) as { job_statuses: { results: Record<string, unknown>[] }[] };
    const items = jobs.job_statuses.flatMap((j) => j.results);
    expect(items.filter((r) => r.status === 'Created' || r.status === 'Updated').every((r) => !('index' in r))).toBe(true);
    expect(items.some((r) => r.error === 'OrganizationUpdateFailed' && r.index === 1 && r.id === 3)).toBe(true);

    expect(result.failures.map((f) => [f.action, f.key]).sort()).toEqual([['create', 'DUP'], ['update', 'UMB']]);
    expect(result.failures.find((f) => f.key === 'DUP')?.reason).toContain('already been taken');
    expect(result.failures.find((f) => f.key === 'UMB')?.reason).toContain('OrganizationUpdateFailed');
    expect(result).toMatchObject({ added: 2, changed: 1 });
    const orgs = sandbox.state().zendesk!.organizations!;
    expect(orgs.find((o) => o.external_id === 'GLOBEX')?.name).toBe('Globex');
    expect(orgs.find((o) => o.external_id === 'INITECH')?.name).toBe('Initech');
    expect(orgs.find((o) => o.id === 1)?.notes).toBe('renewed');
    expect(orgs.find((o) => o.id === 3)?.name).toBe('Umbrella');
  });
});
