// Steady-state seeds (issue 13's bench): a real plan + apply over a generated seed, its Zendesk state taken as the
// new seed (slimmed). A full plan over a sandbox started on that seed, from its file, has no changes.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { generateSeed, writeSeed } from '../../src/seedgen/generate.js';
import { steadySeed } from '../../src/seedgen/steady.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';

const CONFIG = join(import.meta.dirname, '..', '..', 'fixtures', 'demo', 'sync.yaml');

describe('steadySeed', () => {
  it('gives a world a full plan finds in step ("No changes"), ids and all', async () => {
    const seed = generateSeed({ accounts: 40, contacts: 120, seed: 7 });
    const lines: string[] = [];
    const steady = await steadySeed(seed, { config: CONFIG, log: (l) => lines.push(l) });
    // the generated seed is messy: the first round has work to do
    expect(steady.rounds[0].planned.create).toBeGreaterThan(0);
    expect(steady.remaining).toEqual({ create: 0, update: 0, delete: 0 });
    expect(steady.seed.salesforce).toEqual(seed.salesforce);
    expect(lines.at(-1)).toMatch(/0 to add, 0 to change, 0 to destroy/);
    // records slimmed: no url, timestamps or agent settings
    expect(Object.keys(steady.seed.zendesk!.users![0])).not.toContain('url');
    expect(Object.keys(steady.seed.zendesk!.organizations![0])).not.toContain('created_at');

    const dir = await mkdtemp(join(tmpdir(), 'zdsf-steady-'));
    const file = join(dir, 'seed.json');
    await writeSeed(file, steady.seed);
    expect((await stat(file)).size).toBeGreaterThan(0);
    const sandbox = await startSandbox({ seed: file, port: 0, rateLimitPerMinute: 1_000_000 });
    try {
      const config = await loadConfigOrThrow({ file: CONFIG, env: { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 't', ZD_API_TOKEN: 't' } });
      const plan = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader() });
      expect(plan.syncs[0].error).toBeUndefined();
      expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0 });
      expect(sandbox.state().zendesk!.users!.length).toBe(steady.seed.zendesk!.users!.length);
    } finally {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
