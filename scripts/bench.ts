// npm run bench [-- --accounts N --contacts M] [-- --apply] [-- --json] [-- --skip-incremental]   (npm run bench -- --help)
// --error-rate: faults injected on both sides (Salesforce and Zendesk) while `zdsf apply --auto-approve` runs, up to
// --runs times (default 3) until one exits 0; then, faults off, the plan must be "No changes" and Zendesk free of duplicates.
// Prints performance figures for plan (and optionally apply) at scale, against the sandbox running in a child
// process (so the figures measure zdsf alone). Default: 20,000 accounts and 100,000 contacts; --full runs the
// design target of 100,000 accounts and 500,000 contacts. Performance goals live here, never in timed tests.
// With --json the last line of stdout is one JSON object (sizes, phases with wall/CPU, peak RSS, requests by
// endpoint with the bulk floors, writes, polls, 429s), to compare runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigOrThrow } from '../src/config/index.js';
import { mapSync } from '../src/map/index.js';
import { reconcileSync } from '../src/reconcile/index.js';
import { textChunks } from '../src/render/index.js';
import { createSalesforceReader } from '../src/salesforce/reader.js';
import { generateSeed, writeSeed } from '../src/seedgen/generate.js';
import { createZendeskReader } from '../src/zendesk/reader.js';
import { Timings, type PhaseTiming } from '../src/util/timings.js';
import { PLAN_FORMAT_VERSION, type Change } from '../src/model/plan.js';
import { benchIncremental } from './bench-incremental.js';
import { readPlanFile } from '../src/services/plan-file.js';
import { benchValidate, type ValidateBenchResult } from './bench-validate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const USAGE = `usage: npm run bench -- [options]

Performance figures for zdsf plan (and apply) on a generated seed, against the sandbox in a child process.

  --accounts N   Salesforce accounts (default 20000; --full: 100000)
  --contacts M   Salesforce contacts (default 100000; --full: 500000)
  --full         the design target: 100000 accounts, 500000 contacts
  --apply        also apply the plan (zdsf apply PLANFILE), then plan again (expects "No changes")
  --cli-only     skip the in-process phases; only the CLI, as a user runs it
  --rate-limit N the sandbox's Zendesk limit, requests a minute (default 1000000: no limit)
  --json         end stdout with one JSON object of every figure (to compare runs)
  --cpu-prof DIR write V8 CPU profiles of the sandbox and the CLI runs to DIR (node --cpu-prof)
  --save-stdout DIR  write each CLI run's whole stdout to DIR/NAME.stdout.txt (e.g. apply's failure reasons)
  --error-rate R inject 5xx on R of all requests (both sides) while \`zdsf apply --auto-approve\` runs
  --runs N       with --error-rate: apply up to N times until one exits 0 (default 3)
  --skip-incremental  leave out the incremental section (steady state: full vs incremental plans)
  --skip-validate  leave out the validate section (CPU of \`zdsf validate --no-env\`, cold and warm SOQL cache)
  --changed N    contacts changed for the incremental section's third plan (default 1000)
  --steady       start from a steady state: the Zendesk side as a completed first sync leaves it
                 (npm run seed -- --steady, in a child process), so the incremental section needs no first apply
  --seed FILE    use this seed file instead of generating one (with --steady: a file written by
                 npm run seed -- --steady; --accounts / --contacts are then only labels)
  --incremental-only  only the incremental section (no in-process phases, no first zdsf plan)
  -h, --help     this help
`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      accounts: { type: 'string' },
      contacts: { type: 'string' },
      full: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      /** skip the in-process phases (they hold every intermediate at once): only the CLI, as a user runs it */
      'cli-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'rate-limit': { type: 'string', default: '1000000' },
      'cpu-prof': { type: 'string' },
      'save-stdout': { type: 'string' },
      'error-rate': { type: 'string' },
      runs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      /** leave out the incremental section (scripts/bench-incremental.ts: steady state, full vs incremental plans) */
      'skip-incremental': { type: 'boolean', default: false },
      /** leave out the validate section (CPU of `zdsf validate --no-env` of the root sync.yaml, cold and warm cache) */
      'skip-validate': { type: 'boolean', default: false },
      /** contacts changed for the incremental section's third plan */
      changed: { type: 'string' },
      /** the world starts steady (src/seedgen/steady.ts): the incremental section skips its first plan + apply */
      steady: { type: 'boolean', default: false },
      seed: { type: 'string' },
      'incremental-only': { type: 'boolean', default: false },
    },
  });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(1);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const accounts = Number(values.accounts ?? (values.full ? 100_000 : 20_000));
