// Shell completion (@oclif/plugin-autocomplete): the completion functions list zdsf's commands and their flags.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, requireBuild } from './helpers.js';

beforeAll(() => requireBuild());

it('zdsf autocomplete --refresh-cache writes bash and zsh functions with every command and its flags', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'zdsf-ac-'));
  const r = await cli(['autocomplete', '--refresh-cache'], { XDG_CACHE_HOME: cache });
  expect(r.code, r.stderr).toBe(0);
  const bash = await readFile(join(cache, 'zdsf', 'autocomplete', 'functions', 'bash', 'zdsf.bash'), 'utf8');
  for (const command of ['validate', 'check', 'plan', 'show', 'explain', 'apply', 'init', 'sandbox']) expect(bash).toContain(command);
  expect(bash).toContain('--allow-delete');
  const zsh = await readFile(join(cache, 'zdsf', 'autocomplete', 'functions', 'zsh', '_zdsf'), 'utf8');
  expect(zsh).toContain('explain');
  const script = await cli(['autocomplete', 'script', 'bash'], { XDG_CACHE_HOME: cache });
  expect(script.stdout).toContain('ZDSF_AC_BASH_SETUP_PATH');
}, 120_000);
