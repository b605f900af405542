// The snapshot store (src/state/snapshot.ts): gzip'd JSON lines, atomic writes, 0600, and every bad file a reason.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSnapshot, writeSnapshot } from '../../src/state/snapshot.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zdsf-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sections = { accounts: [{ Id: '001A', Name: 'Acme' }, { Id: '001B', Name: 'Ö "quoted"\nline' }], retention: ['001A'], empty: [] };

describe('snapshot files', () => {
  it('round-trips header and sections, one JSON line a record', async () => {
    const file = join(dir, 'sub', 's.jsonl.gz');
    await writeSnapshot(file, { kind: 'salesforce', marks: { Account: '2026-01-01T00:00:00.000+0000' } }, sections);
    const got = await readSnapshot(file);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.snapshot.header).toEqual({ zdsf_snapshot: 1, kind: 'salesforce', marks: { Account: '2026-01-01T00:00:00.000+0000' } });
    expect(got.snapshot.sections).toEqual({ accounts: sections.accounts, retention: ['001A'] });
    const lines = gunzipSync(await readFile(file)).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(5); // header, 3 records, end
    expect(JSON.parse(lines[4])).toEqual({ end: true, records: 3 });
  });

  it('is written 0600 and leaves no temporary file', async () => {
    const file = join(dir, 's.jsonl.gz');
    await writeSnapshot(file, {}, sections);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['s.jsonl.gz']);
  });

  it('gives a reason, never a throw, for a missing, truncated, corrupt or foreign file', async () => {
    const file = join(dir, 's.jsonl.gz');
    expect(await readSnapshot(file)).toEqual({ ok: false, reason: 'no snapshot yet' });

    await writeSnapshot(file, {}, sections);
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const truncated = await readSnapshot(file);
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.reason).toMatch(/truncated|corrupt/);

    const text = gunzipSync(whole).toString('utf8').split('\n');
    await writeFile(file, gzipSync(text.slice(0, 3).join('\n') + '\n')); // cut at a line: no end line
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });

    await writeFile(file, gzipSync([text[0], text[1], '{"end":true,"records":3}'].join('\n')));
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/records missing/) });

    await writeFile(file, 'not gzip at all');
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/corrupt|truncated/) });

    await writeFile(file, gzipSync('{"zdsf_snapshot": 99}\n{"end":true,"records":0}\n'));
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/format 99/) });

    await writeFile(file, gzipSync('{"something": "else"}\n'));
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a zdsf snapshot/) });

    await writeFile(file, gzipSync(`${text[0]}\n{broken\n`));
    expect(await readSnapshot(file)).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
  });

  it('two writers at once leave one complete file (atomic rename, no lock)', async () => {
    const file = join(dir, 's.jsonl.gz');
    const big = (tag: string) => ({ rows: Array.from({ length: 20_000 }, (_, i) => ({ Id: `${tag}${i}`, v: 'x'.repeat(20) })) });
    await Promise.all([writeSnapshot(file, { writer: 'a' }, big('a')), writeSnapshot(file, { writer: 'b' }, big('b')), writeSnapshot(file, { writer: 'c' }, big('c'))]);
    const got = await readSnapshot<{ zdsf_snapshot: number; writer: string }>(file);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const tag = got.snapshot.header.writer;
    expect(got.snapshot.sections.rows).toHaveLength(20_000);
    expect((got.snapshot.sections.rows as { Id: string }[]).every((r) => r.Id.startsWith(tag))).toBe(true);
    expect(await readdir(dir)).toEqual(['s.jsonl.gz']);
  });
});