const contacts = Number(values.contacts ?? (values.full ? 500_000 : 100_000));
if (!Number.isInteger(accounts) || accounts < 0 || !Number.isInteger(contacts) || contacts < 0) {
  process.stderr.write(`--accounts and --contacts take whole numbers >= 0\n\n${USAGE}`);
  process.exit(1);
}
const cpuProf = values['cpu-prof'];
if (values['save-stdout']) await mkdir(values['save-stdout'], { recursive: true });
const profArgs = (name: string): string[] => (cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf, '--cpu-prof-name', `${name}.cpuprofile`] : []);

/** everything --json prints */
const summary: {
  sizes: { accounts: number; contacts: number; seed_mb?: number; zendesk_organizations?: number; zendesk_users?: number; plan_file_mb?: number };
  phases: { name: string; wall_s: number; cpu_s: number | null }[];
  peak_rss_mb: Record<string, number>;
  changes?: Record<string, number>;
  apply?: {
    exit_code: number;
    requests: number;
    requests_by_endpoint: Record<string, number>;
    writes: number;
    write_floor: number;
    write_floor_by_change: Record<string, { records: number; floor: number }>;
    polls: number;
    rate_limited: number;
    /** every Zendesk request of apply over its wall time */
    requests_per_minute: number;
    /** from apply's first write to its last (sampled each second): the rate against --rate-limit, and the most
     * requests in any 60 s */
    write_phases: { seconds: number; requests: number; requests_per_minute: number; budget_use: number | null; max_requests_in_60s: number };
    result: string;
  };
  plan_after_apply?: { exit_code: number; last_line: string };
  validate?: ValidateBenchResult;
} = { sizes: { accounts, contacts }, phases: [], peak_rss_mb: {} };
const phase = (name: string, wallMs: number, cpuMs: number | null): void => {
  summary.phases.push({ name, wall_s: round(wallMs / 1000), cpu_s: cpuMs === null ? null : round(cpuMs / 1000) });
};
const round = (x: number): number => Math.round(x * 100) / 100;

const figures: [string, string][] = [];
const record = (name: string, value: string): void => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  figures.push([name, value]);
  process.stderr.write(`  ${name}: ${value}\n`);
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

const timings = new Timings();
/** a phase of this process: wall and CPU (process.cpuUsage) */
async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const end = timings.begin(name);
  const out = await fn();
  const p: PhaseTiming = end();
  record(name, `${secs(p.wallMs)} (CPU ${secs(p.cpuMs)})`);
  phase(name, p.wallMs, p.cpuMs);
  return out;
}

// sampled, and read at every figure: synchronous work (map, reconcile) blocks the sampler
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);

/** Runs the built CLI in a child process; its peak RSS comes from the child itself (process.resourceUsage). */
/**
 * Runs the built CLI in a child process with --timings; its phases (wall, CPU) come from its stderr, its peak
 * RSS from the child itself (process.resourceUsage).
 */
