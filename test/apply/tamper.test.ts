// Issue 11: every hand-edited plan an attacker or a careless operator made is refused before the first write,
// naming the change, over the sandbox: 0 write requests and the sandbox state unchanged. Edits are resealed
// (anyone can recompute the seal: the guard must stop them); an edit left unsealed is refused by the seal.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import type { Config } from '../../src/model/config.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sealPlan } from '../../src/services/plan.js';
import { readPlanFile } from '../../src/services/plan-file.js';
import { renderJson } from '../../src/render/json.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { makeConfig, makePlan, orgDelete, orgUpdate, syncConfig, userCreate, userUpdate } from './helpers.js';

const seed: SandboxSeed = {
  zendesk: {
    settings: { user: { multiple_organizations: true } },
    organizations: [
      { id: 1, name: 'Acme', external_id: 'ACME', tags: ['salesforce'], notes: 'old notes', domain_names: [], organization_fields: {} },
      { id: 2, name: 'Manual Org', external_id: null, tags: [], domain_names: [], organization_fields: {} },
      ...Array.from({ length: 8 }, (_, i) => ({ id: 10 + i, name: `Filler ${i}`, external_id: `F${i}`, tags: [], domain_names: [], organization_fields: {} })),
    ],
    users: [
      { id: 100, name: 'Bob', email: 'bob@acme.com', role: 'end-user', organization_id: 1, tags: [], user_fields: {} },
      { id: 101, name: 'Agent Smith', email: 'smith@acme.com', role: 'agent', external_id: 'C-SMITH', organization_id: null, tags: [], user_fields: {} },
      { id: 102, name: 'Ada Admin', email: 'admin@acme.com', role: 'admin', organization_id: null, tags: [], user_fields: {} },
    ],
    organization_memberships: [{ id: 500, user_id: 100, organization_id: 1, default: true }],
  },
};

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'zdsf-tamper-'));
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

function config(overrides: Parameters<typeof syncConfig>[1] = {}): Config {
  const c = makeConfig([syncConfig('global', overrides)]);
  c.zendesk.global = { ...c.zendesk.global, url: sandbox.zendeskUrl(), auth: { method: 'api_token', email: 'ops@example.com', token: 'sandbox-token' } };
  return c;
}

function plan(changes: Change[], edit?: (p: Plan) => void): Plan {
  const p = makePlan({ global: changes });
  p.syncs[0].target.url = sandbox.zendeskUrl();
  edit?.(p);
  return sealPlan(p);
}

async function refusedWithoutWrites(p: Plan, cfg: Config, expected: RegExp, options: { allowDelete?: boolean; syncs?: string[] } = {}): Promise<void> {
  const before = JSON.stringify(sandbox.state());
  const writesBefore = sandbox.stats().writes;
  const w = createZendeskWriter(cfg.zendesk.global, { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50 });
  await expect(applyPlan({ plan: p, config: cfg, writerFor: () => w, allowDelete: options.allowDelete, syncs: options.syncs })).rejects.toThrow(expected);
  expect(sandbox.stats().writes - writesBefore).toBe(0);
  expect(JSON.stringify(sandbox.state())).toBe(before);
}

