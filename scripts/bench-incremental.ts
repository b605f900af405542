// The incremental section of `npm run bench` (issue 13): in steady state (a first apply has made Zendesk match; with
// `steady` the seed already is, src/seedgen/steady.ts),
// the requests by endpoint and the wall time of a full plan (--refresh) and of incremental plans with nothing
// changed and with N contacts changed in Salesforce (through the sandbox's change endpoint). Targets: nothing
// changed <= 5 % of the full plan's requests and <= 10 % of its wall time; N = 1,000 changed <= 10 % of its requests.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPlanFile } from '../src/services/plan-file.js';
import { isMap, parseDocument } from 'yaml';

export interface IncrementalBenchContext {
  url: string;
  config: string;
  dir: string;
  env: Record<string, string>;
  record: (name: string, value: string) => void;
  cli: (name: string, args: string[], env: Record<string, string>) => Promise<{ code: number; maxRss: number; stdout: string }>;
  /** contacts to change for the third run (default 1000) */
  changed?: number;
  /** the sandbox's seed is already steady: no first plan + apply */
  steady?: boolean;
}

interface Run {
  requests: Record<string, number>;
  total: number;
  ms: number;
  code: number;
  stdout: string;
}

async function requests(url: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: Record<string, number> };
  return body.requests;
}

async function measured(ctx: IncrementalBenchContext, name: string, args: string[]): Promise<Run> {
  const before = await requests(ctx.url);
  const t = performance.now();
  const r = await ctx.cli(name, args, ctx.env);
  const ms = performance.now() - t;
  const after = await requests(ctx.url);
  const diff: Record<string, number> = {};
  let total = 0;
  for (const [route, n] of Object.entries(after)) {
    const d = n - (before[route] ?? 0);
    if (d > 0) {
      diff[route] = d;
      total += d;
    }
  }
  return { requests: diff, total, ms, code: r.code, stdout: r.stdout };
}

/** "create / update / delete" of the plan file a run wrote (read streamed, as apply reads it) */
async function changesOf(file: string): Promise<string> {
  try {
    const s = (await readPlanFile(file)).summary;
    return `${s.create} / ${s.update} / ${s.delete}`;
  } catch (e) {
    return `unknown (the plan file ${file} did not read: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/** The config of the incremental runs: the bench's, without `cases:` (issue 18's tickets are read live on every run,
 * and a generated seed has no Case fields for them): the figures are those of organizations, users and memberships. */
async function withoutCases(config: string, dir: string): Promise<string> {
  const doc = parseDocument(await readFile(config, 'utf8'));
  const syncs = doc.get('syncs');
  if (isMap(syncs)) for (const pair of syncs.items) if (isMap(pair.value)) pair.value.delete('cases');
  const out = join(dir, 'sync-incremental.yaml');
  await writeFile(out, doc.toString(), 'utf8');
  return out;
}

const pct = (a: number, b: number): string => `${b > 0 ? ((100 * a) / b).toFixed(1) : '-'} %`;

export async function benchIncremental(ctx: IncrementalBenchContext): Promise<void> {
  const state = join(ctx.dir, 'state');
  const planFile = join(ctx.dir, 'steady.json');
  // as a user runs it: `zdsf plan --out FILE -q` (no `--format json`: that would build the JSON plan a second time,
  // on stdout); the changes found are read back from the plan file
  const config = await withoutCases(ctx.config, ctx.dir);
  const base = ['plan', '-c', config, '--state', state, '-q'];
  const out = (name: string): string[] => ['--out', join(ctx.dir, `${name}.plan.json`)];
  if (!ctx.steady) {
    // steady state: the first sync applied
    const first = await ctx.cli('incremental: first plan (full read, saves the snapshot)', [...base, '--out', planFile], ctx.env);
    const applied = await ctx.cli('incremental: apply the first plan', ['apply', planFile, '-c', config, '--allow-delete', '--force', '-q'], ctx.env);
    ctx.record('incremental: steady state (plan / apply exit codes)', `${first.code} / ${applied.code}`);
  }

  // what a CLI run costs before it reads anything (node, oclif): part of every wall time below
  const t0 = performance.now();
  await ctx.cli('incremental: CLI start-up baseline (zdsf plan --help)', ['plan', '--help'], ctx.env);
  const startup = performance.now() - t0;
  // with a steady seed there is no snapshot yet: this full read writes it (--refresh says so either way)
  const full = await measured(ctx, 'incremental: full plan (--refresh)', [...base, ...out('full'), '--refresh']);
  ctx.record('full plan: changes (steady state: 0 / 0 / 0)', await changesOf(join(ctx.dir, 'full.plan.json')));
  const zero = await measured(ctx, 'incremental: plan, nothing changed', [...base, ...out('zero')]);

  // N contacts changed in Salesforce
  const n = ctx.changed ?? 1000;
  // the first N active contacts, by a query (GET /__sandbox/state would be the whole world: gigabytes at 100k/500k)
  const soql = `SELECT Id FROM Contact WHERE Inactive_Contact__c = false ORDER BY Id LIMIT ${n}`;
  const q = await fetch(`${ctx.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${ctx.env.SF_ACCESS_TOKEN}` } });
  if (!q.ok) throw new Error(`the sandbox refused ${soql}: ${await q.text()}`);
  const ids = ((await q.json()) as { records: { Id: string }[] }).records.map((c) => c.Id);
  const res = await fetch(`${ctx.url}/__sandbox/salesforce/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ changes: ids.map((id, i) => ({ action: 'update', id, fields: { Title: `Changed title ${i % 50}` } })) }),
  });
  if (!res.ok) throw new Error(`the sandbox refused the changes: ${await res.text()}`);
  const some = await measured(ctx, `incremental: plan, ${ids.length} contacts changed`, [...base, ...out('some')]);
  ctx.record('incremental, 0 changed: changes', await changesOf(join(ctx.dir, 'zero.plan.json')));
  // fewer updates than contacts is expected: a contact without a valid email, one that shares its email and is not
  // its sync record (DESIGN.md section 5), or one whose email is an admin's or agent's has no user to update
  ctx.record(`incremental, ${ids.length} changed: changes (at most ${ids.length} user updates: contacts without a valid email, or not their email's sync record, have none)`, await changesOf(join(ctx.dir, 'some.plan.json')));

  for (const [label, run] of [
    ['full plan', full],
    ['incremental, 0 changed', zero],
    [`incremental, ${ids.length} changed`, some],
  ] as const) {
    ctx.record(`${label}: exit code / requests / wall time`, `${run.code} / ${run.total} / ${(run.ms / 1000).toFixed(1)} s`);
    const top = Object.entries(run.requests).sort((a, b) => b[1] - a[1]);
    ctx.record(`${label}: requests by endpoint`, top.map(([route, c]) => `${route} ${c}`).join('; '));
  }
  ctx.record('incremental, 0 changed vs full: requests / wall time (targets <= 5 % / <= 10 %)', `${pct(zero.total, full.total)} / ${pct(zero.ms, full.ms)}`);
  ctx.record(`incremental, ${ids.length} changed vs full: requests / wall time (target <= 10 % requests)`, `${pct(some.total, full.total)} / ${pct(some.ms, full.ms)}`);
  ctx.record(
    'the same, wall time less the CLI start-up baseline: 0 changed / N changed',
    `${pct(zero.ms - startup, full.ms - startup)} / ${pct(some.ms - startup, full.ms - startup)}`,
  );
}