async function cli(name: string, args: string[], env: Record<string, string>, prof: string): Promise<{ code: number; maxRss: number; stdout: string }> {
  const report = join(dir, `rss-${Date.now()}.txt`);
  const hook = `data:text/javascript,import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(report)}, JSON.stringify([u.maxRSS * 1024, (u.userCPUTime + u.systemCPUTime) / 1000])); });`;
  const started = performance.now();
  const out = await (() =>
    new Promise<{ code: number; maxRss: number; cpuMs: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [...profArgs(prof), '--import', hook, join(root, 'bin', 'run.js'), ...args, '--timings'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // the tail is kept (the result line is the last one); the whole of it goes to --save-stdout DIR
      let stdout = '';
      let stderr = '';
      const saved = values['save-stdout'] ? createWriteStream(join(values['save-stdout'], `${prof}.stdout.txt`)) : undefined;
      child.stdout!.on('data', (c: Buffer) => {
        saved?.write(c);
        stdout += c.toString();
        if (stdout.length > 2_000_000) stdout = stdout.slice(-1_000_000);
      });
      child.stderr!.on('data', (c: Buffer) => {
        process.stderr.write(c);
        stderr = (stderr + c.toString()).slice(-100_000);
      });
      child.on('error', reject);
      child.on('exit', async (code) => {
        if (saved) await new Promise((done) => saved.end(done));
        const [maxRss, cpuMs] = JSON.parse(await readFile(report, 'utf8').catch(() => '[0, 0]')) as [number, number];
        resolve({ code: code ?? 1, maxRss, cpuMs, stdout, stderr });
      });
    }))();
  // the child's own CPU (process.resourceUsage), not this process's
  const wallMs = performance.now() - started;
  record(name, `${secs(wallMs)} (CPU ${secs(out.cpuMs)})`);
  phase(name, wallMs, out.cpuMs);
  // `  read Zendesk (demo)   1.23 s wall   0.98 s CPU`
  for (const m of out.stderr.matchAll(/^ {2}(.+?) +(\d+\.\d+) s wall +(\d+\.\d+) s CPU$/gm)) {
    phase(`${name}: ${m[1]}`, Number(m[2]) * 1000, Number(m[3]) * 1000);
    record(`  ${m[1]}`, `${m[2]} s (CPU ${m[3]} s)`);
  }
  summary.peak_rss_mb[name] = Math.round(out.maxRss / 1024 / 1024);
  return out;
}

interface Stats {
  zendeskRequests: number;
  /** Zendesk requests by route (`POST /api/v2/users/create_or_update_many`), job ids folded into {id} */
  byEndpoint: Record<string, number>;
  writes: number;
  rateLimited: number;
}
async function stats(url: string): Promise<Stats> {
  const body = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: Record<string, number>; writes: number; rate_limited: number };
  let n = 0;
  const byEndpoint: Record<string, number> = {};
  for (const [route, count] of Object.entries(body.requests)) {
    if (!route.includes('/api/v2/')) continue;
    n += count;
    const key = route.replace(/\/job_statuses\/[^/]+$/, '/job_statuses/{id}');
    byEndpoint[key] = (byEndpoint[key] ?? 0) + count;
  }
  return { zendeskRequests: n, byEndpoint, writes: body.writes, rateLimited: body.rate_limited };
}
function diff(after: Stats, before: Stats): Stats {
  const byEndpoint: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byEndpoint)) if (v - (before.byEndpoint[k] ?? 0) > 0) byEndpoint[k] = v - (before.byEndpoint[k] ?? 0);
  return {
    zendeskRequests: after.zendeskRequests - before.zendeskRequests,
    byEndpoint,
    writes: after.writes - before.writes,
    rateLimited: after.rateLimited - before.rateLimited,
  };
}
/** the least number of bulk requests for the plan's changes: ⌈records / 100⌉ per kind of change */
function floors(changes: readonly Change[]): Record<string, { records: number; floor: number }> {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(`${c.type} ${c.action}`, (counts.get(`${c.type} ${c.action}`) ?? 0) + 1);
  return Object.fromEntries([...counts].sort().map(([k, n]) => [k, { records: n, floor: Math.ceil(n / 100) }]));
}
let planFloors: Record<string, { records: number; floor: number }> | undefined;

function startSandboxProcess(seed: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profArgs('sandbox'), '--max-old-space-size=8192', join(root, 'bin', 'run.js'), 'sandbox', '--seed', seed, '--port', '0', '--rate-limit', values['rate-limit']], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited (${code}) before listening`)));
  });
}

/**
 * Samples the sandbox's request and write counts every second while apply runs: the write phases are from the
 * first sample where writes grew to the last; their rate is set against the budget; and the most requests in any
 * 60 s window (the ceiling must hold in each).
 */
function watchRate(url: string): { stop: () => Promise<{ writeSpanS: number; requests: number; perMinute: number; maxIn60s: number }> } {
  const samples: { t: number; requests: number; writes: number }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const s = await stats(url);
        samples.push({ t: performance.now(), requests: s.zendeskRequests, writes: s.writes });
      } catch {
        // the sandbox busy: the next sample
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      let first = -1;
      let last = -1;
      for (let i = 1; i < samples.length; i++) {
        if (samples[i].writes > samples[i - 1].writes) {
          if (first < 0) first = i - 1;
          last = i;
        }
      }
      let maxIn60s = 0;
      for (let i = 0, j = 0; j < samples.length; j++) {
        while (samples[j].t - samples[i].t > 60_000) i++;
        maxIn60s = Math.max(maxIn60s, samples[j].requests - samples[i].requests);
      }
      if (first < 0) return { writeSpanS: 0, requests: 0, perMinute: 0, maxIn60s };
      const ms = samples[last].t - samples[first].t;
      const requests = samples[last].requests - samples[first].requests;
      return { writeSpanS: round(ms / 1000), requests, perMinute: Math.round((requests * 60_000) / ms), maxIn60s };
    },
  };
}

/** user + system CPU of a process (ms) from /proc (Linux); 0 when it cannot be read */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/** Sets the sandbox's faults; returns how many it injected so far. */
async function faults(url: string, body: Record<string, number>): Promise<{ injected: number }> {
  await fetch(`${url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const s = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { faults_injected?: number };
  return { injected: s.faults_injected ?? 0 };
}

