// Zendesk schema as code (issue 17 parts 3-4) over the sandbox, with the real readers and writer:
// `manage_fields: true` creates a missing multiselect field and adds the missing options of a dropdown from the
// Salesforce picklist values; the plan already holds the values of the new options (no invalid_value), apply writes
// the field phase first, plan again has no changes. Also: a multiselect round trip on an existing field, option tag
// collisions, the permission check (an agent), a stale option list, and a user lookup of organizations.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/model/config.js';
import type { Plan } from '../../src/model/plan.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';
import { renderText } from '../../src/render/text.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { StalePlanError } from '../../src/util/errors.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { ConfigDir, FAST, planWith, recordingFetch, type RecordedRequest } from './relationships-helpers.js';
import { SF_ZD_INSTANCES } from './instances-yaml.js';

const ACME = '001000000000001AAA';
const GLOBEX = '001000000000002AAA';
const INITECH = '001000000000003AAA';

function describeAccount(tierValues: { value: string; label: string }[]) {
  return {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Type', type: 'picklist' },
      { name: 'Tier__c', type: 'picklist', label: 'Support tier', picklistValues: tierValues.map((v) => ({ ...v, active: true })) },
      {
        name: 'Products__c',
        type: 'multipicklist',
        label: 'Products',
        picklistValues: [
          { value: 'Chat', label: 'Chat', active: true },
          { value: 'Voice', label: 'Voice', active: true },
          { value: 'Help Center', label: 'Help Center', active: true },
          { value: 'Legacy', label: 'Legacy', active: false },
        ],
      },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  };
}

const TIERS = [
  { value: 'Gold', label: 'Gold' },
  { value: 'Gold Plus', label: 'Gold Plus' },
  { value: 'SILVER_T', label: 'Silver' },
];

function seed(options: { tiers?: typeof TIERS; products?: ZdFieldDef; agent?: boolean; orgProducts?: unknown } = {}): SandboxSeed {
  const account = (Id: string, Name: string, Tier__c: string | null, Products__c: string | null) => ({ Id, Name, Type: 'Customer', Tier__c, Products__c, CreatedDate: '2020-01-01T00:00:00.000+0000' });
  return {
    salesforce: {
      Account: [account(ACME, 'Acme', 'Gold Plus', 'Chat;Voice'), account(GLOBEX, 'Globex', 'SILVER_T', 'Help Center'), account(INITECH, 'Initech', 'Gold', null)],
      Contact: [{ Id: '003000000000001AAA', Name: 'Ann', Email: 'ann@acme.example', AccountId: ACME, CreatedDate: '2021-01-01T00:00:00.000+0000' }],
      describe: {
        Account: describeAccount(options.tiers ?? TIERS),
        Contact: {
          fields: [
            { name: 'Id', type: 'id' },
            { name: 'Name', type: 'string' },
            { name: 'Email', type: 'email' },
            { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'], label: 'Account ID' },
            { name: 'CreatedDate', type: 'datetime' },
          ],
        },
      },
    },
    zendesk: {
      organizations: [
        { id: 100, name: 'Acme', external_id: ACME, organization_fields: options.orgProducts === undefined ? {} : { products: options.orgProducts } },
        { id: 200, name: 'Globex', external_id: GLOBEX },
      ],
      users: options.agent ? [{ id: 5, name: 'Ops', email: 'ops@example.com', role: 'agent' }] : [],
      organization_memberships: [],
      organization_fields: [
        { id: 9001, key: 'tier', type: 'dropdown', title: 'Tier', active: true, custom_field_options: [{ id: 9101, name: 'Gold', value: 'gold' }] },
        ...(options.products ? [options.products] : []),
      ],
      user_fields: [],
      settings: { user: { multiple_organizations: false } },
    },
  };
}

const YAML = (users = ''): string => `${SF_ZD_INSTANCES}syncs:
  schema:
    from: sf
    to: zd
    organizations:
      where: "Type = 'Customer'"
      manage_fields: true
      fields:
        tier: Tier__c
        products: Products__c
${users}`;

let sandbox: Sandbox;
let dir: ConfigDir;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: seed(), port: 0 });
  dir = new ConfigDir(sandbox);
});
afterAll(async () => {
  dir.remove();
  await sandbox.close();
});
beforeEach(() => sandbox.reset(seed()));

function apply(config: Config, plan: Plan, log: RecordedRequest[] = []) {
  return runApply({
    config,
    plan,
    writerFor: (instance) => createZendeskWriter(instance, { ...FAST, fetch: recordingFetch(log) }),
    target: createZendeskReader(FAST),
  });
}

