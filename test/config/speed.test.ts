// What makes `zdsf validate` cheap to start: the SOQL verdict cache and the schema validator precompiled at build.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { soqlConditionProblem } from '../../src/config/soql.js';
import { resetSoqlCache } from '../../src/config/soql-cache.js';
import { AJV_OPTIONS, loadSchema } from '../../src/config/schema.js';

const root = join(import.meta.dirname, '..', '..');
// valid, yet outside the plain grammar that soql-fast.ts answers without parser or cache
const NOT_PLAIN = "Type = 'Customer' AND Name = 'x' OR Name = 'y'";

describe('the SOQL verdict cache', () => {
  afterEach(() => {
    delete process.env.ZDSF_CACHE_DIR;
    resetSoqlCache();
  });

  it('remembers each verdict on disk and answers from it in the next run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-cache-'));
    process.env.ZDSF_CACHE_DIR = dir;
    resetSoqlCache();
    expect(soqlConditionProblem(NOT_PLAIN, 'Account')).toBeUndefined();
    expect(soqlConditionProblem("Type = 'Customer' AND", 'Account')).toMatch(/does not parse/);
    const [file] = await readdir(dir);
    expect(file).toMatch(/^soql-conditions-.*\.json$/);
    const saved = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, string | null>;
    expect(Object.values(saved).sort()).toEqual([null, expect.stringMatching(/does not parse/)].sort());
    // a new run reads the file: an entry there is the answer (here doctored, to prove the parser is not asked)
    for (const k of Object.keys(saved)) if (saved[k] === null) saved[k] = 'from the cache';
    await writeFile(join(dir, file), JSON.stringify(saved));
    resetSoqlCache();
    expect(soqlConditionProblem(NOT_PLAIN, 'Account')).toBe('from the cache');
    // a plain condition is answered before the cache is read (soql-fast.ts)
    expect(soqlConditionProblem("Type = 'Customer'", 'Account')).toBeUndefined();
  });

  it('is off under tests unless asked for, and a broken cache file is ignored', async () => {
    resetSoqlCache();
    expect(soqlConditionProblem('Name = ', 'Account')).toMatch(/does not parse/);
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-cache-'));
    process.env.ZDSF_CACHE_DIR = dir;
    resetSoqlCache();
    expect(soqlConditionProblem(NOT_PLAIN, 'Account')).toBeUndefined();
    const [file] = await readdir(dir);
    await writeFile(join(dir, file), '{ not json');
    resetSoqlCache();
    expect(soqlConditionProblem(NOT_PLAIN, 'Account')).toBeUndefined();
  });
});

describe('the precompiled schema validator (dist/, made by npm run build)', () => {
  it('gives the verdicts and errors of the schema compiled at run time', async () => {
    const file = join(root, 'dist', 'src', 'config', 'sync-schema.validate.cjs');
    if (!existsSync(file)) throw new Error('run `npm run build` first (npm test does)');
    const mod = createRequire(import.meta.url)(file) as { default: (d: unknown) => boolean; schemaHash: string } & { default: { errors?: unknown } };
    const ajv = new Ajv(AJV_OPTIONS);
    ajv.addVocabulary(['x-error']);
    const runtime = ajv.compile(loadSchema());
    const docs: unknown[] = [];
    for (const sub of ['valid', 'broken', 'secrets']) {
      for (const f of await readdir(join(root, 'test', 'config', 'corpus', sub))) {
        if (!/\.ya?ml$/.test(f)) continue;
        try {
          docs.push(parse(await readFile(join(root, 'test', 'config', 'corpus', sub, f), 'utf8')));
        } catch {
          // not YAML at all: nothing for the schema to judge
        }
      }
    }
    docs.push(parse(await readFile(join(root, 'sync.yaml'), 'utf8')), { version: 2 }, { version: 1, syncs: { a: { from: 1 } } });
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) {
      const ok = mod.default(doc);
      expect(ok).toBe(runtime(doc));
      const strip = (errors: unknown) => JSON.parse(JSON.stringify(errors ?? null, (k, v: unknown) => (k === 'parentSchema' || k === 'schema' ? undefined : v))) as unknown;
      expect(strip(mod.default.errors)).toEqual(strip(runtime.errors));
    }
  });
});
