// The cases section of `npm run bench -- --cases` (issue 18): Case upserts through sObject Collections (200 a
// request) against one Bulk API 2.0 ingest job, at 200, 2,000 and 20,000 tickets, over the sandbox in this process.
// Runs alone too: `node dist/scripts/bench-cases.js [--sizes 200,2000,20000] [--latency-ms 100] [--record-ms 2]
// [--bulk-queue-ms 5000] [--json]`.
//
// Each size and path is measured twice, on a fresh org each time (every record a create), then once more as
// updates of the same Cases (the Case count must not grow):
// - loopback: as it is, the sandbox on 127.0.0.1; the Bulk job moves one state per status check, so its wall
//   time is mostly the client's own poll waits (1 s, then 2 s, ...);
// - modelled: the latency of a real org added where it arises. Every request waits --latency-ms (network round
//   trip and Salesforce's fixed cost; the client's fetch sleeps before sending); a Collections request also waits
//   --record-ms per record it carries (Salesforce's synchronous DML, serial within a request); a Bulk job is
//   processed --bulk-queue-ms after UploadComplete plus --record-ms per record of its largest internal batch
//   (Salesforce splits a job into batches of 10,000 records and runs them in parallel), found by the client's
//   status checks at its real backoff.
// API usage: every REST call counts against the org's daily API request allocation, Bulk API 2.0 calls
// included; a Bulk API 2.0 ingest job also uses one batch of the 15,000 a day (shared with Bulk API 1.0) per
// 10,000 records, and its records count toward the 150,000,000 records a day. Both are printed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrThrow } from '../src/config/index.js';
import type { SalesforceInstance } from '../src/model/config.js';
import type { SandboxSeed } from '../src/model/seed.js';
import type { FetchLike } from '../src/salesforce/auth.js';
import { createSalesforceWriter } from '../src/salesforce/writer.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

export interface CaseBenchRow {
  tickets: number;
  path: 'collections' | 'bulk';
  run: 'loopback' | 'modelled' | 'modelled update';
  requests: number;
  wall_s: number;
  ok: number;
  /** Bulk API batches used (of the 15,000 a day) */
  bulk_batches: number;
}

export interface CaseBenchResult {
  model: { latency_ms: number; record_ms: number; bulk_queue_ms: number };
  rows: CaseBenchRow[];
  /** per size: the faster path in the modelled create run */
  faster: Record<string, 'collections' | 'bulk'>;
}

const KEY = 'Zendesk_Ticket_Id__c';

function seed(): SandboxSeed {
  return {
    salesforce: {
      Case: [],
      describe: {
        Case: {
          fields: [
            { name: KEY, type: 'string', label: 'Zendesk Ticket Id', externalId: true, unique: true, length: 40 },
            { name: 'Status', type: 'picklist', picklistValues: ['New', 'Working', 'Closed'].map((value) => ({ value, active: true })) },
            { name: 'Origin', type: 'picklist', picklistValues: ['Zendesk'].map((value) => ({ value, active: true })) },
            { name: 'Priority', type: 'picklist', picklistValues: ['High', 'Medium', 'Low'].map((value) => ({ value, active: true })) },
            { name: 'Product__c', type: 'string' },
          ],
        },
      },
    },
    zendesk: { organizations: [], users: [] },
  };
}

const records = (n: number, status: string): Record<string, string>[] =>
  Array.from({ length: n }, (_v, i) => ({
    [KEY]: String(100_000 + i),
    Subject: `Ticket ${i}: the printer on floor ${i % 7} is on fire again`,
    Description: `Reported through Zendesk. ${'Steps to reproduce, what was tried, and the customer\'s words. '.repeat(3)}`,
    Status: status,
    Origin: 'Zendesk',
    Priority: ['High', 'Medium', 'Low'][i % 3],
    Product__c: 'ultimate',
  }));

