// `zdsf plan --state DIR` end to end (issue 13): the CLI over the sandbox. A first plan reads fully and saves the
// snapshot; apply writes Zendesk; the next plan reads incrementally, sees apply's own writes as no change, and
// after Salesforce changes gives exactly the plan a full read gives.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const SEED = join(root, 'fixtures', 'demo', 'seed.json');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);

let sandbox: Sandbox;
let dir: string;
let env: Record<string, string>;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 50_000_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const changesOf = (json: string) => (JSON.parse(json) as { syncs: { changes: unknown[] }[] }).syncs.map((s) => s.changes);

beforeAll(async () => {
  sandbox = await startSandbox({ seed: SEED, port: 0 });
  env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
  dir = await mkdtemp(join(tmpdir(), 'zdsf-incr-e2e-'));
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('zdsf plan --state', () => {
  it('reads fully, then incrementally, and plans exactly as a full read', async () => {
    const state = join(dir, 'state');
    const planFile = join(dir, 'plan.json');
    const first = await cli(['plan', '-c', CONFIG, '--state', state, '--out', planFile, '-q']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('sync demo: Salesforce demo: full read (no snapshot yet)');
    expect(first.stderr).toContain('Zendesk demo: full read (no snapshot yet)');
    expect((await stat(join(state, 'salesforce-demo.jsonl.gz'))).mode & 0o777).toBe(0o600);

    const applied = await cli(['apply', planFile, '-c', CONFIG, '--allow-delete', '-q']);
    expect(applied.code).toBe(0);

    // apply's own writes come back through the exports: the snapshot takes them, nothing is left to change
    const after = await cli(['plan', '-c', CONFIG, '--state', state, '--detailed-exitcode', '-q']);
    expect(after.stderr).toMatch(/Salesforce demo: incremental read since/);
    expect(after.stderr).toMatch(/Zendesk demo: incremental read since/);
    expect(after.code).toBe(0);

    // Salesforce changes between runs
    const contacts = (sandbox.state().salesforce?.Contact ?? []) as { Id: string }[];
    const res = await fetch(`${sandbox.url}/__sandbox/salesforce/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ action: 'update', id: contacts[2].Id, fields: { Title: 'Chief Incremental Officer' } }, { action: 'delete', id: contacts[3].Id }] }),
    });
    expect(res.status).toBe(200);
    const incremental = await cli(['plan', '-c', CONFIG, '--state', state, '--format', 'json', '-q']);
    const full = await cli(['plan', '-c', CONFIG, '--format', 'json', '-q']);
    expect(incremental.code).toBe(0);
    expect(incremental.stderr).toMatch(/incremental read since .*changed: 0 Account, 2 Contact/);
    expect(changesOf(incremental.stdout)).toEqual(changesOf(full.stdout));
    expect(changesOf(full.stdout)[0].length).toBeGreaterThan(0);

    const refreshed = await cli(['plan', '-c', CONFIG, '--state', state, '--refresh', '--format', 'json', '-q']);
    expect(refreshed.stderr).toContain('full read (--refresh)');
    expect(changesOf(refreshed.stdout)).toEqual(changesOf(full.stdout));
  }, 300_000);

  it('refuses --refresh without a state directory', async () => {
    const r = await cli(['plan', '-c', CONFIG, '--refresh', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--refresh needs a state directory');
  }, 120_000);
});
