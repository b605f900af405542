// `zdsf plan` end to end on the demo seed: the real Salesforce and Zendesk adapters over the sandbox, the text
// output kept as a snapshot, the JSON checked against schemas/plan.schema.json, the markdown and the report
// for merge requests, and the CLI's exit codes and streams.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderJson, renderMarkdown, renderReport, renderText } from '../../src/render/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const SEED = join(root, 'fixtures', 'demo', 'seed.json');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);

/** a port nothing listens on (a server bound it, then closed) */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let sandbox: Sandbox;
let plan: Plan;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: SEED, port: 0 });
  env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  plan = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(), now: () => new Date('2026-11-23T00:00:00Z') });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('plan on the demo seed', () => {
  it('prints the plan a reviewer reads (snapshot)', async () => {
    await expect(renderText(plan)).toMatchFileSnapshot('__snapshots__/demo-plan.txt');
  });

  it('plans creates, updates, memberships, the retention delete and warnings', () => {
    const [sync] = plan.syncs;
    expect(sync.error).toBeUndefined();
    expect(plan.summary.create).toBeGreaterThan(10);
    expect(plan.summary.update).toBeGreaterThan(5);
    expect(plan.summary.delete).toBe(1);
    const del = sync.changes.find((c) => c.action === 'delete');
    expect(del?.label).toBe('Stark Dynamics');
    expect(del?.reason).toMatch(/^retention: /);
    const adopted = sync.changes.find((c) => c.label === 'Black Mesa Pharma' && c.type === 'organization');
    expect(adopted?.action).toBe('update');
    expect(adopted?.after).toMatchObject({ external_id: '0015g0000000003AAA' });
    const codes = new Set(sync.warnings.map((w) => w.code));
    expect(codes).toEqual(new Set(['duplicate_account_name', 'missing_email', 'agent_skipped']));
    for (const w of sync.warnings) expect(w.records.length).toBeGreaterThan(0);
    // the contact related to three accounts: two secondary memberships besides its primary organization
    const morgan = sync.changes.filter((c) => c.type === 'membership' && c.label.startsWith('morgan.multi@'));
    expect(morgan.map((c) => c.reason)).toEqual(['secondary', 'secondary']);
    // agents and admins are never in the plan
    expect(sync.changes.some((c) => c.label === 'gus.okafor4@gmail.example' || c.label === 'obrien.hughes3@gmail.example')).toBe(false);
    // manual tags survive: only sf_ tags and the static one are managed
    const initech = sync.changes.find((c) => c.label === 'Initech Dynamics');
    expect(initech?.type === 'organization' ? initech.after?.tags : undefined).toEqual(['escalation_contact', 'salesforce', 'sf_customer', 'vip']);
    expect(sync.estimate?.requests).toBeGreaterThan(0);
  });

  it('matches the documented JSON format', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const schema = JSON.parse(await readFile(join(root, 'schemas', 'plan.schema.json'), 'utf8')) as object;
    const validate = ajv.compile(schema);
    const doc = JSON.parse(renderJson(plan)) as unknown;
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('renders the merge-request markdown and report (snapshots: with deletes, without, empty)', async () => {
    await expect(renderMarkdown(plan)).toMatchFileSnapshot('__snapshots__/demo-plan.md');
    await expect(renderReport(plan)).toMatchFileSnapshot('__snapshots__/demo-report.json');
    const [sync] = plan.syncs;
    const noDeletes: Plan = {
      ...plan,
      summary: { ...plan.summary, delete: 0 },
      syncs: [{ ...sync, changes: sync.changes.filter((c) => c.action !== 'delete'), summary: { ...sync.summary, delete: 0 } }],
    };
    const md = renderMarkdown(noDeletes);
    expect(md).not.toContain(':warning:');
    await expect(md).toMatchFileSnapshot('__snapshots__/demo-plan-no-deletes.md');
    const empty: Plan = { ...plan, summary: { create: 0, update: 0, delete: 0 }, syncs: [{ ...sync, changes: [], warnings: [], summary: { create: 0, update: 0, delete: 0 }, estimate: undefined }] };
    await expect(renderMarkdown(empty)).toMatchFileSnapshot('__snapshots__/empty-plan.md');
    await expect(renderReport(empty)).toMatchFileSnapshot('__snapshots__/empty-report.json');
  });
});

describe('zdsf plan (the CLI)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'src', 'commands', 'plan.js'))) throw new Error('run `npm run build` first (npm test does)');
  });

  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, ...extraEnv, NO_COLOR: '1' } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('--format json --detailed-exitcode: exit 2, stdout is the JSON document alone, --out and --report written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-plan-'));
    const r = await cli(['plan', '-c', CONFIG, '--format', 'json', '--detailed-exitcode', '--out', join(dir, 'plan.json'), '--report', join(dir, 'report.json')]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as Plan;
    expect(doc.format_version).toBe('2.0');
    expect(doc.seal).toMatch(/^sha256:[0-9a-f]{64}$/);
    // the CLI wires the case ports (issue 18): the in-process plan's changes, then a Case for each of the 4 demo
    // tickets with an organization (1004 has none)
    const cases = doc.syncs[0].changes.filter((c) => c.type === 'case');
    expect(cases.map((c) => [c.action, c.key])).toEqual([
      ['create', '1001'],
      ['create', '1002'],
      ['create', '1003'],
      ['create', '1005'],
    ]);
    expect(doc.syncs[0].changes.filter((c) => c.type !== 'case')).toHaveLength(plan.syncs[0].changes.length);
    const summary = { ...plan.summary, create: plan.summary.create + cases.length };
    expect(doc.summary).toEqual(summary);
    const saved = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as Plan;
    expect(saved.syncs[0].changes).toHaveLength(doc.syncs[0].changes.length);
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))).toEqual(summary);
    expect(r.stdout + r.stderr).not.toContain('sandbox-secret');
  });

  it('an unreachable Zendesk names the URL, exits 1 and saves nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-plan-'));
    const closed = await closedPort();
    const r = await cli(['plan', '-c', CONFIG, '--out', join(dir, 'plan.json')], { ZD_URL: `http://127.0.0.1:${closed}`, ZD_API_TOKEN: 'sandbox-secret' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot reach Zendesk instance demo at http://127.0.0.1:${closed}/`);
    expect(r.stderr + r.stdout).not.toContain('sandbox-secret');
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('an unknown sync is an error naming the syncs there are', async () => {
    const r = await cli(['plan', '-c', CONFIG, '--sync', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no sync named "nope"; the syncs are "demo"');
  });
});
