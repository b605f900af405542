// --timings: each phase's wall and CPU time on stderr. The recorder on a fake clock; the CLI over the sandbox
// (figures are not asserted, only that every phase is there: no wall-clock assertions).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { measure, setAmbientTimings, Timings } from '../../src/util/timings.js';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const SEED = join(root, 'fixtures', 'demo', 'seed.json');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);

describe('Timings', () => {
  it('records wall and CPU per phase, sync and async, and reports through the ambient recorder only when one is installed', async () => {
    let wall = 0;
    let cpu = 0;
    const t = new Timings({ wall: () => wall, cpu: () => cpu });
    t.time('read', () => {
      wall += 1500;
      cpu += 250;
    });
    await t.time('write', async () => {
      wall += 500;
      cpu += 400;
    });
    expect(measure('map', () => 42)).toBe(42); // nothing installed: just runs
    const previous = setAmbientTimings(t);
    measure('map', () => {
      wall += 2000;
      cpu += 1900;
    });
    setAmbientTimings(previous);
    expect(t.phases.map((p) => [p.name, p.wallMs, p.cpuMs])).toEqual([
      ['read', 1500, 250],
      ['write', 500, 400],
      ['map', 2000, 1900],
    ]);
    expect(t.format()).toMatch(/\n {2}map +2\.00 s wall +1\.90 s CPU/);
  });

  it('a phase that throws is still recorded', () => {
    const t = new Timings({ wall: () => 0, cpu: () => 0 });
    expect(() =>
      t.time('boom', () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(t.phases.map((p) => p.name)).toEqual(['boom']);
  });
});

describe('zdsf plan / apply --timings (the CLI over the sandbox)', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'src', 'commands', 'plan.js'))) throw new Error('run `npm run build` first (npm test does)');
    sandbox = await startSandbox({ seed: SEED, port: 0 });
    env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox', NO_COLOR: '1' };
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('plan prints every phase to stderr, and stdout stays the document', async () => {
    const r = await run(process.execPath, [CLI, 'plan', '-c', CONFIG, '--format', 'json', '--timings', '-q'], { env: { ...process.env, ...env } });
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    for (const phase of ['read Salesforce (demo)', 'read Zendesk (demo)', 'map (demo)', 'reconcile, estimate (demo)', 'render json'])
      expect(r.stderr).toMatch(new RegExp(`  ${phase.replace(/[()]/g, '\\$&')} +\\d+\\.\\d\\d s wall +\\d+\\.\\d\\d s CPU`));
  }, 60_000);

  it('without --timings nothing is printed', async () => {
    const r = await run(process.execPath, [CLI, 'plan', '-c', CONFIG, '-q'], { env: { ...process.env, ...env } });
    expect(r.stderr).not.toContain('Timings');
  }, 60_000);
});
