// Cases (issue 18 "Done when") through the CLI over the sandbox: `zdsf plan` shows the case changes, `zdsf apply`
// upserts them into Salesforce keyed by the ticket id, and the next plan shows no changes; a ticket closed between
// runs updates its Case (read from the mark the apply stored); an apply stopped after its first batch and run
// again leaves exactly one Case per ticket. A second run's plan file is checked against schemas/plan.schema.json.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Plan } from '../../src/model/plan.js';
import { createSalesforceWriter } from '../../src/salesforce/writer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { readPlanFile } from '../../src/services/plan-file.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { ACME, casesPerTicket, casesSeedWith, casesSection, casesSyncYaml } from '../cases/sandbox-seed.js';

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);

let sandbox: Sandbox;
let dir: string;
let config: string;
let env: Record<string, string>;

const seed = casesSeedWith;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'apply.js'))) throw new Error('run `npm run build` first (npm test does)');
  sandbox = await startSandbox({ seed: seed(), port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'zdsf-cases-cli-'));
  config = join(dir, 'sync.yaml');
  writeFileSync(
    config,
    casesSyncYaml(casesSection()),
  );
  env = { URL: sandbox.url, T: 'sandbox-token' };
});
afterAll(async () => sandbox?.close());

let stateDir: string;
beforeEach(() => {
  sandbox.reset(seed());
  stateDir = mkdtempSync(join(dir, 'state-'));
});