async function instanceOf(sandbox: Sandbox, dir: string): Promise<SalesforceInstance> {
  const file = join(dir, `sync-${sandbox.url.replace(/\W+/g, '_')}.yaml`);
  writeFileSync(
    file,
    `version: 1
salesforce: { sf: { login_url: "\${URL}", auth: { method: access_token, token: "\${T}", instance_url: "\${URL}" } } }
zendesk: { zd: { url: "\${URL}", auth: { method: oauth, token: "\${T}" } } }
syncs: { s: { from: sf, to: zd, users: { sources: [{ object: Contact }] } } }
`,
  );
  return (await loadConfigOrThrow({ file, env: { URL: sandbox.url, T: 'bench' } })).salesforce.sf;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch with the model's latency: latencyMs a request, recordMs a record of a Collections request */
function modelledFetch(latencyMs: number, recordMs: number): FetchLike {
  return async (input, init) => {
    let wait = latencyMs;
    if (init?.method === 'PATCH' && typeof init.body === 'string' && String(input).includes('/composite/sobjects/')) {
      wait += recordMs * ((JSON.parse(init.body) as { records: unknown[] }).records.length);
    }
    await sleep(wait);
    return globalThis.fetch(input, init);
  };
}

export async function benchCases(options: { sizes: number[]; latencyMs: number; recordMs: number; bulkQueueMs: number; log?: (line: string) => void }): Promise<CaseBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'zdsf-bench-cases-'));
  const loopback = await startSandbox({ seed: seed(), port: 0 });
  const modelled = await startSandbox({ seed: seed(), port: 0, bulkIngestDelayMs: (n) => options.bulkQueueMs + Math.min(n, 10_000) * options.recordMs });
  const rows: CaseBenchRow[] = [];
  try {
    const loopbackInstance = await instanceOf(loopback, dir);
    const modelledInstance = await instanceOf(modelled, dir);
    for (const n of options.sizes) {
      for (const path of ['collections', 'bulk'] as const) {
        for (const run of ['loopback', 'modelled', 'modelled update'] as const) {
          const sandbox = run === 'loopback' ? loopback : modelled;
          if (run !== 'modelled update') sandbox.reset(seed());
          const writer = createSalesforceWriter(run === 'loopback' ? loopbackInstance : modelledInstance, run === 'loopback' ? {} : { fetch: modelledFetch(options.latencyMs, options.recordMs) });
          const recs = records(n, run === 'modelled update' ? 'Closed' : 'New');
          const t0 = performance.now();
          const results = await writer.upsert(KEY, recs, { bulk: path === 'bulk' });
          const wall = (performance.now() - t0) / 1000;
          const count = ((sandbox.state().salesforce?.Case ?? []) as unknown[]).length;
          if (count !== n) throw new Error(`${path} ${run} of ${n} Cases left ${count} Cases in the sandbox`);
          const row: CaseBenchRow = { tickets: n, path, run, requests: writer.requestCount, wall_s: Math.round(wall * 100) / 100, ok: results.filter((r) => r.ok).length, bulk_batches: path === 'bulk' ? Math.ceil(n / 10_000) : 0 };
          rows.push(row);
          log(`  ${String(n).padStart(6)} tickets  ${path.padEnd(11)} ${run.padEnd(15)} ${String(row.requests).padStart(4)} requests  ${row.wall_s.toFixed(2).padStart(7)} s  ${row.ok} ok${row.bulk_batches ? `, ${row.bulk_batches} Bulk batch${row.bulk_batches > 1 ? 'es' : ''}` : ''}`);
        }
      }
    }
  } finally {
    await loopback.close();
    await modelled.close();
  }
  const faster: Record<string, 'collections' | 'bulk'> = {};
  for (const n of options.sizes) {
    const c = rows.find((r) => r.tickets === n && r.path === 'collections' && r.run === 'modelled')!;
    const b = rows.find((r) => r.tickets === n && r.path === 'bulk' && r.run === 'modelled')!;
    faster[String(n)] = c.wall_s <= b.wall_s ? 'collections' : 'bulk';
  }
  return { model: { latency_ms: options.latencyMs, record_ms: options.recordMs, bulk_queue_ms: options.bulkQueueMs }, rows, faster };
}

if (process.argv[1] && /bench-cases\.[jt]s$/.test(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '200,2000,20000' },
      'latency-ms': { type: 'string', default: '100' },
      'record-ms': { type: 'string', default: '2' },
      'bulk-queue-ms': { type: 'string', default: '5000' },
      json: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const opts = { sizes, latencyMs: Number(values['latency-ms']), recordMs: Number(values['record-ms']), bulkQueueMs: Number(values['bulk-queue-ms']) };
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || [opts.latencyMs, opts.recordMs, opts.bulkQueueMs].some((x) => !Number.isFinite(x) || x < 0)) {
    process.stderr.write('usage: node dist/scripts/bench-cases.js [--sizes 200,2000,20000] [--latency-ms 100] [--record-ms 2] [--bulk-queue-ms 5000] [--json]\n');
    process.exit(1);
  }
  process.stderr.write(`zdsf bench, cases: Collections vs Bulk API 2.0 (model: ${opts.latencyMs} ms a request, ${opts.recordMs} ms a record, Bulk queue ${opts.bulkQueueMs} ms)\n`);
  const result = await benchCases(opts);
  for (const [n, f] of Object.entries(result.faster)) process.stderr.write(`  ${n} tickets: ${f} is faster (modelled)\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}
