// Cases end to end over the sandbox (issue 18 "Done when", at the level of src/cases/pipeline.ts: the `case`
// resource on the plan contract of issue 11 is still to be wired): real HTTP, the real ticket reader, Salesforce
// reader (for the users match) and Case adapter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planCases, type CasePlan, type CaseTarget } from '../../src/cases/pipeline.js';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import type { CaseWriterOptions } from '../../src/salesforce/case-writer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { TicketExportStart } from '../../src/zendesk/tickets.js';
import { casesRun } from './run.js';
import { ACME, ANN, GLOBEX, casesSeed, casesSection, casesSyncYaml } from './sandbox-seed.js';

let sandbox: Sandbox;
let config: Config;
let clock = Date.parse('2026-12-01T12:00:00Z');
const now = () => clock;
const sleep = async (ms: number) => void (clock += ms);

const CASES = casesSection();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: casesSeed(), port: 0, now });
  const dir = mkdtempSync(join(tmpdir(), 'zdsf-cases-e2e-'));
  const file = join(dir, 'sync.yaml');
  writeFileSync(
    file,
    casesSyncYaml(CASES),
  );
  config = await loadConfigOrThrow({ file, env: { URL: sandbox.url, T: 'sandbox-token' } });
  run = casesRun(config, 'support', { now, sleep });
});
beforeEach(() => sandbox.reset(casesSeed()));
afterAll(async () => sandbox.close());

