// Faults on both sides (issue 14): with the sandbox answering 30 % of all requests (Salesforce and Zendesk) with
// 500/503, one plan + apply (what `zdsf apply --auto-approve` does) converges; at 50 %, two do. Then, faults off,
// the plan is "No changes" and Zendesk holds no duplicates. Default retry budgets, short delays.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { generateSeed, writeSeed } from '../../src/seedgen/generate.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
// Retry-After (1 s on the sandbox's 503s) and backoffs are honoured, only shortened
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20)));
const ZD = { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50, sleep };
const SF = { retry: { baseDelayMs: 5, maxDelayMs: 50, sleep } };

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const dupes = (values: (string | null | undefined)[]): number => {
  const seen = new Set<string>();
  let n = 0;
  for (const v of values) {
    if (!v) continue;
    if (seen.has(v.toLowerCase())) n++;
    seen.add(v.toLowerCase());
  }
  return n;
};

async function converge(errorRate: number, maxRuns: number): Promise<{ runs: number; changes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'zdsf-faults-'));
  const seedFile = join(dir, 'seed.json');
  await writeSeed(seedFile, generateSeed({ accounts: 40, contacts: 120, seed: 5 }));
  const sb = await startSandbox({ seed: seedFile, port: 0, faultSeed: 11, rateLimitPerMinute: 1_000_000 });
  sandbox = sb;
  const env = { SF_LOGIN_URL: sb.url, ZD_URL: sb.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  const plan = () => createPlan({ config, source: createSalesforceReader(SF), target: createZendeskReader(ZD) });
  const first = await plan();
  const changes = first.summary.create + first.summary.update + first.summary.delete;
  let runs = 0;
  const notes: string[] = [];
  let ok = false;
  while (!ok && runs < maxRuns) {
    runs++;
    sb.faults({ error_rate: errorRate });
    const p = await plan();
    if (p.syncs.some((s) => s.error)) {
      notes.push(`run ${runs}: plan failed: ${p.syncs.map((s) => s.error).join('; ')}`);
      continue; // a plan that could not read: the next run tries again
    }
    const result = await runApply({ config, plan: p, allowDelete: true, force: true, target: createZendeskReader(ZD), writerFor: (i) => createZendeskWriter(i, ZD) });
    ok = result.ok;
    if (!ok) notes.push(`run ${runs}: ${JSON.stringify({ errors: result.errors, failures: result.failures.slice(0, 3) })}`);
  }
  const injected = sb.stats().faults_injected;
  sb.faults({ error_rate: 0 });
  // faults really were injected (the 30 % run sees about 19 since default memberships ride on the bulk creates)
  expect(injected).toBeGreaterThan(10);
  expect(ok, `not converged within ${maxRuns} runs: ${notes.join('\n')}`).toBe(true);
  const after = await plan();
  expect(after.syncs[0].error).toBeUndefined();
  expect(after.summary).toEqual({ create: 0, update: 0, delete: 0 });
  const z = sb.state().zendesk!;
  expect(dupes((z.organizations ?? []).map((o) => o.name))).toBe(0);
  expect(dupes((z.organizations ?? []).map((o) => o.external_id))).toBe(0);
  expect(dupes((z.users ?? []).map((u) => u.email))).toBe(0);
  expect(dupes((z.organization_memberships ?? []).map((m) => `${m.user_id}:${m.organization_id}`))).toBe(0);
  return { runs, changes };
}

describe('apply under injected 5xx on both sides', () => {
  it('converges in one run at 30 %', async () => {
    const { runs, changes } = await converge(0.3, 1);
    expect(runs).toBe(1);
    expect(changes).toBeGreaterThan(100);
  }, 300_000);

  it('converges within two runs at 50 %', async () => {
    const { runs } = await converge(0.5, 2);
    expect(runs).toBeLessThanOrEqual(2);
  }, 300_000);
});
