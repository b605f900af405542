// Ticket-aware retention (issue 17 part 2) over the sandbox, with the real readers and writer and an injected
// clock: of four former customers' organizations, the one with an open ticket and the one with a closed
// ticket updated within keep_if_ticket_within_days are kept (listed, with why); the other two are deleted;
// plan again: no changes (the kept ones still listed). The Zendesk read is search/count, 1 or 2 requests per
// delete candidate, counted here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/model/config.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { renderText } from '../../src/render/text.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { ZendeskHttpError } from '../../src/zendesk/transport.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { ConfigDir, FAST, account, makeSeed, recordingFetch, zOrg, type RecordedRequest } from './relationships-helpers.js';
import { SF_ZD_INSTANCES } from './instances-yaml.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const FORMER = ['001000000000011AAA', '001000000000012AAA', '001000000000013AAA', '001000000000014AAA'];
const NAMES = ['Open Ticket Co', 'Recent Ticket Co', 'Old Ticket Co', 'No Ticket Co'];

function seed(): SandboxSeed {
  const s = makeSeed({
    multi: false,
    accounts: FORMER.map((id, i) => ({ ...account(id, 'Former'), Name: NAMES[i] })),
    organizations: FORMER.map((id, i) => ({ ...zOrg(901 + i, id), name: NAMES[i] })),
  });
  s.zendesk!.tickets = [
    { id: 1, status: 'pending', organization_id: 901, requester_id: null, updated_at: '2025-01-01T00:00:00Z' },
    { id: 2, status: 'closed', organization_id: 902, requester_id: null, updated_at: '2026-11-25T00:00:00Z' },
    { id: 3, status: 'closed', organization_id: 903, requester_id: null, updated_at: '2026-06-01T00:00:00Z' },
    // another organization's open ticket counts for none of these
    { id: 4, status: 'open', organization_id: 100, requester_id: null, updated_at: '2026-11-30T00:00:00Z' },
  ];
  return s;
}

function yaml(retention: string): string {
  return `${SF_ZD_INSTANCES}syncs:
  ret:
    from: sf
    to: zd
    organizations:
      where: "Type = 'Customer'"
      retention: { delete_when: "Type = 'Former'", max_deletes: 5${retention} }
`;
}

let sandbox: Sandbox;
let dir: ConfigDir;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: seed(), port: 0 });
  dir = new ConfigDir(sandbox);
});
afterAll(async () => {
  dir.remove();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

function plan(config: Config, log: RecordedRequest[] = [], target = createZendeskReader({ ...FAST, fetch: recordingFetch(log) })) {
  return createPlan({ config, source: createSalesforceReader(), target, now: () => NOW });
}

const searches = (log: RecordedRequest[]): RecordedRequest[] => log.filter((r) => r.path === '/search/count');

describe('retention keeps organizations with tickets', () => {
  it('keeps the open and the recent, deletes the others; plan again: no changes', async () => {
    const config = await dir.loadText('ret.yaml', yaml(', keep_if_ticket_within_days: 30'));
    const log: RecordedRequest[] = [];
    const p = await plan(config, log);
    const sync = p.syncs[0];
    expect(sync.error).toBeUndefined();
    expect(sync.changes.map((c) => `${c.action} ${c.label}`)).toEqual(['delete No Ticket Co', 'delete Old Ticket Co']);
    expect(sync.summary).toEqual({ create: 0, update: 0, delete: 2 });
    const kept = sync.warnings.filter((w) => w.code === 'kept_for_tickets').map((w) => w.message);
    expect(kept).toEqual([
      `organization "Open Ticket Co" (id 901) matches retention: Type = 'Former' but is kept: 1 ticket not closed (retention.keep_if_open_tickets)`,
      `organization "Recent Ticket Co" (id 902) matches retention: Type = 'Former' but is kept: 1 ticket updated within the last 30 days (retention.keep_if_ticket_within_days)`,
    ]);
    expect(renderText(p)).toContain('kept_for_tickets: organization "Open Ticket Co" (id 901)');
    // 1 count for the organization with an open ticket, 2 for each other candidate: 7
    expect(searches(log).length).toBe(7);

    const result = await runApply({ config, plan: p, allowDelete: true, writerFor: (i) => createZendeskWriter(i, FAST), target: createZendeskReader(FAST) });
    expect(result).toMatchObject({ ok: true, destroyed: 2 });
    expect(sandbox.state().zendesk!.organizations!.map((o) => o.id).filter((id) => id !== undefined && id > 900)).toEqual([901, 902]);

    const again = await plan(config);
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(again.syncs[0].warnings.filter((w) => w.code === 'kept_for_tickets')).toHaveLength(2);
    expect(renderText(again)).toContain('No changes. Zendesk matches the configuration.');
  });

  it('the clock decides "recent": 10 days later the closed ticket no longer keeps its organization', async () => {
    const config = await dir.loadText('ret10.yaml', yaml(', keep_if_ticket_within_days: 10'));
    const later = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST), now: () => new Date(NOW.getTime() + 10 * 86_400_000) });
    expect(later.syncs[0].changes.map((c) => c.label)).toEqual(['No Ticket Co', 'Old Ticket Co', 'Recent Ticket Co']);
  });

  it('by default keeps only organizations with tickets not closed, one count per candidate; keep_if_open_tickets: false asks nothing', async () => {
    const log: RecordedRequest[] = [];
    const p = await plan(await dir.loadText('default.yaml', yaml('')), log);
    expect(p.syncs[0].changes.map((c) => c.label)).toEqual(['No Ticket Co', 'Old Ticket Co', 'Recent Ticket Co']);
    expect(searches(log).map((r) => r.path)).toHaveLength(4);

    const none: RecordedRequest[] = [];
    const off = await plan(await dir.loadText('off.yaml', yaml(', keep_if_open_tickets: false')), none);
    expect(off.syncs[0].changes).toHaveLength(4);
    expect(searches(none)).toEqual([]);
  });

  it('credentials that cannot search tickets fail the plan early, naming the setting', async () => {
    const config = await dir.loadText('denied.yaml', yaml(''));
    const reader = createZendeskReader(FAST);
    const denied = {
      read: reader.read,
      ticketActivity: () => Promise.reject(new ZendeskHttpError('403 Forbidden', 'forbidden', 403, 'GET', `${sandbox.zendeskUrl()}/api/v2/search/count`, {})),
    };
    const p = await plan(config, [], denied as unknown as ReturnType<typeof createZendeskReader>);
    expect(p.syncs[0].error).toMatch(/^syncs\.ret\.organizations\.retention\.keep_if_open_tickets needs to search tickets \(GET \/api\/v2\/search\/count\), but Zendesk "zd" .* answered 403/);
    expect(p.syncs[0].changes).toEqual([]);
  });
});
