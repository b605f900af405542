// The example CI files must parse and use only commands and flags the CLI really has.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type CommandClass = { flags?: Record<string, { char?: string; allowNo?: boolean }> };

async function commandFlags(name: string): Promise<Set<string>> {
  const mod = (await import(`../../src/commands/${name}.ts`)) as { default: CommandClass };
  const flags = new Set<string>();
  for (const [long, def] of Object.entries(mod.default.flags ?? {})) {
    flags.add(`--${long}`);
    if (def.allowNo) flags.add(`--no-${long}`);
    if (def.char) flags.add(`-${def.char}`);
  }
  return flags;
}

function scripts(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const n of node) scripts(n, out);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) scripts(v, out);
  return out;
}

/** every `zdsf <command> ...` invocation in the file's strings, with the flags it passes */
function invocations(text: string): { command: string; flags: string[] }[] {
  const found: { command: string; flags: string[] }[] = [];
  for (const s of scripts(parse(text))) {
    for (const m of s.matchAll(/(?:^|[\s;(|&])zdsf ([a-z]+)([^\n;|&>]*)/g)) {
      found.push({ command: m[1], flags: [...m[2].matchAll(/(?:^|\s)(--?[a-z][a-z-]*)/g)].map((f) => f[1]) });
    }
  }
  return found;
}

for (const file of ['examples/gitlab-ci.yml', 'examples/github-actions.yml']) {
  describe(file, () => {
    it('parses as YAML, runs validate, plan and apply, and names only commands zdsf has', async () => {
      const text = await readFile(file, 'utf8');
      const commands = new Set(invocations(text).map((i) => i.command));
      for (const c of ['validate', 'plan', 'apply']) expect(commands).toContain(c);
      for (const c of commands) expect(existsSync(`src/commands/${c}.ts`), `${file}: zdsf ${c}`).toBe(true);
    });

    it('uses only flags the commands define', async () => {
      const text = await readFile(file, 'utf8');
      for (const { command, flags } of invocations(text)) {
        const known = await commandFlags(command);
        for (const flag of flags) expect(known, `${file}: zdsf ${command} ${flag}`).toContain(flag);
      }
    });
  });
}

/** the shell of the reviewed flow's apply job (GitLab: script lines; GitHub: the steps' run blocks) */
function applyJobScript(file: string, doc: Record<string, unknown>): string {
  const job = (file.includes('gitlab') ? doc.apply : (doc.jobs as Record<string, unknown>).apply) as Record<string, unknown>;
  expect(job, `${file}: an apply job`).toBeDefined();
  const shell = file.includes('gitlab') ? job.script : (job.steps as { run?: string }[]).map((s) => s.run ?? '');
  return scripts(shell).join('\n');
}

describe('the reviewed flow never applies a plan nobody read', () => {
  for (const file of ['examples/gitlab-ci.yml', 'examples/github-actions.yml']) {
    it(`${file}: apply applies the saved plan, and a stale one fails the job with "plan again and review"`, async () => {
      const doc = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      const script = applyJobScript(file, doc);
      // apply of the saved plan only: no plan made and applied in the same job
      expect(script).not.toMatch(/zdsf plan\b/);
      expect(script).toMatch(/zdsf apply plan\.json/);
      expect(script).not.toContain('--auto-approve');
      expect(script).toMatch(/[Pp]lan again and review/);
      expect(script).toMatch(/exit 1/);
    });

    it(`${file}: installs zdsf from a package spec that exists (not the unpublished "zdsf@version")`, async () => {
      const text = await readFile(file, 'utf8');
      expect(text).not.toMatch(/npm install[^\n]*"zdsf@/);
      // into a prefix of its own: a global install of a git dependency fails in npm (tsc: not found)
      expect(text).toMatch(/npm install [^\n]*--prefix "\$HOME\/\.zdsf" "\$\{ZDSF_PACKAGE\}"/);
      expect(text).not.toMatch(/npm install --global/);
    });

    it(`${file}: names the credentials the root sync.yaml reads`, async () => {
      const [text, config] = await Promise.all([readFile(file, 'utf8'), readFile('sync.yaml', 'utf8')]);
      for (const name of ['ZD_GLOBAL_EMAIL', 'ZD_GLOBAL_TOKEN', 'ZD_FEDERAL_TOKEN']) {
        expect(config).toContain(`\${${name}}`);
        expect(text).toContain(name);
      }
      expect(text).not.toMatch(/\bZD_API_TOKEN\b|\bZD_EMAIL\b/);
    });
  }
});

it('.pre-commit-hooks.yaml runs zdsf validate with flags it has', async () => {
  const hooks = parse(await readFile('.pre-commit-hooks.yaml', 'utf8')) as { id: string; entry: string }[];
  const hook = hooks.find((h) => h.id === 'zdsf-validate');
  expect(hook?.entry).toMatch(/^zdsf validate/);
  const known = await commandFlags('validate');
  for (const f of hook!.entry.split(/\s+/).filter((w) => w.startsWith('-'))) expect(known).toContain(f);
});
