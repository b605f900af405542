// `zdsf explain` over the demo sandbox: a user by email, an organization by Account Id and by Zendesk id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { explainRecord, queryKind } from '../../src/services/explain.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { cli, DEMO_CONFIG, requireBuild, startDemo } from './helpers.js';

let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  requireBuild();
  ({ sandbox, env } = await startDemo());
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('zdsf explain', () => {
  it('a contact by email: rows, each value with its mapping and line, the relationship cell, the next changes', async () => {
    const r = await cli(['explain', 'Morgan.Multi@partners.example', '-c', DEMO_CONFIG], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('user "morgan.multi@partners.example" (Zendesk id 503)');
    expect(r.stdout).toContain('Contact 0035g0000000001AAA:');
    expect(r.stdout).toContain('AccountContactRelation');
    expect(r.stdout).toMatch(/user_fields\.job_title += "DevOps Engineer" +<- from Title +\(.*fixtures\/demo\/sync\.yaml:58:20\)/);
    expect(r.stdout).toContain('row S3, column "multi-org+primary+secondary": A ✗  M ✓  F ✓');
    expect(r.stdout).toContain('+ membership "morgan.multi@partners.example" -> "Acme Industries" (secondary)');
    expect(r.stdout).toContain('~ user "morgan.multi@partners.example" {');
  }, 120_000);

  it('an account by its Id, and the same organization by its Zendesk id, give the same story', async () => {
    const config = await loadConfigOrThrow({ file: DEMO_CONFIG, env });
    const base = { config, source: createSalesforceReader(), target: createZendeskReader() };
    const byAccount = await explainRecord({ ...base, query: '0015g0000000003AAA' });
    const [org] = byAccount.syncs[0].records;
    expect(org.kind).toBe('organization');
    expect(org.label).toBe('Black Mesa Pharma');
    expect(org.rows.map((x) => x.Id)).toEqual(['0015g0000000003AAA']);
    // adopted by name: the organization made by hand gets its external_id
    expect(org.changes.find((c) => c.type === 'organization')?.after).toMatchObject({ external_id: '0015g0000000003AAA' });
    expect(org.values.find((v) => v.attribute === 'organization_fields.health')?.rule).toMatch(/^from GS_Health_Score_Color__c, map /);
    expect(org.zendesk).not.toBeNull();
    const byZendesk = await explainRecord({ ...base, query: String(org.zendesk?.id) });
    expect(byZendesk.syncs[0].records[0].label).toBe('Black Mesa Pharma');
    expect(byZendesk.syncs[0].records[0].changes).toEqual(org.changes);
  }, 120_000);

  it('nothing matching exits 1 and says so; a query that is no id is an error', async () => {
    const none = await cli(['explain', 'nobody@nowhere.example', '-c', DEMO_CONFIG], env);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('No record matches nobody@nowhere.example in "demo".');
    const bad = await cli(['explain', 'not an id', '-c', DEMO_CONFIG], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"not an id" is not an email, a Salesforce Id');
    expect(() => queryKind('12345')).not.toThrow();
    expect(queryKind('0035g0000000001AAA')).toBe('salesforce_id');
  }, 120_000);
});
