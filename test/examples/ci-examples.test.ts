// The example CI files must parse and use only commands and flags the CLI really has.
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
    it('parses as YAML and runs validate, plan and apply', async () => {
      const text = await readFile(file, 'utf8');
      const commands = new Set(invocations(text).map((i) => i.command));
      expect(commands).toEqual(new Set(['validate', 'plan', 'apply']));
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

it('.pre-commit-hooks.yaml runs zdsf validate with flags it has', async () => {
  const hooks = parse(await readFile('.pre-commit-hooks.yaml', 'utf8')) as { id: string; entry: string }[];
  const hook = hooks.find((h) => h.id === 'zdsf-validate');
  expect(hook?.entry).toMatch(/^zdsf validate/);
  const known = await commandFlags('validate');
  for (const f of hook!.entry.split(/\s+/).filter((w) => w.startsWith('-'))) expect(known).toContain(f);
});
