// npm run bench [-- --accounts N --contacts M] [-- --apply]
// Prints performance figures for plan (and optionally apply) at scale, against the sandbox running in a child
// process (so the figures measure zdsf alone). Default: 20,000 accounts and 100,000 contacts; --full runs the
// design target of 100,000 accounts and 500,000 contacts. Performance goals live here, never in timed tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigOrThrow } from '../src/config/index.js';
import { mapSync } from '../src/map/index.js';
import { reconcileSync } from '../src/reconcile/index.js';
import { renderText } from '../src/render/index.js';
import { createSalesforceReader } from '../src/salesforce/reader.js';
import { generateSeed, writeSeed } from '../src/seedgen/generate.js';
import { runApply } from '../src/services/apply.js';
import { createPlan } from '../src/services/plan.js';
import { createZendeskReader } from '../src/zendesk/reader.js';
import { createZendeskWriter } from '../src/zendesk/writer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    contacts: { type: 'string' },
    full: { type: 'boolean', default: false },
    apply: { type: 'boolean', default: false },
  },
});
const accounts = Number(values.accounts ?? (values.full ? 100_000 : 20_000));
const contacts = Number(values.contacts ?? (values.full ? 500_000 : 100_000));

const figures: [string, string][] = [];
const record = (name: string, value: string): void => {
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

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);

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
  const config = await loadConfigOrThrow({ file: join(root, 'fixtures', 'demo', 'sync.yaml'), env });
  const sync = config.syncs[0];
  const rssBefore = process.memoryUsage.rss();

  // the phases of a plan, timed one by one
  const source = await timed('read Salesforce (accounts + subquery, contacts, leads, relations)', () =>
    createSalesforceReader().read({ instance: config.salesforce[sync.from], sync }),
  );
  record('Salesforce rows', `${source.accounts.length} accounts, ${source.people.length} people, ${source.relations.length} relations`);
  const target = await timed('read Zendesk (orgs, users, memberships, fields)', () => createZendeskReader().read({ instance: config.zendesk[sync.to] }));
  const desired = await timed('map', () => mapSync(sync, source, target));
  const syncPlan = await timed('reconcile', () => reconcileSync({ sync, zendesk: config.zendesk[sync.to], desired, source, target }));
  record('changes', `${syncPlan.summary.create} to add, ${syncPlan.summary.update} to change, ${syncPlan.summary.delete} to destroy; ${syncPlan.warnings.length} warnings`);
  const plan = { format_version: '1.0' as const, created_at: new Date().toISOString(), config_digest: config.digest, syncs: [syncPlan], summary: syncPlan.summary };
  const text = await timed('render text', () => renderText(plan));
  record('plan text', `${text.split('\n').length} lines`);
  record('peak RSS during plan (zdsf process)', mb(peakRss));
  record('RSS growth during plan', mb(process.memoryUsage.rss() - rssBefore));

  if (values.apply) {
    const fresh = await timed('plan (service, end to end)', () => createPlan({ config, source: createSalesforceReader(), target: createZendeskReader() }));
    const writers: ReturnType<typeof createZendeskWriter>[] = [];
    const result = await timed('apply', () =>
      runApply({
        config,
        plan: fresh,
        allowDelete: true,
        force: true,
        target: createZendeskReader(),
        writerFor: (instance) => {
          const w = createZendeskWriter(instance, { pollIntervalMs: 20, maxPollIntervalMs: 200 });
          writers.push(w);
          return w;
        },
      }),
    );
    record('apply result', `${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed, ${result.failures.length} failed`);
    record('apply requests', String(writers.reduce((n, w) => n + w.requestCount, 0)));
    const again = await timed('plan after apply', () => createPlan({ config, source: createSalesforceReader(), target: createZendeskReader() }));
    record('changes after apply', JSON.stringify(again.summary));
    record('peak RSS (zdsf process)', mb(peakRss));
  }
} finally {
  clearInterval(sampler);
  child.kill();
  await rm(dir, { recursive: true, force: true });
}

process.stdout.write(`\nzdsf bench (${accounts} accounts, ${contacts} contacts)\n`);
const width = Math.max(...figures.map(([n]) => n.length));
for (const [name, value] of figures) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
