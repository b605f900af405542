// Issue 11: an unknown command or flag exits 1; only `plan --detailed-exitcode` ever exits 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const zdsf = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('exit codes', () => {
  it('an unknown command exits 1, not 2', () => {
    const r = zdsf('plna');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/plna not found/);
  });

  it('an unknown flag exits 1', () => {
    expect(zdsf('validate', '--bogus').status).toBe(1);
  });

  it('a truncated plan file: one line naming the file and the JSON path, exit 1, no stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zdsf-exit-')), 'plan.json');
    writeFileSync(file, '{"format_version":"2.0","syncs":[{"name":"x","changes":[{"type":"user","act');
    const r = zdsf('apply', file, '-c', 'does-not-exist.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/plan\.json:1: \$\.syncs\[0\]\.changes\[0\]: the file ends in the middle of a value/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
}, 300_000);
