// `zdsf show PLANFILE` prints a saved plan byte for byte as `zdsf plan` printed it, in every format.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { cli, DEMO_CONFIG, requireBuild, startDemo } from './helpers.js';

let sandbox: Sandbox;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  requireBuild();
  ({ sandbox, env } = await startDemo());
  dir = await mkdtemp(join(tmpdir(), 'zdsf-show-'));
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('zdsf show', () => {
  for (const format of ['text', 'markdown', 'json']) {
    it(`--format ${format}: the same document plan wrote`, async () => {
      const file = join(dir, `plan-${format}.json`);
      const planned = await cli(['plan', '-c', DEMO_CONFIG, '--format', format, '--out', file, '-q'], env);
      expect(planned.code, planned.stderr).toBe(0);
      // show needs no credentials and no sandbox: only the file
      const shown = await cli(['show', file, '--format', format, '-c', DEMO_CONFIG]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toBe(planned.stdout);
      expect(shown.stdout.length).toBeGreaterThan(100);
      expect(shown.stdout).not.toContain('sandbox-secret');
    }, 120_000);
  }

  it('refuses a file that is not a plan, saying how to make one', async () => {
    const file = join(dir, 'not-a-plan.json');
    await writeFile(file, '{"hello": 1}');
    const r = await cli(['show', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} is not a zdsf plan`);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('a missing file is an error naming it', async () => {
    const r = await cli(['show', join(dir, 'nope.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read the plan file');
    expect(r.stderr).toContain('ENOENT');
  }, 60_000);
});
