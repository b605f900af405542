// The validate section of `npm run bench` (issue 15): the CPU (user + sys, from the child's own
// process.resourceUsage) of `zdsf validate --no-env -c sync.yaml` on the repository's root sync.yaml, as a
// pre-commit hook runs it, with a cold SOQL verdict cache (a new, empty cache directory each run) and a warm one.
// Goal: under 0.5 s. Runs alone too: `node dist/scripts/bench-validate.js [--runs N]`.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ValidateBenchResult {
  cold_cpu_s: number[];
  warm_cpu_s: number[];
  median_cold_cpu_s: number;
  median_warm_cpu_s: number;
}

/** CPU seconds of one `zdsf validate --no-env` run, with the SOQL cache in `cacheDir`. */
async function cpuOfValidate(root: string, cacheDir: string, scratch: string): Promise<number> {
  const report = join(scratch, `cpu-${process.hrtime.bigint()}.json`);
  const hook = `data:text/javascript,import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(report)}, JSON.stringify((u.userCPUTime + u.systemCPUTime) / 1e6)); });`;
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, join(root, 'bin', 'run.js'), 'validate', '--no-env', '-c', join(root, 'sync.yaml')], {
      env: { ...process.env, ZDSF_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`zdsf validate of the root sync.yaml exited ${code}`);
  return Number(await readFile(report, 'utf8'));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export async function benchValidate(options: { root: string; runs?: number; record: (name: string, value: string) => void }): Promise<ValidateBenchResult> {
  const runs = options.runs ?? 5;
  const scratch = await mkdtemp(join(tmpdir(), 'zdsf-bench-validate-'));
  try {
    const cold: number[] = [];
    for (let i = 0; i < runs; i++) cold.push(await cpuOfValidate(options.root, join(scratch, `cold-${i}`), scratch));
    const warmDir = join(scratch, 'warm');
    await cpuOfValidate(options.root, warmDir, scratch); // fills the cache
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await cpuOfValidate(options.root, warmDir, scratch));
    const result = { cold_cpu_s: cold.map(r3), warm_cpu_s: warm.map(r3), median_cold_cpu_s: r3(median(cold)), median_warm_cpu_s: r3(median(warm)) };
    const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' / ');
    options.record('zdsf validate --no-env (root sync.yaml), CPU, cold cache', `median ${result.median_cold_cpu_s.toFixed(2)} s (${fmt(result.cold_cpu_s)}; goal < 0.5 s)`);
    options.record('zdsf validate --no-env (root sync.yaml), CPU, warm cache', `median ${result.median_warm_cpu_s.toFixed(2)} s (${fmt(result.warm_cpu_s)}; goal < 0.5 s)`);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// run alone: node dist/scripts/bench-validate.js [--runs N] [--json]
if (process.argv[1] && /bench-validate\.[jt]s$/.test(process.argv[1])) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { runs: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const root = join(import.meta.dirname, '..', '..');
  const result = await benchValidate({ root, runs: values.runs ? Number(values.runs) : undefined, record: (n, v) => process.stdout.write(`${n}  ${v}\n`) });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}
