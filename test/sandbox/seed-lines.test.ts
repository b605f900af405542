// Large seeds are read a line at a time (src/sandbox/seed-lines.ts): the same seed as JSON.parse gives, for the
// layout writeSeed writes; any other layout falls back to reading the file as one string.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeedLines, readSeedLines } from '../../src/sandbox/seed-lines.js';
import { loadSeed } from '../../src/sandbox/index.js';
import { generateSeed, writeSeed } from '../../src/seedgen/generate.js';

async function* linesOf(text: string): AsyncIterable<string> {
  yield* text.split('\n');
}

describe('seed files read a line at a time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zdsf-seed-lines-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads what writeSeed wrote exactly as JSON.parse does', async () => {
    const seed = generateSeed({ accounts: 40, contacts: 120, seed: 7 });
    const file = join(dir, 'gen.json');
    await writeSeed(file, seed);
    const { readFile } = await import('node:fs/promises');
    const expected: unknown = JSON.parse(await readFile(file, 'utf8'));
    const streamed = await readSeedLines(file);
    expect(streamed).not.toBeNull();
    expect(streamed).toEqual(expected);
    expect(((streamed as { salesforce: { Account: unknown[] } }).salesforce.Account)).toHaveLength(40);
  });

  it('loadSeed streams from the size given and checks the outline as before', async () => {
    const file = join(dir, 'bad-key.json');
    await writeFile(file, '{\n  "zendesk": {\n    "organisations": [\n      {"id": 1}\n    ]\n  }\n}\n');
    expect(await parseSeedLines(linesOf('{\n  "zendesk": {\n    "organisations": [\n      {"id": 1}\n    ]\n  }\n}\n'))).toEqual({ zendesk: { organisations: [{ id: 1 }] } });
    await expect(loadSeed(file, { streamFromBytes: 0 })).rejects.toThrow(/unknown key "zendesk.organisations"/);
  });

  it('keeps scalars and objects on their own line, at both levels', async () => {
    const text = '{\n  "salesforce": {\n    "auth": {"users": []},\n    "Account": [\n    ]\n  },\n  "zendesk_instances": {"eu": {"users": []}}\n}\n';
    expect(await parseSeedLines(linesOf(text))).toEqual({ salesforce: { auth: { users: [] }, Account: [] }, zendesk_instances: { eu: { users: [] } } });
  });

  it('gives null for another layout, and loadSeed then reads the file whole', async () => {
    const pretty = JSON.stringify({ zendesk: { organizations: [{ id: 1, name: 'Acme' }] } }, null, 2);
    expect(await parseSeedLines(linesOf(pretty))).toBeNull();
    expect(await parseSeedLines(linesOf('{\n  "zendesk": {\n'))).toBeNull();
    const file = join(dir, 'pretty.json');
    await writeFile(file, pretty);
    expect((await loadSeed(file, { streamFromBytes: 0 })).zendesk?.organizations?.[0].name).toBe('Acme');
  });

  it('a truncated file in the line layout is not taken for a seed', async () => {
    const seed = generateSeed({ accounts: 5, contacts: 10, seed: 1 });
    const file = join(dir, 'trunc.json');
    await writeSeed(file, seed);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    expect(await readSeedLines(file)).toBeNull();
    await expect(loadSeed(file, { streamFromBytes: 0 })).rejects.toThrow(/not valid JSON/);
  });
});
