import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSeed, sfId, sfIdSuffix, writeSeed } from '../../src/seedgen/generate.js';
import { caseDescribeProblems } from '../../src/cases/describe-check.js';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { SfObjectDescribe } from '../../src/model/salesforce.js';
import { STANDARD_FIELDS, SYSTEM_FIELDS } from '../../src/sandbox/salesforce/standard-objects.js';

describe('generateSeed', () => {
  const seed = generateSeed({ accounts: 60, contacts: 200, seed: 3 });
  const sf = seed.salesforce!;
  const zd = seed.zendesk!;

  it("has the describe of Case that the demo config's cases section needs (npm run bench plans with it)", async () => {
    // without it every plan of the bench failed after reconcile: "Case in Salesforce instance demo has no field
    // Zendesk_Ticket_Id__c"
    const config = await loadConfigOrThrow({ file: join(import.meta.dirname, '..', '..', 'fixtures', 'demo', 'sync.yaml'), checkEnv: false });
    const cases = config.syncs.find((s) => s.name === 'demo')?.cases;
    expect(cases).toBeDefined();
    const seeded = (sf.describe as unknown as Record<string, SfObjectDescribe>).Case;
    expect(seeded).toBeDefined();
    // the sandbox answers describe with the seeded fields plus Case's standard ones
    const standard = [...SYSTEM_FIELDS, ...(STANDARD_FIELDS.Case ?? [])].map(([name, type]) => ({ name, type }));
    const describeOf = { ...seeded, fields: [...seeded.fields, ...standard.filter((f) => !seeded.fields.some((g) => g.name === f.name))] };
    expect(caseDescribeProblems('demo', cases!, describeOf, 'demo')).toEqual([]);
  });

  it('is deterministic for a given seed', () => {
    expect(generateSeed({ accounts: 60, contacts: 200, seed: 3 })).toEqual(seed);
    expect(generateSeed({ accounts: 60, contacts: 200, seed: 4 })).not.toEqual(seed);
  });

  it('makes the requested volume with unique 18-character ids', () => {
    expect(sf.Account).toHaveLength(60);
    expect(sf.Contact).toHaveLength(200);
    const ids = [...sf.Account!, ...sf.Contact!].map((r) => r.Id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length === 18)).toBe(true);
    expect(sfId('001', 1)).not.toBe(sfId('001', 2));
    // Ids that differ only by case in their first 15 characters differ in the suffix (Zendesk compares
    // external_ids case-insensitively)
    const lower = new Set(ids.map((id) => id.toLowerCase()));
    expect(lower.size).toBe(ids.length);
    expect(sfIdSuffix('001000000000abc')).toBe('AAA');
    expect(sfIdSuffix('001000000000ABC')).not.toBe(sfIdSuffix('001000000000abc'));
    expect(sfIdSuffix('001D0000000000A')).toBe('IAQ');
  });

  it('contains the cases the product must handle', () => {
    const accounts = sf.Account!;
    const expired = accounts.find((a) => a.Type === 'Former Customer' && String(a.Next_Renewal_Date__c) < '2023-01-01');
    expect(expired).toBeDefined();
    const byName = new Map<string, number>();
    for (const a of accounts) byName.set(String(a.Name).trim(), (byName.get(String(a.Name).trim()) ?? 0) + 1);
    expect([...byName.values()].some((n) => n > 1)).toBe(true);
    const orgs = zd.organizations!;
    const adoptable = orgs.find((o) => o.external_id === null);
    expect(accounts.some((a) => String(a.Name).trim() === adoptable?.name)).toBe(true);
    expect(orgs.some((o) => o.tags?.includes('vip'))).toBe(true);
    const staffEmails = zd.users!.filter((u) => u.role !== 'end-user').map((u) => u.email);
    expect(staffEmails).toHaveLength(2);
    expect(sf.Contact!.some((c) => staffEmails.includes(String(c.Email).toLowerCase()))).toBe(true);
    const indirect = sf.AccountContactRelation!.filter((r) => r.IsDirect === false && r.IsActive === true);
    expect(new Set(indirect.map((r) => r.ContactId)).size).toBeGreaterThan(0);
    expect(sf.Contact!.some((c) => !c.Email)).toBe(true);
    expect(zd.settings?.user?.multiple_organizations).toBe(true);
  });

  it('writes JSON that parses back to the same seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-seed-'));
    const file = join(dir, 'seed.json');
    await writeSeed(file, seed);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(seed)));
  });
});