function summaryOf(stdout: string): string {
  const lines = stdout.trim().split('\n');
  const failed = lines.find((l) => /records? failed:/.test(l));
  return `${lines.at(-1) ?? ''}${failed ? ` (${failed})` : ''}`;
}

async function duplicates(url: string): Promise<string> {
  const state = (await (await fetch(`${url}/__sandbox/state`)).json()) as {
    zendesk?: { organizations?: { name?: string; external_id?: string | null }[]; users?: { email?: string | null }[]; organization_memberships?: { user_id: number; organization_id: number }[] };
  };
  const z = state.zendesk ?? {};
  const count = (values: (string | null | undefined)[]): number => {
    const seen = new Set<string>();
    let n = 0;
    for (const v of values) {
      if (!v) continue;
      const k = v.toLowerCase();
      if (seen.has(k)) n++;
      seen.add(k);
    }
    return n;
  };
  return [
    count((z.organizations ?? []).map((o) => o.name)),
    count((z.organizations ?? []).map((o) => o.external_id)),
    count((z.users ?? []).map((u) => u.email)),
    count((z.organization_memberships ?? []).map((m) => `${m.user_id}:${m.organization_id}`)),
  ].join(' / ');
}

/** Runs a node script of dist/ in a child process (8 GB heap), its stderr passed through; rejects on a non-zero exit. */
function runScript(script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', join(root, 'dist', 'scripts', script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

const dir = await mkdtemp(join(tmpdir(), 'zdsf-bench-'));
if (!values['skip-validate'] && !values['incremental-only']) summary.validate = await benchValidate({ root, record });
const seedFile = values.seed ?? join(dir, 'seed.json');
process.stderr.write(`zdsf bench: ${accounts} accounts, ${contacts} contacts${values.steady ? ', steady state' : ''} (node ${process.version})\n`);
if (values.seed) {
  record('seed', `${values.seed}${values.steady ? ' (steady, as given)' : ''}`);
} else if (values.steady) {
  // a real plan + apply in a process of its own (src/seedgen/steady.ts); its figures are not the CLI's
  await timed('generate steady seed (npm run seed -- --steady: plan + apply in-process)', () =>
    runScript('generate-seed.js', ['--accounts', String(accounts), '--contacts', String(contacts), '--seed', '1', '--steady', '--out', seedFile]),
  );
} else {
  const seed = await timed('generate seed', () => generateSeed({ accounts, contacts, seed: 1 }));
  await writeSeed(seedFile, seed);
  record('Zendesk at start', `${seed.zendesk?.organizations?.length ?? 0} organizations, ${seed.zendesk?.users?.length ?? 0} users`);
  summary.sizes = { ...summary.sizes, zendesk_organizations: seed.zendesk?.organizations?.length ?? 0, zendesk_users: seed.zendesk?.users?.length ?? 0 };
}
const seedBytes = (await stat(seedFile)).size;
record('seed file', mb(seedBytes));
summary.sizes = { ...summary.sizes, seed_mb: Math.round(seedBytes / 1024 / 1024) };
const incrementalOnly = values['incremental-only'];
if (incrementalOnly && values['skip-incremental']) {
  process.stderr.write(`--incremental-only and --skip-incremental leave nothing to run\n\n${USAGE}`);
  process.exit(1);
}

const { url, child } = await timed('sandbox start (child process, loads the seed)', () => startSandboxProcess(seedFile));
try {
  const env = { SF_LOGIN_URL: url, ZD_URL: url, SF_ACCESS_TOKEN: 'bench', ZD_API_TOKEN: 'bench' };
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  const sync = config.syncs[0];
  const rssBefore = process.memoryUsage.rss();

  // the phases of a plan, timed one by one
  if (!values['cli-only'] && !incrementalOnly) {
    const source = await timed('read Salesforce (accounts + subquery, contacts, leads, relations)', () =>
      createSalesforceReader().read({ instance: config.salesforce[sync.from], sync }),
    );
    record('Salesforce rows', `${source.accounts.length} accounts, ${source.people.length} people, ${source.relations.length} relations`);
    const target = await timed('read Zendesk (orgs, users, memberships, fields)', () => createZendeskReader().read({ instance: config.zendesk[sync.to] }));
    const desired = await timed('map', () => mapSync(sync, source, target));
    const syncPlan = await timed('reconcile', () => reconcileSync({ sync, zendesk: config.zendesk[sync.to], desired, source, target }));
    record('changes', `${syncPlan.summary.create} to add, ${syncPlan.summary.update} to change, ${syncPlan.summary.delete} to destroy; ${syncPlan.warnings.length} warnings`);
    summary.changes = { ...syncPlan.summary, warnings: syncPlan.warnings.length };
    planFloors = floors(syncPlan.changes);
    const plan = { format_version: PLAN_FORMAT_VERSION, created_at: new Date().toISOString(), config_digest: config.digest, syncs: [syncPlan], summary: syncPlan.summary };
    // streamed as the CLI does: a line at a time, never one string
    const lines = await timed('render text', () => {
      let n = 0;
      for (const _line of textChunks(plan)) n++;
      return n;
    });
    record('plan text', `${lines} lines`);
    record('peak RSS during plan (zdsf process)', mb(peakRss));
    summary.peak_rss_mb['in-process plan phases'] = Math.round(peakRss / 1024 / 1024);
    record('RSS growth during plan', mb(process.memoryUsage.rss() - rssBefore));
  }

  // the real workflow, as a user runs it: the CLI in its own process, its peak memory measured there
  if (!incrementalOnly) {
    const plan1 = await cli('zdsf plan --out (CLI)', ['plan', '-c', CONFIG, '--out', join(dir, 'plan.json'), '-q'], env, 'plan');
    record('zdsf plan: exit code / peak RSS', `${plan1.code} / ${mb(plan1.maxRss)}`);
    const planBytes = (await stat(join(dir, 'plan.json')).catch(() => ({ size: 0 }))).size;
    record('plan file', mb(planBytes));
    summary.sizes.plan_file_mb = Math.round(planBytes / 1024 / 1024);
    // streamed, as apply reads it (a first sync's plan at 100k/500k is over 600 MB: more than one string holds)
    const planned = await (async () => {
      const saved = await readPlanFile(join(dir, 'plan.json'));
      planFloors ??= floors(saved.syncs.flatMap((s) => s.changes));
      return saved.summary;
    })();
    record('planned changes', `${planned.create + planned.update + planned.delete} (${planned.create} to add, ${planned.update} to change, ${planned.delete} to destroy)`);
    if (values['error-rate'] !== undefined) {
      const rate = Number(values['error-rate']);
      const runs = Number(values.runs ?? 3);
      let converged = 0;
      for (let i = 1; i <= runs && !converged; i++) {
        await faults(url, { error_rate: rate });
        const run = await cli(`zdsf apply --auto-approve under ${Math.round(rate * 100)} % faults, run ${i} (CLI)`, ['apply', '-c', CONFIG, '--auto-approve', '--allow-delete', '--force', '-q'], env, `apply-faults-${i}`);
        const injected = (await faults(url, { error_rate: 0 })).injected;
        record(`run ${i}: exit code / faults injected so far / result`, `${run.code} / ${injected} / ${summaryOf(run.stdout)}`);
        if (run.code === 0) converged = i;
      }
      record('converged in', converged ? `${converged} run${converged === 1 ? '' : 's'}` : `not within ${runs} runs`);
      const final = await cli('zdsf plan --detailed-exitcode, faults off (CLI)', ['plan', '-c', CONFIG, '--detailed-exitcode', '-q'], env, 'plan-after-faults');
      record('final plan: exit code / last line', `${final.code} / ${final.stdout.trim().split('\n').at(-1)}`);
      record('duplicates in Zendesk (org names, org external_ids, user emails, memberships)', await duplicates(url));
    }
    if (values.apply) {
      const before = await stats(url);
      const applyStart = performance.now();
      const watch = watchRate(url);
      const sandboxCpu0 = processCpuMs(child.pid);
      const applied = await cli('zdsf apply PLANFILE (CLI)', ['apply', join(dir, 'plan.json'), '-c', CONFIG, '--allow-delete', '--force', '-q'], env, 'apply');
      const rate = await watch.stop();
      const sandboxCpu = processCpuMs(child.pid) - sandboxCpu0;
      const d = diff(await stats(url), before);
      const perMinute = Math.round((d.zendeskRequests * 60_000) / (performance.now() - applyStart));
      const polls = Object.entries(d.byEndpoint)
        .filter(([k]) => k.includes('/job_statuses/'))
        .reduce((a, [, v]) => a + v, 0);
      const floorTotal = Object.values(planFloors ?? {}).reduce((a, f) => a + f.floor, 0);
      const result = applied.stdout.trim().split('\n').at(-1) ?? '';
      record('zdsf apply: exit code / peak RSS', `${applied.code} / ${mb(applied.maxRss)}`);
      record('zdsf apply: requests to Zendesk', `${d.zendeskRequests} (${d.writes} writes, ${polls} job polls, ${d.rateLimited} answered 429; ${perMinute}/min)`);
      if (planFloors) record('zdsf apply: write floor (⌈records/100⌉ per kind of change)', String(floorTotal));
      for (const [k, v] of Object.entries(d.byEndpoint).sort()) record(`  ${k}`, String(v));
      record('zdsf apply: result', result);
      // is the sandbox the bottleneck? its CPU over apply's wall time (Linux /proc; 0 elsewhere)
      const applyWall = performance.now() - applyStart;
      record('sandbox during apply: CPU / share of apply wall time', `${secs(sandboxCpu)} / ${Math.round((100 * sandboxCpu) / applyWall)} %`);
      phase('sandbox process during apply', applyWall, sandboxCpu);
      const limit = Number(values['rate-limit']);
      record(
        'zdsf apply: write phases (first to last write)',
        `${rate.writeSpanS} s, ${rate.perMinute} requests/min (${limit < 1_000_000 ? `${Math.round((100 * rate.perMinute) / limit)} % of ${limit}/min` : 'no limit'}); most in any 60 s: ${rate.maxIn60s}`,
      );
      summary.apply = {
        exit_code: applied.code,
        requests: d.zendeskRequests,
        requests_by_endpoint: d.byEndpoint,
        writes: d.writes,
        write_floor: floorTotal,
        write_floor_by_change: planFloors ?? {},
        polls,
        rate_limited: d.rateLimited,
        requests_per_minute: perMinute,
        write_phases: { seconds: rate.writeSpanS, requests: rate.requests, requests_per_minute: rate.perMinute, budget_use: limit < 1_000_000 ? round(rate.perMinute / limit) : null, max_requests_in_60s: rate.maxIn60s },
        result,
      };
      const again = await cli('zdsf plan --detailed-exitcode after apply (CLI)', ['plan', '-c', CONFIG, '--detailed-exitcode', '-q'], env, 'plan-again');
      const lastLine = again.stdout.trim().split('\n').at(-1) ?? '';
      record('zdsf plan after apply: exit code / peak RSS / last line', `${again.code} / ${mb(again.maxRss)} / ${lastLine}`);
      summary.plan_after_apply = { exit_code: again.code, last_line: lastLine };
  }
  }
  if (!values['skip-incremental']) {
    await benchIncremental({
      url,
      config: CONFIG,
      dir,
      env,
      record,
      cli: (name, args, e) => cli(name, args, e, 'incremental'),
      changed: values.changed ? Number(values.changed) : undefined,
      steady: values.steady,
    });
  }
} finally {
  clearInterval(sampler);
  child.kill();
  await rm(dir, { recursive: true, force: true });
}

process.stdout.write(`\nzdsf bench (${accounts} accounts, ${contacts} contacts)\n`);
const width = Math.max(...figures.map(([n]) => n.length));
for (const [name, value] of figures) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
