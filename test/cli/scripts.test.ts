// `npm run bench -- --help` and `npm run seed -- --help` print their usage (they crashed on the unknown option).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const script = (name: string) => join(root, 'dist', 'scripts', `${name}.js`);
const exec = (file: string, args: string[]) =>
  run(process.execPath, [file, ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('scripts: --help', () => {
  beforeAll(() => {
    if (!existsSync(script('bench'))) throw new Error('run `npm run build` first (npm test does)');
  });

  it('bench --help prints its usage and options, exit 0, without starting anything', async () => {
    const r = await exec(script('bench'), ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run bench -- \[options\]/);
    for (const option of ['--accounts', '--contacts', '--apply', '--json', '--cli-only', '--rate-limit']) expect(r.stdout).toContain(option);
  }, 30_000);

  it('seed --help and -h print its usage, exit 0; an unknown option names it, then the usage, exit 1', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await exec(script('generate-seed'), [flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run seed -- --accounts N --contacts M --out FILE/);
    }
    const bad = await exec(script('generate-seed'), ['--bogus']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Unknown option '--bogus'");
    expect(bad.stderr).toContain('usage: npm run seed');
  }, 30_000);

  it('bench with a bad size says so, exit 1', async () => {
    const r = await exec(script('bench'), ['--accounts', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--accounts and --contacts take whole numbers');
  }, 30_000);
});
