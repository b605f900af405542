// An apply killed half-way (SIGKILL, as a cancelled CI job or a lost runner) and run again, with a fresh plan,
// finishes the job with no duplicate organizations, users or memberships.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';

const root = join(import.meta.dirname, '..', '..');
// a copy of the demo config (each test file its own)
const CONFIG = join(mkdtempSync(join(tmpdir(), 'zdsf-config-')), 'sync.yaml');
copyFileSync(join(root, 'fixtures', 'demo', 'sync.yaml'), CONFIG);
const FAST = { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50 };

let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'apply.js'))) throw new Error('run `npm run build` first (npm test does)');
  sandbox = await startSandbox({ seed: join(root, 'fixtures', 'demo', 'seed.json'), port: 0 });
  env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
});

afterAll(async () => {
  await sandbox?.close();
});

const dupes = (values: (string | null | undefined)[]): string[] => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    if (!v) continue;
    const k = v.toLowerCase();
    if (seen.has(k)) out.push(v);
    seen.add(k);
  }
  return out;
};

describe('an apply killed half-way', () => {
  it('is finished by the next plan and apply, without duplicates', async () => {
    // the CLI, killed with SIGKILL once Zendesk has taken its first writes
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'apply', '-c', CONFIG, '--auto-approve', '--allow-delete', '-q'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (sandbox.stats().writes < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBeNull(); // killed, not finished
    const writesBefore = sandbox.stats().writes;
    expect(writesBefore).toBeGreaterThanOrEqual(2);

    // run again: a fresh plan sees what was done, apply finishes the rest
    const config = await loadConfigOrThrow({ file: CONFIG, env });
    const plan = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
    expect(plan.syncs[0].error).toBeUndefined();
    // the kill left work undone, and some was done (the demo's first plan: 78 to add, 53 to change)
    const left = plan.summary.create + plan.summary.update + plan.summary.delete;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(78 + 53 + 1);
    const result = await runApply({ config, plan, allowDelete: true, target: createZendeskReader(FAST), writerFor: (i) => createZendeskWriter(i, FAST) });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);

    const again = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });

    const state = sandbox.state().zendesk!;
    expect(dupes((state.organizations ?? []).map((o) => o.name))).toEqual([]);
    expect(dupes((state.organizations ?? []).map((o) => o.external_id))).toEqual([]);
    expect(dupes((state.users ?? []).map((u) => u.email))).toEqual([]);
    expect(dupes((state.organization_memberships ?? []).map((m) => `${m.user_id}:${m.organization_id}`))).toEqual([]);
  });
});
