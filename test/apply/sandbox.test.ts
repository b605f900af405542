// End to end: a small hand-written plan applied through the real Zendesk writer to the sandbox.
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import type { Change } from '../../src/model/plan.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { makeConfig, makePlan, membershipCreate, orgCreate, orgDelete, orgUpdate, userCreate, userUpdate } from './helpers.js';

const seed: SandboxSeed = {
  zendesk: {
    settings: { user: { multiple_organizations: true } },
    organizations: [
      { id: 1, name: 'Acme', external_id: 'ACME', tags: ['salesforce', 'manual'], notes: 'old notes', domain_names: [], organization_fields: {} },
      { id: 2, name: 'Former', external_id: 'FORMER', tags: ['salesforce'], domain_names: [], organization_fields: {} },
      ...Array.from({ length: 8 }, (_, i) => ({ id: 10 + i, name: `Filler ${i}`, external_id: `F${i}`, tags: [], domain_names: [], organization_fields: {} })),
    ],
    users: [
      { id: 100, name: 'Bob', email: 'bob@acme.com', role: 'end-user', organization_id: 1, tags: [], user_fields: {} },
      { id: 101, name: 'Agent Smith', email: 'smith@acme.com', role: 'agent', organization_id: null, tags: [], user_fields: {} },
    ],
    organization_memberships: [{ id: 500, user_id: 100, organization_id: 1, default: true }],
  },
};

function changes(): Change[] {
  return [
    orgCreate('GLOBEX', 'Globex', { tags: ['salesforce', 'sf_customer'], notes: 'new customer' }),
    orgCreate('INITECH', 'Initech', { tags: ['salesforce'] }),
    orgUpdate(1, 'ACME', 'Acme', { notes: 'old notes', tags: ['salesforce', 'manual'] }, { notes: 'new notes', tags: ['manual', 'salesforce', 'sf_partner'] }),
    userCreate('ann@globex.com', 'Ann', 'GLOBEX'),
    userUpdate(100, 'bob@acme.com', { name: 'Bob' }, { name: 'Bob Builder' }),
    membershipCreate('bob@acme.com', 'GLOBEX', { user_id: 100, organization_id: null }, undefined, true),
    membershipCreate('ann@globex.com', 'INITECH', { user_id: null, organization_id: null }),
    orgDelete(2, 'FORMER', 'Former'),
  ];
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function writer(sb: Sandbox) {
  const config = makeConfig();
  const instance = { ...config.zendesk.global, url: sb.zendeskUrl(), auth: { method: 'api_token' as const, email: 'ops@example.com', token: 'sandbox-token' } };
  return createZendeskWriter(instance, { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50, random: () => 0.5 });
}

describe('apply over the sandbox', () => {
  it('carries out a plan, and a second apply of the same plan sends no write request', async () => {
    sandbox = await startSandbox({ seed, port: 0 });
    const config = makeConfig();
    const plan = makePlan({ global: changes() });
    const w = writer(sandbox);
    const first = await applyPlan({ plan, config, writerFor: () => w, allowDelete: true, organizationCount: () => 10 });
    expect(first.failures).toEqual([]);
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({ added: 5, changed: 2, destroyed: 1 });

    const state = sandbox.state().zendesk!;
    const orgs = state.organizations!;
    const globex = orgs.find((o) => o.external_id === 'GLOBEX')!;
    const initech = orgs.find((o) => o.external_id === 'INITECH')!;
    expect(globex).toMatchObject({ name: 'Globex', notes: 'new customer' });
    expect([...globex.tags!].sort()).toEqual(['salesforce', 'sf_customer']);
    expect(orgs.find((o) => o.id === 1)).toMatchObject({ notes: 'new notes' });
    expect([...orgs.find((o) => o.id === 1)!.tags!].sort()).toEqual(['manual', 'salesforce', 'sf_partner']);
    expect(orgs.some((o) => o.id === 2)).toBe(false);
    const users = state.users!;
    const ann = users.find((u) => u.email === 'ann@globex.com')!;
    expect(ann).toMatchObject({ name: 'Ann', role: 'end-user', organization_id: globex.id });
    expect(users.find((u) => u.id === 100)).toMatchObject({ name: 'Bob Builder', organization_id: globex.id });
    expect(users.find((u) => u.id === 101)).toMatchObject({ name: 'Agent Smith', role: 'agent' });
    const memberships = state.organization_memberships!.map((m) => `${m.user_id}:${m.organization_id}:${m.default === true}`).sort();
    expect(memberships).toEqual([`100:1:false`, `100:${globex.id}:true`, `${ann.id}:${globex.id}:true`, `${ann.id}:${initech.id}:false`].sort());
    const stats = sandbox.stats();
    expect(stats.requests['POST /api/v2/organizations/create_many']).toBe(1);
    expect(stats.requests['POST /api/v2/organization_memberships/create_many']).toBe(1);

    const writes = sandbox.stats().writes;
    const second = await applyPlan({ plan, config, writerFor: () => w, allowDelete: true, organizationCount: () => 10 });
    expect(second).toMatchObject({ added: 0, changed: 0, destroyed: 0, skipped: 8, ok: true });
    expect(sandbox.stats().writes).toBe(writes);
  });

  it('refuses a stale plan over the sandbox and writes nothing', async () => {
    sandbox = await startSandbox({ seed, port: 0 });
    const plan = makePlan({ global: [orgCreate('NEW', 'New'), orgUpdate(1, 'ACME', 'Acme', { notes: 'something else' }, { notes: 'x' })] });
    await expect(applyPlan({ plan, config: makeConfig(), writerFor: () => writer(sandbox!) })).rejects.toThrow(
      'organization "Acme" (id 1): notes changed since the plan: "something else" -> "old notes"',
    );
    expect(sandbox.stats().writes).toBe(0);
  });

  it('converges under injected faults (20% errors, 120 requests a minute) in one apply, without duplicates', async () => {
    sandbox = await startSandbox({ seed, port: 0, faultSeed: 7 });
    sandbox.faults({ error_rate: 0.2, rate_limit_per_minute: 120 });
    const config = makeConfig();
    const many: Change[] = [
      ...Array.from({ length: 130 }, (_, i) => orgCreate(`X${i}`, `Extra ${i}`)),
      ...Array.from({ length: 30 }, (_, i) => userCreate(`p${i}@x.com`, `P ${i}`, `X${i}`)),
    ];
    const plan = makePlan({ global: many });
    const w = writer(sandbox);
    const first = await applyPlan({ plan, config, writerFor: () => w });
    expect(first.errors).toEqual([]);
    expect(first.failures).toEqual([]);
    expect(first.added).toBe(160);
    sandbox.faults({ error_rate: 0, rate_limit_per_minute: null });
    const state = sandbox.state().zendesk!;
    const extra = state.organizations!.filter((o) => o.external_id?.startsWith('X'));
    expect(extra).toHaveLength(130);
    expect(new Set(extra.map((o) => o.external_id)).size).toBe(130);
    const people = state.users!.filter((u) => u.email?.endsWith('@x.com'));
    expect(people).toHaveLength(30);
    for (const p of people) expect(p.organization_id).toBe(extra.find((o) => o.external_id === `X${p.email!.slice(1, p.email!.indexOf('@'))}`)!.id);
    expect(sandbox.stats().faults_injected).toBeGreaterThan(0);
  });
});
