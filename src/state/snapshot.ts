// The snapshot files of incremental plans (issue 13): gzip'd JSON lines, node:zlib only.
//
//   line 1      the header: {"zdsf_snapshot": FORMAT_VERSION, ...} (what was read, marks, when)
//   lines 2..n  ["section", record] one record a line, so neither writing nor reading holds the text whole
//   last line   {"end": true, "records": n}: a file without it (a killed write, a full disk) is truncated
//
// Writes are atomic: the file is written to a temporary name in the same directory (mode 0600) and renamed
// over the old one. Two plans writing one state directory at once therefore never corrupt it: each rename
// installs one complete file, the last one wins, and a reader sees the old or the new file, never a mix.
// No lock is taken (a lock left by a killed plan would block the next scheduled run).
// Snapshots hold records as read and the marks; never credentials (configs' secrets are not passed here).
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createGunzip, createGzip } from 'node:zlib';
import { once } from 'node:events';

export const FORMAT_VERSION = 1;

export interface SnapshotHeader {
  zdsf_snapshot: number;
  [key: string]: unknown;
}

export interface Snapshot<H extends SnapshotHeader = SnapshotHeader> {
  header: H;
  sections: Record<string, unknown[]>;
}

export type SnapshotRead<H extends SnapshotHeader> = { ok: true; snapshot: Snapshot<H> } | { ok: false; reason: string };

/** Writes header and sections to `file` atomically (temp file + rename), mode 0600; returns the file's size. */
export async function writeSnapshot(file: string, header: Omit<SnapshotHeader, 'zdsf_snapshot'>, sections: Record<string, Iterable<unknown>>): Promise<number> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const out = createWriteStream(temp, { mode: 0o600 });
  const gzip = createGzip({ level: 1 });
  gzip.pipe(out);
  const done = once(out, 'close');
  try {
    let buffer = `${JSON.stringify({ zdsf_snapshot: FORMAT_VERSION, ...header })}\n`;
    let count = 0;
    const flush = async (): Promise<void> => {
      if (!gzip.write(buffer)) await once(gzip, 'drain');
      buffer = '';
    };
    for (const [name, records] of Object.entries(sections)) {
      const prefix = `[${JSON.stringify(name)},`;
      for (const r of records) {
        buffer += `${prefix}${JSON.stringify(r)}]\n`;
        count += 1;
        if (buffer.length > 1 << 20) await flush();
      }
    }
    buffer += `${JSON.stringify({ end: true, records: count })}\n`;
    await flush();
    gzip.end();
    await done;
    const { size } = await stat(temp);
    await rename(temp, file);
    return size;
  } catch (err) {
    gzip.destroy();
    out.destroy();
    await rm(temp, { force: true });
    throw err;
  }
}

/** The snapshot file opened for reading, or the reason it cannot be (missing, unreadable). */
async function openSnapshot(file: string): Promise<{ ok: true; handle: FileHandle } | { ok: false; reason: string }> {
  try {
    return { ok: true, handle: await open(file, 'r') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'no snapshot yet' : `the snapshot ${file} is unreadable (${code ?? String(err)})` };
  }
}

/** Why a parsed first line is not the header of a snapshot this zdsf reads; undefined when it is. */
function headerProblem(value: unknown, file: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as SnapshotHeader).zdsf_snapshot !== 'number') return `${file} is not a zdsf snapshot`;
  const version = (value as SnapshotHeader).zdsf_snapshot;
  return version === FORMAT_VERSION ? undefined : `the snapshot has format ${version}, this zdsf writes ${FORMAT_VERSION}`;
}

/** The header line of a snapshot alone (what an incremental read needs before it knows whether anything changed),
 * with the file's size; any problem is a reason. Truncation past the header is found only by readSnapshot. */
export async function readSnapshotHeader<H extends SnapshotHeader>(file: string): Promise<{ ok: true; header: H; size: number } | { ok: false; reason: string }> {
  const opened = await openSnapshot(file);
  if (!opened.ok) return opened;
  const handle = opened.handle;
  const gunzip = handle.createReadStream().pipe(createGunzip());
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    const size = (await handle.stat()).size;
    for await (const chunk of gunzip) {
      text += decoder.write(chunk as Buffer);
      if (text.includes('\n')) break;
    }
    const line = text.split('\n')[0];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, reason: text === '' ? `the snapshot ${file} is empty` : `the snapshot ${file} is corrupt (a line is not JSON)` };
    }
    const bad = headerProblem(value, file);
    if (bad) return { ok: false, reason: bad };
    return { ok: true, header: value as H, size };
  } catch (err) {
    return { ok: false, reason: `the snapshot ${file} is corrupt or truncated (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    gunzip.destroy();
    await handle.close().catch(() => undefined);
  }
}

/** Reads a snapshot; any problem (missing, unreadable, corrupt, truncated, another format) is a reason, never a throw. */
export async function readSnapshot<H extends SnapshotHeader>(file: string): Promise<SnapshotRead<H>> {
  const opened = await openSnapshot(file);
  if (!opened.ok) return opened;
  const handle = opened.handle;
  const gunzip = handle.createReadStream().pipe(createGunzip());
  let header: H | undefined;
  const sections: Record<string, unknown[]> = {};
  let count = 0;
  let ended = false;
  let rest = '';
  const decoder = new StringDecoder('utf8');
  /** one line; a string is the reason the file cannot be used */
  const take = (line: string): string | undefined => {
    if (line === '') return undefined;
    if (ended) return `the snapshot ${file} has data after its end line`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return `the snapshot ${file} is corrupt (a line is not JSON)`;
    }
    if (!header) {
      header = value as H;
      return headerProblem(value, file);
    }
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string') {
      (sections[value[0]] ??= []).push(value[1]);
      count += 1;
      return undefined;
    }
    if (typeof value === 'object' && value !== null && (value as { end?: unknown }).end === true) {
      if ((value as { records?: unknown }).records !== count) return `the snapshot ${file} is truncated (records missing)`;
      ended = true;
      return undefined;
    }
    return `the snapshot ${file} is corrupt (unexpected line)`;
  };
  try {
    for await (const chunk of gunzip) {
      const text = rest + decoder.write(chunk as Buffer);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const problem = take(line);
        if (problem) return { ok: false, reason: problem };
      }
    }
    const problem = take(rest + decoder.end());
    if (problem) return { ok: false, reason: problem };
  } catch (err) {
    return { ok: false, reason: `the snapshot ${file} is corrupt or truncated (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    gunzip.destroy();
    await handle.close().catch(() => undefined);
  }
  if (!header) return { ok: false, reason: `the snapshot ${file} is empty` };
  if (!ended) return { ok: false, reason: `the snapshot ${file} is truncated (no end line)` };
  return { ok: true, snapshot: { header, sections } };
}