let run: ReturnType<typeof casesRun>;
const target = (options: CaseWriterOptions = {}) => run.target(options);
const plan = (start?: TicketExportStart, salesforce?: CaseTarget) => run.plan(start, salesforce);
const apply = (p: CasePlan, t?: CaseTarget) => run.apply(p, t);
const cases = () => (sandbox.state().salesforce?.Case ?? []) as Record<string, unknown>[];
const put = (id: number, ticket: Record<string, unknown>) =>
  fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/${id}.json`, { method: 'PUT', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket }) });

describe('cases over the sandbox', () => {
  it('plan -> apply -> plan shows no changes; warnings for the organization without Account and the requester without Contact', async () => {
    const first = await plan();
    expect(first.changes.map((c) => [c.action, c.key])).toEqual([['create', '123'], ['create', '124'], ['create', '125']]);
    expect(first.changes[0].desired.fields).toEqual({
      Subject: 'Printer on fire',
      Description: 'Flames everywhere',
      Origin: 'Zendesk',
      Priority: 'High',
      Product__c: 'ultimate',
      Status: 'Working',
      AccountId: ACME,
      ContactId: ANN,
      Zendesk_Ticket_Id__c: '123',
    });
    expect(first.warnings.map((w) => w.message)).toEqual([
      'ticket #124: requester gus@globex.example is no Contact of the users sync; the Case gets no Contact',
      'ticket #125: organization "Hand Made" has no external_id (no Account); the Case gets no Account',
      'ticket #125: requester gus@globex.example is no Contact of the users sync; the Case gets no Contact',
    ]);
    expect(first).toMatchObject({ ticketsRead: 4, unchanged: 0, mark: { endOfStream: true } });

    const done = await apply(first);
    expect(done.created.map((r) => r.key)).toEqual(['123', '124', '125']);
    expect(done.failed).toEqual([]);
    expect(cases().map((c) => [c.Zendesk_Ticket_Id__c, c.Status, c.AccountId ?? null])).toEqual([['123', 'Working', ACME], ['124', 'Working', GLOBEX], ['125', 'Closed', null]]);

    const second = await plan();
    expect(second.changes).toEqual([]);
    expect(second.unchanged).toBe(3);
    // from the mark: nothing changed since
    const fromMark = await plan({ cursor: first.mark.cursor! });
    expect(fromMark).toMatchObject({ changes: [], ticketsRead: 0 });
  });

  it('a ticket closed between runs updates its Case, read from the mark', async () => {
    const first = await plan();
    await apply(first);
    expect((await put(124, { status: 'closed' })).status).toBe(200);
    const next = await plan({ cursor: first.mark.cursor! });
    expect(next.ticketsRead).toBe(1);
    expect(next.changes).toHaveLength(1);
    const change = next.changes[0];
    expect(change.action === 'update' && [change.key, change.diffs]).toEqual(['124', [{ field: 'Status', from: 'Working', to: 'Closed' }]]);
    const done = await apply(next);
    expect(done.updated.map((r) => r.key)).toEqual(['124']);
    expect(cases().find((c) => c.Zendesk_Ticket_Id__c === '124')).toMatchObject({ Status: 'Closed', IsClosed: true });
    expect((await plan()).changes).toEqual([]);
  });

  it('an apply killed half-way, planned and applied again, leaves exactly one Case per ticket', async () => {
    const first = await plan();
    const real = target();
    // the process dies after the first record reached Salesforce
    const dying: CaseTarget = {
      describeCase: () => real.describeCase(),
      readCasesByKeys: (...a) => real.readCasesByKeys(...a),
      existingAccountIds: (ids) => real.existingAccountIds(ids),
      upsert: async (key, records) => {
        await real.upsert(key, records.slice(0, 1));
        throw new Error('SIGKILL');
      },
    };
    await expect(apply(first, dying)).rejects.toThrow('SIGKILL');
    expect(cases()).toHaveLength(1);
    // the same saved plan applied again: its own half-done create is not stale, and is not duplicated
    const rerun = await apply(first);
    expect(rerun.stale).toEqual([]);
    expect(rerun.failed).toEqual([]);
    const again = await plan();
    expect(again.changes).toEqual([]);
    const keys = cases().map((c) => c.Zendesk_Ticket_Id__c);
    expect(keys.sort()).toEqual(['123', '124', '125']);
  });

  it('an answer lost on the way back is retried without a second Case (the upsert is keyed)', async () => {
    let lost = 0;
    const losingFetch = async (input: string, init?: RequestInit): Promise<Response> => {
      const res = await fetch(input, init);
      if (init?.method === 'PATCH' && lost === 0) {
        lost += 1;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return res;
    };
    const first = await plan();
    const done = await apply(first, target({ fetch: losingFetch }));
    expect(lost).toBe(1);
    expect(done.failed).toEqual([]);
    expect(cases()).toHaveLength(3);
  });

  it('a Case changed in Salesforce since the plan is skipped as stale, the others are applied', async () => {
    await apply(await plan());
    await put(123, { status: 'solved' });
    await put(124, { status: 'solved' });
    const p = await plan();
    expect(p.changes.map((c) => c.key)).toEqual(['123', '124']);
    const id = cases().find((c) => c.Zendesk_Ticket_Id__c === '123')!.Id as string;
    await fetch(`${sandbox.salesforceUrl()}/services/data/v62.0/sobjects/Case/${id}`, { method: 'PATCH', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ Status: 'Escalated' }) });
    const done = await apply(p);
    expect(done.stale).toEqual([{ key: '123', reason: `Case ${id} Status is now "Escalated" (the plan saw "Working")` }]);
    expect(done.updated.map((r) => r.key)).toEqual(['124']);
  });

  it('a mapping to a Case field that does not exist fails the plan early, naming it and its line; nothing is written', async () => {
    const sync = config.syncs[0];
    const broken = { ...sync.cases!, fields: { ...sync.cases!.fields, Subjekt: { kind: 'field' as const, from: 'subject', name: 'syncs.support.cases.fields.Subjekt', pos: { file: 'sync.yaml', line: 14, col: 18 } } } };
    const before = sandbox.stats().writes;
    await expect(
      planCases(
        { syncName: 'support', cases: broken, instanceName: 'sf', contactsByEmail: new Map() },
        { tickets: () => Promise.reject(new Error('must not read')), salesforce: target() },
      ),
    ).rejects.toThrow('sync.yaml:14:18: syncs.support.cases.fields.Subjekt: Case in Salesforce instance sf has no field Subjekt');
    expect(sandbox.stats().writes).toBe(before);
  });
});
