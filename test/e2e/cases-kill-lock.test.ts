// Cases through the CLI over the sandbox (issue 18), the parts a user meets when things go wrong or get big:
// - `zdsf apply PLANFILE` SIGKILLed after its first batch of Cases, then the same plan file applied again: exactly
//   one Case per ticket, then "No changes". The kill is placed by a proxy in front of the sandbox that holds the
//   second Case upsert request (so the first batch is written and answered, the second never reaches Salesforce),
//   not by a timer;
// - the Case write lock per Salesforce org: an apply writing Cases to an org whose lock is held refuses, names the
//   holder and the next step, writes nothing; a sync without cases on the same config is not held up;
// - a sync at or above `cases.bulk_threshold` writes its Cases through one Bulk API 2.0 ingest job.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { readPlanFile } from '../../src/services/plan-file.js';
import { acquireApplyLock, caseLockPathFor } from '../../src/services/apply-lock.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { casesPerTicket, casesSeedWith, casesSection, casesSyncYaml } from '../cases/sandbox-seed.js';

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);
const UPSERT_PATH = '/composite/sobjects/Case/';

let sandbox: Sandbox;
let proxy: Server;
let proxyUrl: string;
let dir: string;
let lockDir: string;
/** upsert requests seen by the proxy; with `hold`, the second and later ones are never answered */
const gate = { hold: false, upserts: 0, onHeld: (): void => undefined };

const seed = casesSeedWith;

const CASES = casesSection;
function configFile(name: string, cases: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    casesSyncYaml(cases),
  );
  return file;
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: seed(), port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'zdsf-cases-kill-'));
  lockDir = join(dir, 'locks');
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PATCH' && req.url?.includes(UPSERT_PATH)) {
        gate.upserts += 1;
        if (gate.hold && gate.upserts >= 2) {
          gate.onHeld(); // never answered: the process is killed while it waits
          return;
        }
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)).map(([k, v]) => [k, String(v)]));
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${sandbox.url}${req.url}`, { method: req.method, headers, ...(body && req.method !== 'GET' ? { body } : {}) })
        .then(async (answer) => {
          const out = Buffer.from(await answer.arrayBuffer());
          const h: Record<string, string> = {};
          answer.headers.forEach((v, k) => {
            if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) h[k] = v;
          });
          res.writeHead(answer.status, h);
          res.end(out);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await sandbox?.close();
});

const envFor = (url: string) => ({ ...process.env, URL: url, T: 'sandbox-token', NO_COLOR: '1', ZDSF_LOCK_DIR: lockDir });

async function zdsf(args: string[], config: string, url = sandbox.url): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [CLI, ...args, '-c', config], { env: envFor(url), timeout: 240_000 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const cases = (): Record<string, unknown>[] => (sandbox.state().salesforce?.Case ?? []) as Record<string, unknown>[];
const perTicket = (): Map<string, number> => casesPerTicket(sandbox.state());

describe('zdsf apply PLANFILE killed (SIGKILL) after its first batch of Cases', () => {
  it('the same plan file applied again leaves exactly one Case per ticket, then plan shows "No changes"', { timeout: 600_000 }, async () => {
    sandbox.reset(seed(450));
    const config = configFile('kill.yaml', CASES());
    const planFile = join(dir, 'kill-plan.json');
    const planned = await zdsf(['plan', '-q', '--out', planFile], config, proxyUrl);
    expect(planned.code, planned.stderr).toBe(0);
    expect((await readPlanFile(planFile)).syncs[0].changes.filter((c) => c.type === 'case')).toHaveLength(453);

    gate.upserts = 0;
    gate.hold = true;
    const held = new Promise<void>((resolve) => (gate.onHeld = resolve));
    const child = spawn(process.execPath, [CLI, 'apply', planFile, '-q', '-c', config], { env: envFor(proxyUrl), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await held; // the first batch was written and answered; the second upsert waits at the proxy
    expect(cases()).toHaveLength(200);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    gate.hold = false;
    const instance = (await loadConfigOrThrow({ file: config, env: { URL: proxyUrl, T: 'sandbox-token' } })).salesforce.sf;
    expect(existsSync(caseLockPathFor(instance, { ZDSF_LOCK_DIR: lockDir }))).toBe(true); // left behind by the killed apply
    expect(cases()).toHaveLength(200);

    // what a user does after a kill: the same plan file again (its 200 written Cases are "already done")
    const again = await zdsf(['apply', planFile, '-q'], config, proxyUrl);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stderr).toMatch(/Taking over the apply lock .*salesforce-.*\.cases\.lock: process \d+ is no longer running/);
    expect(again.stdout).toContain('already done, skipped');
    const counts = perTicket();
    expect(counts.size).toBe(453);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect((await zdsf(['plan', '-q'], config, proxyUrl)).stdout).toContain('No changes.');
  });
});

describe('the Case write lock per Salesforce org', () => {
  it('an apply writing Cases to a held org refuses with the holder and the next step; a sync without cases is not held up', { timeout: 300_000 }, async () => {
    sandbox.reset(seed());
    const config = configFile('locked.yaml', CASES());
    const instance = (await loadConfigOrThrow({ file: config, env: { URL: sandbox.url, T: 'sandbox-token' } })).salesforce.sf;
    const held = acquireApplyLock(caseLockPathFor(instance, { ZDSF_LOCK_DIR: lockDir }), { command: 'apply', config: 'other.yaml' });
    try {
      const refused = await zdsf(['apply', '-q', '--auto-approve'], config);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`Another apply is running against Salesforce instance sf (Case writes to ${sandbox.url.toLowerCase()})`);
      expect(refused.stderr).toContain(`held by pid ${process.pid}`);
      expect(refused.stderr).toContain('(config other.yaml)');
      expect(refused.stderr).toContain('Nothing was written. Wait for it to finish and run apply again');
      expect(cases()).toHaveLength(0);
      const noCases = await zdsf(['apply', '-q', '--auto-approve'], configFile('no-cases.yaml', ''));
      expect(noCases.code, noCases.stderr).toBe(0);
    } finally {
      held.release();
    }
    const applied = await zdsf(['apply', '-q', '--auto-approve'], config);
    expect(applied.code, applied.stderr).toBe(0);
    expect([...perTicket().values()]).toEqual([1, 1, 1]);
  });
});

describe('a sync at cases.bulk_threshold', () => {
  it('writes its Cases through one Bulk API 2.0 ingest job, and the next plan shows "No changes"', { timeout: 300_000 }, async () => {
    sandbox.reset(seed(450));
    const config = configFile('bulk.yaml', CASES('\n      bulk_threshold: 300'));
    const log = join(dir, 'bulk-audit.log');
    const applied = await zdsf(['apply', '-q', '--auto-approve', '--log-file', log], config);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'case');
    expect(lines).toHaveLength(453);
    expect(lines[0]).toMatchObject({ action: 'create', outcome: 'ok', request: 'Bulk API 2.0 ingest job: POST /services/data/vXX.X/jobs/ingest (upsert by {key_field}) (batch 1 of 1, item 1)' });
    const stats = sandbox.stats().requests;
    expect(stats['POST /services/data/v{version}/jobs/ingest']).toBe(1);
    expect(stats['PUT /services/data/v{version}/jobs/ingest/{id}/batches']).toBe(1);
    expect(stats['PATCH /services/data/v{version}/composite/sobjects/Case/Zendesk_Ticket_Id__c']).toBeUndefined();
    const counts = perTicket();
    expect(counts.size).toBe(453);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await zdsf(['plan', '-q'], config)).stdout).toContain('No changes.');
  });
});
