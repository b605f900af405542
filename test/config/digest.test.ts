// The config digest a saved plan records: comments and layout do not change it; values do.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDigest, loadConfig } from '../../src/config/index.js';

const root = join(import.meta.dirname, '..', '..');

describe('configDigest', () => {
  it('ignores comments, blank lines, indentation style and key order; sees every value', async () => {
    const base = await readFile(join(root, 'fixtures', 'demo', 'sync.yaml'), 'utf8');
    const digest = configDigest(base);
    const commented = base.replace('# customers, former customers and active partners', '# changed comment').replace('version: 1', 'version: 1   # trailing comment\n\n');
    expect(commented).not.toBe(base);
    expect(configDigest(commented)).toBe(digest);
    expect(configDigest(`${base}\n# appended\n`)).toBe(digest);
    const reordered = base.replace('      match: external_id\n      adopt_by_name: true', '      adopt_by_name: true\n      match: external_id');
    expect(reordered).not.toBe(base);
    expect(configDigest(reordered)).toBe(digest);
    expect(configDigest(base.replace('max_deletes: 3', 'max_deletes: 4'))).not.toBe(digest);
    expect(configDigest(base.replace('${ZD_API_TOKEN}', '${ZD_OTHER_TOKEN}'))).not.toBe(digest);
  });

  it('is what loadConfig records, and does not depend on the values of ${VAR}s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-digest-'));
    const file = join(dir, 'sync.yaml');
    const text = await readFile(join(root, 'fixtures', 'demo', 'sync.yaml'), 'utf8');
    await writeFile(file, text);
    const env = { SF_ACCESS_TOKEN: 'a', ZD_API_TOKEN: 'b' };
    const a = await loadConfig({ file, env });
    const b = await loadConfig({ file, env: { SF_ACCESS_TOKEN: 'rotated', ZD_API_TOKEN: 'rotated' } });
    expect(a.config?.digest).toBe(configDigest(text));
    expect(b.config?.digest).toBe(a.config?.digest);
    await writeFile(file, text.replace('# no welcome mail', '# nobody gets mail'));
    expect((await loadConfig({ file, env })).config?.digest).toBe(a.config?.digest);
  });

  it('config.digest is computed when first read (validate never pays for it), and is the digest of the file', async () => {
    const file = join(root, 'fixtures', 'demo', 'sync.yaml');
    const { config } = await loadConfig({ file, checkEnv: false });
    expect(config).not.toBeNull();
    const expected = configDigest(await readFile(file, 'utf8'));
    expect(config!.digest).toBe(expected);
    expect(config!.digest).toBe(expected); // read twice, same value
    expect({ ...config! }.digest).toBe(expected); // copies carry it
    expect((JSON.parse(JSON.stringify(config)) as { digest: string }).digest).toBe(expected);
  });
});
