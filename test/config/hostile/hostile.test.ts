// YAML bombs and odd files (issue 14): each is refused with one error at a line, quickly (no wall-clock
// assertion: the test timeout catches a hang), and nothing is built from it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { hostileCorpus } from './make-corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-hostile-'));
const env = { SF_ACCESS_TOKEN: 'sf-token-value', ZD_TOKEN: 'zd-token-value' };

describe('hostile configs', () => {
  const corpus = hostileCorpus();

  it('covers the bombs of issue 14', () => {
    expect(corpus.map((f) => f.name)).toEqual(
      expect.arrayContaining(['billion-laughs-9.yaml', 'merge-chain-400.yaml', 'keys-20000.yaml', 'cr-only.yaml', 'invalid-utf8.yaml']),
    );
  });

  it.each(corpus.map((f) => [f.name, f] as const))('%s is refused with a line-numbered error', async (_name, f) => {
    const file = join(dir, f.name);
    writeFileSync(file, f.bytes);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(config).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(5);
    expect(errors[0].file).toBe(file);
    expect(errors[0].line).toBeGreaterThanOrEqual(1);
    if (f.line > 0) expect(errors[0].line).toBe(f.line);
    expect(errors[0].message).toMatch(f.message);
  }, 30_000);

  it('still reads a file with CRLF line endings, and anchors used a normal number of times', async () => {
    const valid = hostileCorpus().find((f) => f.name === 'cr-only.yaml')!.bytes.toString('utf8').replace(/\r/g, '\r\n');
    const file = join(dir, 'crlf.yaml');
    writeFileSync(file, valid);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(config?.syncs[0].organizations?.where).toBe("Type = 'Customer'");
  });
});
