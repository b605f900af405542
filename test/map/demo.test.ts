// map over the demo fixture (fixtures/demo) as the real Salesforce and Zendesk readers read it from the sandbox:
// the records have jsforce's shapes (nested parents, subqueries), so this checks path reading end to end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { checkFieldTypes, mapSync } from '../../src/map/index.js';
import type { Config } from '../../src/model/config.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';
import { silentProgress } from '../../src/model/ports.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';

const DEMO = join(import.meta.dirname, '..', '..', 'fixtures', 'demo');
let sandbox: Sandbox;
let dir: string;
let config: Config;
let source: SourceData;
let target: TargetData;
let state: DesiredState;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: join(DEMO, 'seed.json'), port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'zdsf-map-demo-'));
  const file = join(dir, 'sync.yaml');
  writeFileSync(file, readFileSync(join(DEMO, 'sync.yaml'), 'utf8').replace(/\$\{(\w+):-[^}]*\}/g, '${$1}'));
  config = await loadConfigOrThrow({
    file,
    env: { SF_LOGIN_URL: sandbox.salesforceUrl(), ZD_URL: sandbox.zendeskUrl(), SF_ACCESS_TOKEN: 'sandbox-token', ZD_API_TOKEN: 'sandbox-token' },
  });
  const sync = config.syncs[0];
  [source, target] = await Promise.all([
    createSalesforceReader().read({ instance: config.salesforce[sync.from], sync, progress: silentProgress }),
    createZendeskReader({ baseDelayMs: 5, maxDelayMs: 50 }).read({
      instance: config.zendesk[sync.to],
      progress: silentProgress,
    }),
  ]);
  state = mapSync(sync, source, target);
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('map over the demo', () => {
  it('the demo configuration fits the demo schema', () => {
    expect(checkFieldTypes(config.syncs[0], source.describe, target.organizationFields, target.userFields)).toEqual([]);
  });

  it('maps every account read, and every value is usable', () => {
    expect(state.organizations).toHaveLength(source.accounts.length);
    expect(state.organizations.length).toBeGreaterThan(0);
    expect(state.warnings).toEqual([]);
  });

  it('reads parents, aggregates children and maps values as configured', () => {
    const seats = new Map<string, number>();
    const seed = JSON.parse(readFileSync(join(DEMO, 'seed.json'), 'utf8')) as {
      salesforce: { Account: { Id: string; OwnerId: string; GS_Health_Score_Color__c: string | null }[]; User: { Id: string; Name: string }[]; Customer_Subscription__c: { Account__c: string; Current_Subscription_Status__c: string; Entitled_Seats__c: number }[] };
    };
    for (const s of seed.salesforce.Customer_Subscription__c) {
      if (s.Current_Subscription_Status__c === 'Active') seats.set(s.Account__c, (seats.get(s.Account__c) ?? 0) + s.Entitled_Seats__c);
    }
    const health: Record<string, string> = { Green: 'healthy', Yellow: 'watch', Red: 'at_risk' };
    for (const org of state.organizations) {
      const account = seed.salesforce.Account.find((a) => a.Id === org.accountId)!;
      const owner = seed.salesforce.User.find((u) => u.Id === account.OwnerId)?.Name ?? null;
      expect(org.attributes.organization_fields, org.attributes.name).toMatchObject({
        account_owner: owner,
        seats: seats.get(org.accountId) ?? null,
        health: health[account.GS_Health_Score_Color__c ?? ''] ?? 'unknown',
      });
      expect(org.tags).toContain('salesforce');
    }
    expect(state.organizations.filter((o) => typeof o.attributes.organization_fields.seats === 'number').length).toBeGreaterThan(0);
    expect(state.organizations.filter((o) => o.attributes.organization_fields.account_owner !== null).length).toBeGreaterThan(0);
  });

  it('maps contacts and leads with their accounts', () => {
    const contacts = state.people.filter((p) => p.object === 'Contact');
    const leads = state.people.filter((p) => p.object === 'Lead');
    expect(contacts.length).toBeGreaterThan(0);
    expect(leads.length).toBeGreaterThan(0);
    expect(leads.every((p) => p.accountId === null)).toBe(true);
    const withAccount = contacts.filter((p) => p.accountId !== null);
    expect(withAccount.length).toBeGreaterThan(0);
    expect(withAccount.every((p) => typeof p.accountName === 'string' && p.accountName !== '')).toBe(true);
    expect(state.people.every((p) => p.attributes.user_fields.salesforce_contact_id === p.sourceId)).toBe(true);
  });
});
