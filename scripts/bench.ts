// npm run bench [-- --accounts N --contacts M] [-- --apply]
// Prints performance figures for plan (and optionally apply) at scale, against the sandbox running in a child
// process (so the figures measure zdsf alone). Default: 20,000 accounts and 100,000 contacts; --full runs the
// design target of 100,000 accounts and 500,000 contacts. Performance goals live here, never in timed tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
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
import { PLAN_FORMAT_VERSION } from '../src/model/plan.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    contacts: { type: 'string' },
    full: { type: 'boolean', default: false },
    apply: { type: 'boolean', default: false },
    /** skip the in-process phases (they hold every intermediate at once): only the CLI, as a user runs it */
    'cli-only': { type: 'boolean', default: false },
  },
});
const accounts = Number(values.accounts ?? (values.full ? 100_000 : 20_000));
const contacts = Number(values.contacts ?? (values.full ? 500_000 : 100_000));

const figures: [string, string][] = [];
const record = (name: string, value: string): void => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  figures.push([name, value]);
  process.stderr.write(`  ${name}: ${value}\n`);
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const out = await fn();
  record(name, secs(performance.now() - t));
  return out;
}

// sampled, and read at every figure: synchronous work (map, reconcile) blocks the sampler
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);

/** Runs the built CLI in a child process; its peak RSS comes from the child itself (process.resourceUsage). */
async function cli(name: string, args: string[], env: Record<string, string>): Promise<{ code: number; maxRss: number; stdout: string }> {
  const report = join(dir, `rss-${Date.now()}.txt`);
  const hook = `data:text/javascript,import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS * 1024)));`;
  return timed(name, () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', hook, join(root, 'bin', 'run.js'), ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout!.on('data', (c: Buffer) => {
        if (stdout.length < 1_000_000) stdout += c.toString();
      });
      child.on('error', reject);
      child.on('exit', async (code) => {
        const maxRss = Number(await readFile(report, 'utf8').catch(() => '0'));
        resolve({ code: code ?? 1, maxRss, stdout });
      });
    }),
  );
}

async function stats(url: string): Promise<{ zendeskRequests: number }> {
  const body = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: Record<string, number> };
  let n = 0;
  for (const [route, count] of Object.entries(body.requests)) if (route.includes('/api/v2/')) n += count;
  return { zendeskRequests: n };
}

function startSandboxProcess(seed: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', join(root, 'bin', 'run.js'), 'sandbox', '--seed', seed, '--port', '0', '--rate-limit', '1000000'], {
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

const dir = await mkdtemp(join(tmpdir(), 'zdsf-bench-'));
const seedFile = join(dir, 'seed.json');
process.stderr.write(`zdsf bench: ${accounts} accounts, ${contacts} contacts (node ${process.version})\n`);
const seed = await timed('generate seed', () => generateSeed({ accounts, contacts, seed: 1 }));
await writeSeed(seedFile, seed);
record('seed file', mb((await stat(seedFile)).size));
record('Zendesk at start', `${seed.zendesk?.organizations?.length ?? 0} organizations, ${seed.zendesk?.users?.length ?? 0} users`);

const { url, child } = await timed('sandbox start (child process, loads the seed)', () => startSandboxProcess(seedFile));
try {
  const env = { SF_LOGIN_URL: url, ZD_URL: url, SF_ACCESS_TOKEN: 'bench', ZD_API_TOKEN: 'bench' };
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  const sync = config.syncs[0];
  const rssBefore = process.memoryUsage.rss();

  // the phases of a plan, timed one by one
  if (!values['cli-only']) {
    const source = await timed('read Salesforce (accounts + subquery, contacts, leads, relations)', () =>
      createSalesforceReader().read({ instance: config.salesforce[sync.from], sync }),
    );
    record('Salesforce rows', `${source.accounts.length} accounts, ${source.people.length} people, ${source.relations.length} relations`);
    const target = await timed('read Zendesk (orgs, users, memberships, fields)', () => createZendeskReader().read({ instance: config.zendesk[sync.to] }));
    const desired = await timed('map', () => mapSync(sync, source, target));
    const syncPlan = await timed('reconcile', () => reconcileSync({ sync, zendesk: config.zendesk[sync.to], desired, source, target }));
    record('changes', `${syncPlan.summary.create} to add, ${syncPlan.summary.update} to change, ${syncPlan.summary.delete} to destroy; ${syncPlan.warnings.length} warnings`);
    const plan = { format_version: PLAN_FORMAT_VERSION, created_at: new Date().toISOString(), config_digest: config.digest, syncs: [syncPlan], summary: syncPlan.summary };
    // streamed as the CLI does: a line at a time, never one string
    const lines = await timed('render text', () => {
      let n = 0;
      for (const _line of textChunks(plan)) n++;
      return n;
    });
    record('plan text', `${lines} lines`);
    record('peak RSS during plan (zdsf process)', mb(peakRss));
    record('RSS growth during plan', mb(process.memoryUsage.rss() - rssBefore));
  }

  // the real workflow, as a user runs it: the CLI in its own process, its peak memory measured there
  const plan1 = await cli('zdsf plan --out (CLI)', ['plan', '-c', CONFIG, '--out', join(dir, 'plan.json'), '--format', 'json', '-q'], env);
  record('zdsf plan: exit code / peak RSS', `${plan1.code} / ${mb(plan1.maxRss)}`);
  if (values.apply) {
    const before = await stats(url);
    const applied = await cli('zdsf apply PLANFILE (CLI)', ['apply', join(dir, 'plan.json'), '-c', CONFIG, '--allow-delete', '--force', '-q'], env);
    const after = await stats(url);
    record('zdsf apply: exit code / peak RSS', `${applied.code} / ${mb(applied.maxRss)}`);
    record('zdsf apply: requests to Zendesk', String(after.zendeskRequests - before.zendeskRequests));
    record('zdsf apply: result', applied.stdout.trim().split('\n').at(-1) ?? '');
    const again = await cli('zdsf plan --detailed-exitcode after apply (CLI)', ['plan', '-c', CONFIG, '--detailed-exitcode', '-q'], env);
    record('zdsf plan after apply: exit code / peak RSS / last line', `${again.code} / ${mb(again.maxRss)} / ${again.stdout.trim().split('\n').at(-1)}`);
  }
} finally {
  clearInterval(sampler);
  child.kill();
  await rm(dir, { recursive: true, force: true });
}

process.stdout.write(`\nzdsf bench (${accounts} accounts, ${contacts} contacts)\n`);
const width = Math.max(...figures.map(([n]) => n.length));
for (const [name, value] of figures) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
