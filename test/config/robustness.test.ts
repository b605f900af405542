// "Nothing crashes with a stack trace": every one-line mutation of the root sync.yaml either loads or
// produces diagnostics that point inside the file. Deterministic (no randomness).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const original = readFileSync('sync.yaml', 'utf8').split('\n');
const dir = mkdtempSync(join(tmpdir(), 'zdsf-mutants-'));

const mutations: Array<[string, (line: string) => string | null]> = [
  ['deleted', () => null],
  ['colon removed', (l) => l.replace(':', ' ')],
  ['indented', (l) => `  ${l}`],
  ['quote opened', (l) => l.replace(/: /, ': "')],
];

describe('mutated sync.yaml', () => {
  it.each(mutations)('every line %s: loads or reports, never throws', async (_name, mutate) => {
    let reported = 0;
    for (let i = 0; i < original.length; i++) {
      const m = mutate(original[i]);
      if (m === original[i]) continue;
      const lines = [...original];
      if (m === null) lines.splice(i, 1);
      else lines[i] = m;
      const file = join(dir, `m${i}.yaml`);
      writeFileSync(file, lines.join('\n'));
      const { config, diagnostics } = await loadConfig({ file, env: {}, checkEnv: false });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(config === null, `line ${i + 1}`).toBe(errors.length > 0);
      for (const d of diagnostics) {
        expect(d.line, `line ${i + 1}: ${d.message}`).toBeGreaterThanOrEqual(1);
        expect(d.line).toBeLessThanOrEqual(lines.length + 1);
        expect(d.col).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(5);
        expect(d.message).not.toMatch(/undefined|\[object Object\]|TypeError/);
      }
      if (errors.length > 0) reported++;
    }
    expect(reported).toBeGreaterThan(5); // the mutations do break the file
  }, 120_000);
});