async function zdsf(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [CLI, ...args, '-c', config], { env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 120_000 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const cases = (): Record<string, unknown>[] => (sandbox.state().salesforce?.Case ?? []) as Record<string, unknown>[];
const perTicket = (): Map<string, number> => casesPerTicket(sandbox.state());

describe('cases through zdsf plan and apply', () => {
  it('plan -> apply -> plan shows "No changes"; the plan renders, counts and warns about the cases', { timeout: 300_000 }, async () => {
    const planFile = join(dir, 'first.json');
    const first = await zdsf(['plan', '-q', '--state', stateDir, '--out', planFile]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ case for ticket #123 "Printer on fire" -> account "Acme", contact "ann@acme.example"');
    expect(first.stdout).toContain('+ case for ticket #125 "Question" -> no account');
    expect(first.stdout).toContain('case_no_account: ticket #125: organization "Hand Made" has no external_id (no Account); the Case gets no Account');
    expect(first.stdout).toContain('case_no_contact: ticket #124: requester gus@globex.example is no Contact of the users sync');
    expect(first.stdout).toMatch(/Cases: 3 to add, 0 to change in Salesforce sf \(about 2 requests/);
    const plan: Plan = await readPlanFile(planFile);
    const caseChanges = plan.syncs[0].changes.filter((c) => c.type === 'case');
    expect(caseChanges.map((c) => [c.action, c.key])).toEqual([['create', '123'], ['create', '124'], ['create', '125']]);
    expect(caseChanges[0]).toMatchObject({
      zendesk_id: 123,
      key_field: 'Zendesk_Ticket_Id__c',
      salesforce_id: null,
      ticket: { id: 123, subject: 'Printer on fire', status: 'open' },
      account: { id: ACME, name: 'Acme' },
      after: { Zendesk_Ticket_Id__c: '123', Status: 'Working', AccountId: ACME, Origin: 'Zendesk', Priority: 'High', Product__c: 'ultimate' },
    });
    expect(plan.syncs[0].cases).toMatchObject({ salesforce: { name: 'sf', url: sandbox.url }, key_field: 'Zendesk_Ticket_Id__c', tickets_read: 4, requests: 2 });
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'plan.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(readFileSync(planFile, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);

    const log = join(dir, 'audit.log');
    const applied = await zdsf(['apply', planFile, '-q', '--state', stateDir, '--log-file', log]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');
    expect([...perTicket()]).toEqual([['123', 1], ['124', 1], ['125', 1]]);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'case');
    expect(lines.map((l) => [l.action, l.key, l.outcome])).toEqual([['create', '123', 'ok'], ['create', '124', 'ok'], ['create', '125', 'ok']]);
    expect(String(lines[0].note)).toMatch(/^Case 500\w+ created$/);
    expect(lines[0].request).toBe('PATCH /services/data/vXX.X/composite/sobjects/Case/{key_field} (batch 1 of 1, item 1)');

    const again = await zdsf(['plan', '-q', '--state', stateDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('sync support: Zendesk zd tickets: incremental read from the mark of the last apply');
    expect(again.stdout).toContain('No changes.');
    const full = await zdsf(['plan', '-q']);
    expect(full.stdout).toContain('No changes.');
  });

  it('a ticket closed between runs updates its Case', { timeout: 300_000 }, async () => {
    expect((await zdsf(['apply', '-q', '--auto-approve', '--state', stateDir])).code).toBe(0);
    const put = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/124.json`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: JSON.stringify({ ticket: { status: 'closed' } }),
    });
    expect(put.status).toBe(200);
    const id = cases().find((c) => c.Zendesk_Ticket_Id__c === '124')!.Id as string;
    const next = await zdsf(['plan', '-q', '--state', stateDir]);
    expect(next.stdout).toContain(`~ case ${id} (ticket #124) Status "Working" -> "Closed"`);
    expect(next.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    expect((await zdsf(['apply', '-q', '--auto-approve', '--state', stateDir])).code).toBe(0);
    expect(cases().find((c) => c.Zendesk_Ticket_Id__c === '124')).toMatchObject({ Id: id, Status: 'Closed' });
    expect((await zdsf(['plan', '-q', '--state', stateDir])).stdout).toContain('No changes.');
    expect(perTicket().get('124')).toBe(1);
  });

  it('a Case changed in Salesforce since the plan makes the apply stale: nothing is written', { timeout: 300_000 }, async () => {
    expect((await zdsf(['apply', '-q', '--auto-approve'])).code).toBe(0);
    await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/123.json`, { method: 'PUT', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket: { status: 'solved' } }) });
    const planFile = join(dir, 'stale.json');
    expect((await zdsf(['plan', '-q', '--out', planFile])).code).toBe(0);
    const c = cases().find((x) => x.Zendesk_Ticket_Id__c === '123')!;
    const res = await fetch(`${sandbox.url}/services/data/v62.0/sobjects/Case/${String(c.Id)}`, {
      method: 'PATCH',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: JSON.stringify({ Status: 'Escalated' }),
    });
    expect(res.status).toBeLessThan(300);
    const applied = await zdsf(['apply', planFile, '-q']);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('case for ticket #123: Case');
    expect(applied.stderr).toContain('Status changed since the plan: "Working" -> "Escalated"');
    expect(cases().find((x) => x.Zendesk_Ticket_Id__c === '123')).toMatchObject({ Status: 'Escalated' });
  });
});

describe('an apply stopped after its first batch of Cases', () => {
  it('run again, leaves exactly one Case per ticket', { timeout: 300_000 }, async () => {
    sandbox.reset(seed(450));
    const planFile = join(dir, 'big.json');
    expect((await zdsf(['plan', '-q', '--out', planFile])).code).toBe(0);
    const plan = await readPlanFile(planFile);
    expect(plan.syncs[0].changes.filter((c) => c.type === 'case')).toHaveLength(453);
    const loaded = await loadConfigOrThrow({ file: config, env });
    const real = createSalesforceWriter(loaded.salesforce.sf);
    let upserts = 0;
    const counting = { ...real, upsert: async (...a: Parameters<typeof real.upsert>) => ((upserts += 1), real.upsert(...a)), get requestCount() { return real.requestCount; } };
    const stopped = await runApply({
      config: loaded,
      plan,
      writerFor: (i) => createZendeskWriter(i, { pollIntervalMs: 5, maxPollIntervalMs: 20 }),
      salesforceWriterFor: () => counting,
      shouldStop: () => upserts >= 1,
    });
    expect(upserts).toBe(1);
    expect(stopped.syncs[0].notAttempted).toBe(253);
    expect(cases()).toHaveLength(200);
    // the same saved plan applied again: the 200 Cases written are done, the others created
    const again = await zdsf(['apply', planFile, '-q']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('already done, skipped');
    const counts = perTicket();
    expect(counts.size).toBe(453);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await zdsf(['plan', '-q'])).stdout).toContain('No changes.');
  });
});