function zendeskFields(): ZdFieldDef[] {
  return (sandbox.state().zendesk?.organization_fields ?? []) as ZdFieldDef[];
}

function orgFields(id: number): Record<string, unknown> {
  const org = (sandbox.state().zendesk?.organizations ?? []).find((o) => o.id === id);
  return (org?.organization_fields ?? {}) as Record<string, unknown>;
}

describe('manage_fields over the sandbox', () => {
  it('creates a multiselect field and adds dropdown options, fields first; the plan holds the new values; plan again: No changes', async () => {
    const config = await dir.loadText('fields.yaml', YAML());
    const plan = await planWith(config);
    const sync = plan.syncs[0];
    expect(sync.error).toBeUndefined();
    expect(sync.changes.map((c) => `${c.type}:${c.action} ${c.label}`).slice(0, 2)).toEqual([
      'field:create organization_fields.products',
      'field_option:create organization_fields.tier',
    ]);
    const create = sync.changes[0];
    expect(create.after).toEqual({
      type: 'multiselect',
      key: 'products',
      title: 'Products',
      description: 'Created by zdsf from Salesforce Account.Products__c',
      custom_field_options: [
        { name: 'Chat', value: 'chat' },
        { name: 'Voice', value: 'voice' },
        { name: 'Help Center', value: 'help_center' },
      ],
    });
    const options = sync.changes[1];
    expect(options.zendesk_id).toBe(9001);
    expect(options.before).toEqual({ custom_field_options: [{ id: 9101, name: 'Gold', value: 'gold' }] });
    expect(options.after).toEqual({
      custom_field_options: [
        { id: 9101, name: 'Gold', value: 'gold' },
        { name: 'Gold Plus', value: 'gold_plus' },
        { name: 'Silver', value: 'silver_t' },
      ],
    });
    // the organizations' values already use the options and the field this plan creates
    expect(sync.warnings.filter((w) => w.code === 'invalid_value')).toEqual([]);
    const acme = sync.changes.find((c) => c.label === 'Acme');
    expect(acme?.after).toMatchObject({ organization_fields: { tier: 'gold_plus', products: ['chat', 'voice'] } });
    const text = renderText(plan);
    expect(text).toContain('+ field "organization_fields.products" {');
    expect(text).toContain('# field "organization_fields.tier" will get 2 new options (manage_fields, from Salesforce Account.Tier__c)');
    expect(text).toContain('~ field "organization_fields.tier" {');
    expect(text).toMatch(/\+ option "Gold Plus"\s+= "gold_plus"/);

    const log: RecordedRequest[] = [];
    const result = await apply(config, plan, log);
    expect(result.ok).toBe(true);
    // the field phase is written before any organization
    const writes = log.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^\/api\/v2/, '')}`);
    expect(writes.slice(0, 2)).toEqual(['POST /organization_fields', 'PUT /organization_fields/9001']);
    expect(writes.some((w) => w.includes('organizations/'))).toBe(true);
    const fields = zendeskFields();
    expect(fields.find((f) => f.key === 'products')).toMatchObject({ type: 'multiselect', title: 'Products' });
    expect(fields.find((f) => f.key === 'tier')?.custom_field_options?.map((o) => o.value)).toEqual(['gold', 'gold_plus', 'silver_t']);
    expect(orgFields(100)).toMatchObject({ tier: 'gold_plus', products: ['chat', 'voice'] });
    expect(orgFields(200)).toMatchObject({ tier: 'silver_t', products: ['help_center'] });

    const again = await planWith(config);
    expect(again.syncs[0].error).toBeUndefined();
    expect(again.syncs[0].changes).toEqual([]);
    expect(renderText(again)).toContain('No changes.');
    // the same plan applied again: every change is already done, nothing is sent twice
    const rerun = await apply(config, plan);
    expect(rerun.ok).toBe(true);
    expect(rerun.added + rerun.changed).toBe(0);
  });

  it('multiselect round trip on an existing field: an array of tags, compared as a set', async () => {
    const products: ZdFieldDef = {
      id: 9002,
      key: 'products',
      type: 'multiselect',
      title: 'Products',
      active: true,
      custom_field_options: [
        { id: 9201, name: 'Chat', value: 'chat' },
        { id: 9202, name: 'Voice', value: 'voice' },
        { id: 9203, name: 'Help Center', value: 'help_center' },
      ],
    };
    // Zendesk holds Acme's tags in another order: the same set, no change for Acme
    sandbox.reset(seed({ products, orgProducts: ['voice', 'chat'] }));
    const config = await dir.loadText('fields.yaml', YAML());
    const plan = await planWith(config);
    const sync = plan.syncs[0];
    expect(sync.changes.filter((c) => c.type === 'field' || c.type === 'field_option').map((c) => c.label)).toEqual(['organization_fields.tier']);
    expect(sync.changes.find((c) => c.label === 'Acme')?.diff.map((d) => d.path)).toEqual(['organization_fields.tier']);
    expect(sync.changes.find((c) => c.label === 'Globex')?.after).toMatchObject({ organization_fields: { products: ['help_center'] } });
    expect((await apply(config, plan)).ok).toBe(true);
    expect(orgFields(200).products).toEqual(['help_center']);
    expect((await planWith(config)).syncs[0].changes).toEqual([]);
  });

  it('two values whose tags collide: a warning naming both, neither created', async () => {
    sandbox.reset(seed({ tiers: [...TIERS, { value: 'gold_plus', label: 'gold_plus' }] }));
    const config = await dir.loadText('fields.yaml', YAML());
    const plan = await planWith(config);
    const sync = plan.syncs[0];
    const collision = sync.warnings.find((w) => w.code === 'option_tag_collision');
    expect(collision?.message).toContain('the values "Gold Plus" and "gold_plus" would all become the option tag "gold_plus"; none of them is created');
    const tier = sync.changes.find((c) => c.type === 'field_option');
    expect((tier?.after as { custom_field_options: { value: string }[] }).custom_field_options.map((o) => o.value)).toEqual(['gold', 'silver_t']);
    // Acme's Gold Plus has no option: left out, with the usual warning
    expect(sync.warnings.some((w) => w.code === 'invalid_value' && w.message.includes('"Gold Plus" is not an option'))).toBe(true);
  });

  it('an agent without the permission: the plan fails naming the setting and the permission', async () => {
    sandbox.reset(seed({ agent: true }));
    const config = await dir.loadText('fields.yaml', YAML());
    const writes = sandbox.stats().writes;
    const plan = await planWith(config);
    const error = plan.syncs[0].error ?? '';
    expect(error).toMatch(/fields\.yaml:\d+:\d+: syncs\.schema\.organizations\.manage_fields is true and this plan has 2 organization field changes/);
    expect(error).toContain('ops@example.com (agent)');
    expect(error).toContain('manage_organization_fields');
    expect(plan.syncs[0].changes).toEqual([]);
    expect(sandbox.stats().writes).toBe(writes);
  });

  it('options changed in Zendesk since the plan: apply refuses, nothing written', async () => {
    const config = await dir.loadText('fields.yaml', YAML());
    const plan = await planWith(config);
    // an admin adds an option by hand before apply
    const url = `${sandbox.zendeskUrl()}/api/v2/organization_fields/9001`;
    const put = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' },
      body: JSON.stringify({ organization_field: { custom_field_options: [{ id: 9101, name: 'Gold', value: 'gold' }, { name: 'Bronze', value: 'bronze' }] } }),
    });
    expect(put.status).toBe(200);
    const before = JSON.stringify(sandbox.state());
    const refused = await apply(config, plan).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StalePlanError);
    expect((refused as Error).message).toContain('field_option "organization_fields.tier" (id 9001): its options changed since the plan');
    expect(JSON.stringify(sandbox.state())).toBe(before);
  });

  it('a user lookup of organizations from Contact.AccountId: created as a lookup, filled with the organization id', async () => {
    const config = await dir.loadText(
      'lookup.yaml',
      YAML(`    users:
      sources: [{ object: Contact }]
      manage_fields: true
      fields:
        account: AccountId
`),
    );
    const plan = await planWith(config);
    const sync = plan.syncs[0];
    expect(sync.error).toBeUndefined();
    const lookup = sync.changes.find((c) => c.type === 'field' && c.label === 'user_fields.account');
    expect(lookup?.after).toMatchObject({ type: 'lookup', key: 'account', title: 'Account ID', relationship_target_type: 'zen:organization' });
    expect(sync.changes.find((c) => c.label === 'ann@acme.example')?.after).toMatchObject({ user_fields: { account: 100 } });
    expect((await apply(config, plan)).ok).toBe(true);
    const ann = (sandbox.state().zendesk?.users ?? []).find((u) => u.email === 'ann@acme.example');
    expect(ann?.user_fields).toMatchObject({ account: 100 });
    expect((await planWith(config)).syncs[0].changes).toEqual([]);
  });
});
