// Interrupts and the apply lock (issue 14), with the CLI against a slow sandbox (latency fault).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { acquireApplyLock, acquireInstanceLocks, instancesWritten, lockPathFor } from '../../src/services/apply-lock.js';
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

function run(args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], { env: { ...process.env, ...env, ...extraEnv, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      expect(existsSync(lockPathFor(sandbox.url))).toBe(false);

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
  it('a second apply to the same Zendesk instance refuses while the first runs, from another config too; the first counts only its own work', async () => {
    await savePlan();
    // another config file, elsewhere, writing to the same instance (its URL spelt with a trailing slash)
    const otherDir = mkdtempSync(join(tmpdir(), 'zdsf-other-config-'));
    const OTHER = join(otherDir, 'other.yaml');
    copyFileSync(CONFIG, OTHER);
    sandbox.faults({ latency_ms: 100 });
    const first = run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']);
    await until(() => existsSync(lockPathFor(sandbox.url)) && sandbox.stats().writes >= 1);
    expect(statSync(lockPathFor(sandbox.url)).mode & 0o777).toBe(0o600);
    const second = await run(['apply', PLAN, '-c', CONFIG, '--allow-delete', '-q']).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another apply is running against Zendesk instance demo (${sandbox.url})`);
    expect(second.stderr).toContain(`on ${hostname()}`);
    expect(second.stderr).toContain(`(config ${CONFIG})`);
    const third = await run(['apply', '-c', OTHER, '--auto-approve', '--allow-delete', '-q'], { ZD_URL: `${sandbox.url}/` }).done;
    expect(third.code).toBe(1);
    expect(third.stderr).toContain('Another apply is running against Zendesk instance demo');
    expect(third.stdout).not.toContain('Plan:'); // refused before planning
    sandbox.faults({ latency_ms: 0 });
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Apply complete! Resources: [1-9]\d* added/);
    expect(r.stdout).not.toMatch(/already done/);
    expect(existsSync(lockPathFor(sandbox.url))).toBe(false);
  }, 180_000);

  it('apply without PLANFILE takes the lock before planning: nothing is read while another apply holds it', async () => {
    const config = await loadConfigOrThrow({ file: CONFIG, env });
    const held = acquireInstanceLocks(instancesWritten(config, config.syncs.map((s) => s.name)), { command: 'test' });
    try {
      const before = { ...sandbox.stats().requests };
      const r = await run(['apply', '-c', CONFIG, '--auto-approve', '--allow-delete', '-q']).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Another apply is running against Zendesk instance demo (${sandbox.url})`);
      expect(r.stderr).toContain(`held by pid ${process.pid}`);
      expect(sandbox.stats().requests).toEqual(before); // neither Salesforce nor Zendesk was asked anything
    } finally {
      held.release();
    }
    expect(existsSync(lockPathFor(sandbox.url))).toBe(false);
  }, 120_000);

  it('takes over a stale lock (its process is gone) with a warning', () => {
    const path = join(dir, 'stale.yaml.apply.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started_at: new Date().toISOString() }));
    const warnings: string[] = [];
    const lock = acquireApplyLock(path, { logger: { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m) } });
    expect(warnings[0]).toMatch(/Taking over the apply lock .*no longer running/);
    expect(() => acquireApplyLock(path, { subject: 'Zendesk instance x' })).toThrow(/Another apply is running against Zendesk instance x/);
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

describe('lock files per Zendesk instance', () => {
  it('one file per instance URL, whatever its case or trailing slash; another instance has its own', () => {
    const e = { ZDSF_LOCK_DIR: '/locks' };
    expect(lockPathFor('https://acme.zendesk.com', e)).toBe(lockPathFor('https://ACME.zendesk.com/', e));
    expect(lockPathFor('https://acme.zendesk.com', e)).toMatch(/^\/locks\/acme\.zendesk\.com-[0-9a-f]{12}\.apply\.lock$/);
    expect(lockPathFor('https://acme.zendesk.com', e)).not.toBe(lockPathFor('https://acme-eu.zendesk.com', e));
    expect(lockPathFor('http://127.0.0.1:8787', e)).not.toBe(lockPathFor('http://127.0.0.1:8788', e));
  });

  it('an apply writing to two instances takes both, or none when one is held', async () => {
    const lockDir = mkdtempSync(join(tmpdir(), 'zdsf-locks-'));
    const e = { ZDSF_LOCK_DIR: join(lockDir, 'sub') }; // created on first use
    const a = { name: 'a', url: 'https://a.zendesk.com' } as Parameters<typeof acquireInstanceLocks>[0][number];
    const b = { name: 'b', url: 'https://b.zendesk.com' } as Parameters<typeof acquireInstanceLocks>[0][number];
    const holdB = acquireInstanceLocks([b], { env: e });
    expect(() => acquireInstanceLocks([a, b], { env: e })).toThrow(/Zendesk instance b \(https:\/\/b\.zendesk\.com\)/);
    expect(existsSync(lockPathFor(a.url, e))).toBe(false); // a was released again
    holdB.release();
    const both = acquireInstanceLocks([a, b], { env: e });
    expect(existsSync(lockPathFor(a.url, e)) && existsSync(lockPathFor(b.url, e))).toBe(true);
    both.release();
    expect(existsSync(lockPathFor(a.url, e)) || existsSync(lockPathFor(b.url, e))).toBe(false);
  });

  it('instancesWritten: the instances of the syncs applied, each once', async () => {
    const config = await loadConfigOrThrow({ file: CONFIG, env });
    expect(instancesWritten(config, ['demo', 'demo', 'no-such-sync']).map((i) => i.name)).toEqual(['demo']);
    expect(instancesWritten(config, [])).toEqual([]);
  });
});
