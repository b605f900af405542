// The package as a new user gets it: `npm pack`, then installed from the tarball into an empty prefix, then
// `zdsf --version` and `zdsf validate` run from there (not from the checkout). Offline: the dependencies come from
// the npm cache, through a lockfile made from this project's (an install that needs the registry would skip).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

let prefix: string;
let skipReason: string | undefined;
let packed: string[] = [];

async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'validate.js')) || !existsSync(join(root, 'oclif.manifest.json'))) {
    throw new Error('run `npm run build` first (npm test does)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'zdsf-install-'));
  // --ignore-scripts: `npm test` has just built dist/ and the manifest; `npm pack` alone would build them again
  const pack = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root);
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info[0].files.map((f) => f.path);
  const tarball = info[0].filename;

  // an empty project whose only dependency is the tarball, locked to the versions this project was tested with
  const own = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: object; bin: object; engines: object };
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, unknown> = {
    '': { name: 'zdsf-install-test', version: '0.0.0', dependencies: { zdsf: `file:${tarball}` } },
    'node_modules/zdsf': { version: own.version, resolved: `file:${tarball}`, dependencies: own.dependencies, bin: own.bin, engines: own.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link) continue;
    // the lockfile records integrity but not the tarball URL: with it, npm takes the tarball from its cache by
    // integrity and needs no registry metadata
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const base = name.includes('/') ? name.split('/')[1] : name;
    packages[path] = { resolved: `https://registry.npmjs.org/${name}/-/${base}-${String(entry.version)}.tgz`, ...entry };
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'zdsf-install-test', version: '0.0.0', private: true, dependencies: { zdsf: `file:${tarball}` } }));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ name: 'zdsf-install-test', version: '0.0.0', lockfileVersion: 3, requires: true, packages }));
  try {
    await npm(['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  } catch (err) {
    const text = String((err as { stderr?: string }).stderr ?? err);
    if (/ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(text)) skipReason = `the dependencies are not all in the npm cache and the registry is not used at test time (${/E[A-Z]+/.exec(text)?.[0]})`;
    else throw err;
  }
  prefix = dir;
}, 600_000);

describe('installed from the packed tarball into an empty prefix', () => {
  it('ships what the CLI and its messages need, and no sources or tests', () => {
    for (const f of ['bin/run.js', 'oclif.manifest.json', 'schemas/sync.schema.json', 'schemas/plan.schema.json', 'docs/configuration.md', 'docs/relationships.md', 'README.md', 'dist/src/commands/validate.js']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('dist/scripts/'))).toBe(false);
  });

  it('zdsf --version and zdsf validate run from the prefix', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const bin = join(prefix, 'node_modules', '.bin', 'zdsf');
    expect((await readdir(join(prefix, 'node_modules', 'zdsf'))).sort()).toContain('oclif.manifest.json');
    const version = await run(bin, ['--version'], { cwd: prefix });
    expect(version.stdout).toMatch(/^zdsf\/\d+\.\d+\.\d+ /);
    const valid = await run(bin, ['validate', '--no-env', '-c', join(root, 'sync.yaml')], { cwd: prefix });
    expect(valid.stdout).toContain('is valid: 2 syncs, 1 Salesforce org, 2 Zendesk instances');
    // the installed package finds its own schema and docs, not the checkout's
    const invalid = await run(bin, ['validate', '-c', join(prefix, 'missing.yaml')], { cwd: prefix }).catch((e: { code: number; stdout: string }) => e);
    expect((invalid as { code: number }).code).toBe(1);
    expect((invalid as { stdout: string }).stdout).toContain('docs/configuration.md');
  }, 120_000);
});
