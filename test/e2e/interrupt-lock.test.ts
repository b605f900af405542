// Interrupts and the apply lock (issue 14), with the CLI against a slow sandbox (latency fault).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { acquireApplyLock, lockPathFor } from '../../src/services/apply-lock.js';
import { writePlanFile } from '../../src/services/plan-file.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'zdsf-interrupt-'));
const CONFIG = join(dir, 'sync.yaml');
const PLAN = join(dir, 'plan.json');
const FAST = { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50 };

let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'apply.js'))) throw new Error('run `npm run build` first (npm test does)');
  copyFileSync(join(root, 'fixtures', 'demo', 'sync.yaml'), CONFIG);
  sandbox = await startSandbox({ seed: join(root, 'fixtures', 'demo', 'seed.json'), port: 0 });
  env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
});

afterAll(async () => {
  await sandbox?.close();
});

async function savePlan(): Promise<void> {
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  const plan = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
  await writePlanFile(PLAN, plan);
}

function run(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error('timed out waiting');
}

beforeEach(() => {
  sandbox.reset();
  sandbox.faults({ latency_ms: 0 });
});

describe('SIGINT / SIGTERM during apply', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: stops sending new batches, says what was done and how to resume, exits ${code}; the rerun finishes`, async () => {
      await savePlan();
      sandbox.faults({ latency_ms: 150 });
      const first = run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']);
      await until(() => sandbox.stats().writes >= 1);
      first.child.kill(signal);
      const r = await first.done;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`${signal} received: sending no new batches`);
      expect(r.stderr).toMatch(new RegExp(`Interrupted by ${signal}: \\d+ added, \\d+ changed, \\d+ destroyed by this apply`));
      expect(r.stderr).toMatch(/[1-9]\d* changes? not attempted/);
      expect(r.stderr).toContain(`zdsf apply ${PLAN} -c ${CONFIG}\` again: it skips what is done`);
      expect(existsSync(lockPathFor(CONFIG))).toBe(false);

      sandbox.faults({ latency_ms: 0 });
      const again = await run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']).done;
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already done, skipped/);
      const config = await loadConfigOrThrow({ file: CONFIG, env });
      const after = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
      expect(after.summary).toEqual({ create: 0, update: 0, delete: 0 });
    }, 180_000);
  }
});

describe('the apply lock', () => {
  it('a second apply of the same configuration refuses while the first runs; the first counts only its own work', async () => {
    await savePlan();
    sandbox.faults({ latency_ms: 100 });
    const first = run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']);
    await until(() => existsSync(lockPathFor(CONFIG)) && sandbox.stats().writes >= 1);
    expect(statSync(lockPathFor(CONFIG)).mode & 0o777).toBe(0o600);
    const second = await run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('Another apply is running for this configuration');
    expect(second.stderr).toContain(`on ${hostname()}`);
    sandbox.faults({ latency_ms: 0 });
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Apply complete! Resources: [1-9]\d* added/);
    expect(r.stdout).not.toMatch(/already done/);
    expect(existsSync(lockPathFor(CONFIG))).toBe(false);
  }, 180_000);

  it('takes over a stale lock (its process is gone) with a warning', () => {
    const path = join(dir, 'stale.yaml.apply.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started_at: new Date().toISOString() }));
    const warnings: string[] = [];
    const lock = acquireApplyLock(path, { logger: { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m) } });
    expect(warnings[0]).toMatch(/Taking over the apply lock .*no longer running/);
    expect(() => acquireApplyLock(path)).toThrow(/Another apply is running/);
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireApplyLock(path).release();
  });

  it('takes over a lock older than a day from another host, not a fresh one', () => {
    const path = join(dir, 'foreign.yaml.apply.lock');
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', started_at: new Date().toISOString() }));
    expect(() => acquireApplyLock(path)).toThrow(/held by pid 1 on elsewhere/);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', started_at: new Date(Date.now() - 25 * 3600_000).toISOString() }));
    acquireApplyLock(path).release();
  });
});