describe('a tampered plan is refused before any write, naming the change', () => {
  it('a user create whose after.email is an admin (key another email), under match: email', async () => {
    const c = userCreate('new@acme.com', 'New', undefined, { email: 'admin@acme.com' });
    await refusedWithoutWrites(plan([c]), config(), /user create "new@acme.com".*Zendesk user 102 is an admin/);
  });

  it('an update turned into a delete, on a config without a retention rule (--allow-delete)', async () => {
    const cfg = config();
    delete cfg.syncs[0].organizations!.retention;
    await refusedWithoutWrites(plan([orgDelete(1, 'ACME', 'Acme')]), cfg, /organization delete "Acme" \(id 1\): the sync has no organizations.retention rule/, { allowDelete: true });
  });

  it('a delete with before: {} of an organization that has no external_id', async () => {
    const d = { ...orgDelete(2, '', 'Manual Org'), before: {} } as unknown as Change;
    await refusedWithoutWrites(plan([d]), config(), /organization delete "Manual Org" \(id 2\): the organization has no external_id/, { allowDelete: true });
  });

  it('a delete whose before claims an external_id the live organization does not have', async () => {
    const d = orgDelete(2, 'FAKE', 'Manual Org');
    await refusedWithoutWrites(plan([d]), config(), /organization delete "Manual Org" \(id 2\): the organization has no external_id in Zendesk/, { allowDelete: true });
  });

  it('zendesk_organization_count raised so that the default max_deletes would allow every delete: counted live', async () => {
    const deletes = Array.from({ length: 3 }, (_, i) => orgDelete(10 + i, `F${i}`, `Filler ${i}`));
    const p = plan(deletes, (x) => {
      x.syncs[0].zendesk_organization_count = 100_000;
    });
    // 10 organizations live: the default limit is 1
    await refusedWithoutWrites(p, config(), /would delete 3 organizations.*10% of the 10 organizations.*, 1\)/, { allowDelete: true });
  });

  it('unmapped attributes: details and shared_tickets on an organization, suspended on a user', async () => {
    const org = orgUpdate(1, 'ACME', 'Acme', { notes: 'old notes' }, { notes: 'x', details: 'y', shared_tickets: true });
    const user = userUpdate(100, 'bob@acme.com', { name: 'Bob' }, { name: 'Bob', suspended: true });
    await refusedWithoutWrites(plan([org, user]), config(), /organization update "Acme" \(id 1\): attribute details, shared_tickets are not mapped[\s\S]*user update "bob@acme.com" \(id 100\): attribute suspended is not mapped/);
  });

  it('after.name edited by hand and not resealed: the seal does not match', async () => {
    const p = plan([orgUpdate(1, 'ACME', 'Acme', { notes: 'old notes' }, { notes: 'new notes' })]);
    const file = join(dir, 'edited.json');
    await writeFile(file, renderJson(p).replace('"notes":"new notes"', '"notes":"new notes","name":"Pwned"'), 'utf8');
    await expect(readPlanFile(file)).rejects.toThrow(/seal does not match/);
    expect(sandbox.stats().writes).toBe(0);
  });

  it('an unknown action anywhere refuses the whole plan: nothing of the valid changes before it is written', async () => {
    const good = Array.from({ length: 4 }, (_, i) => orgUpdate(10 + i, `F${i}`, `Filler ${i}`, { notes: null }, { notes: 'n' }));
    const bad = { ...orgUpdate(1, 'ACME', 'Acme', {}, {}), action: 'merge' } as unknown as Change;
    await refusedWithoutWrites(plan([...good, bad]), config(), /organization merge "Acme" \(id 1\): zdsf has no such change/);
  });

  it('a role other than end-user, or verified: false, on a user create', async () => {
    const c = userCreate('eve@acme.com', 'Eve', undefined, { role: 'admin' });
    await refusedWithoutWrites(plan([c]), config(), /role "admin": zdsf creates end-users only/);
  });

  it('a plan whose settings differ from the config (verify_email, match)', async () => {
    const p = plan([userCreate('eve@acme.com', 'Eve')], (x) => {
      x.syncs[0].match = { organizations: 'external_id', users: 'external_id' };
    });
    await refusedWithoutWrites(p, config(), /the plan says match/);
  });

  it('a plan made for another Zendesk instance', async () => {
    const p = plan([userCreate('eve@acme.com', 'Eve')], (x) => {
      x.syncs[0].target.url = 'https://evil.zendesk.com';
    });
    await refusedWithoutWrites(p, config(), /was made for Zendesk "global" \(https:\/\/evil.zendesk.com\)/);
  });
});

describe('the agent race: an agent with the email of a user the plan creates appeared since the plan', () => {
  it('under match: email', async () => {
    await refusedWithoutWrites(plan([userCreate('smith@acme.com', 'Smith')]), config(), /user create "smith@acme.com".*Zendesk user 101 is an agent/);
  });

  it('under match: external_id (create_or_update_many would match it by email)', async () => {
    const cfg = config();
    cfg.syncs[0].users!.match = 'external_id';
    const c = { ...userCreate('smith@acme.com', 'Smith', undefined, { external_id: 'C-NEW' }), key: 'C-NEW' } as Change;
    const p = plan([c], (x) => {
      x.syncs[0].match = { organizations: 'external_id', users: 'external_id' };
    });
    await refusedWithoutWrites(p, cfg, /user create "smith@acme.com" \(key C-NEW\).*Zendesk user 101 is an agent/);
  });

  it('an agent found by external_id only', async () => {
    const cfg = config();
    cfg.syncs[0].users!.match = 'external_id';
    const c = { ...userCreate('someone@else.com', 'Someone', undefined, { external_id: 'C-SMITH' }), key: 'C-SMITH' } as Change;
    const p = plan([c], (x) => {
      x.syncs[0].match = { organizations: 'external_id', users: 'external_id' };
    });
    await refusedWithoutWrites(p, cfg, /Zendesk user 101 is an agent/);
  });
});

describe('apply PLANFILE --sync', () => {
  it('applies only the syncs named, and says which were left out', async () => {
    const cfg = makeConfig([syncConfig('global'), syncConfig('other')]);
    cfg.zendesk.global = { ...cfg.zendesk.global, url: sandbox.zendeskUrl(), auth: { method: 'api_token', email: 'ops@example.com', token: 'sandbox-token' } };
    const p = makePlan({ global: [orgUpdate(1, 'ACME', 'Acme', { notes: 'old notes' }, { notes: 'new notes' })], other: [{ ...orgUpdate(1, 'X', 'X', {}, { notes: 'no' }), action: 'explode' } as unknown as Change] });
    p.syncs[0].target.url = sandbox.zendeskUrl();
    const sealed = sealPlan(p);
    const w = createZendeskWriter(cfg.zendesk.global, { pollIntervalMs: 5, maxPollIntervalMs: 20 });
    // the other sync's change would be refused: with --sync global it is not even looked at
    const result = await applyPlan({ plan: sealed, config: cfg, writerFor: () => w, syncs: ['global'] });
    expect(result.ok).toBe(true);
    expect(result.notSelected).toEqual(['other']);
    expect(result.syncs.map((s) => s.name)).toEqual(['global']);
    expect(sandbox.state().zendesk?.organizations?.find((o) => o.id === 1)?.notes).toBe('new notes');
  });
});
