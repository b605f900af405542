// Where the next ticket read of a sync's cases starts (issue 18): the incremental ticket export's cursor after the
// last applied plan, one small JSON file per sync in the state directory (cases-<sync>.json, mode 0600, written
// atomically). Plan reads it, apply writes it only once every change of the sync was carried out, so a failed or
// interrupted apply reads the same tickets again. The file names the cases config and the Zendesk instance it
// belongs to (a digest): after either changes, the mark is dropped and the next plan reads in full.
// Apply's own writes need no folding in: they go to Salesforce Cases, which plan reads live by the ticket id
// field, and never to the tickets the export returns.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sync, ZendeskInstance } from '../model/config.js';
import type { TicketExportStart } from '../zendesk/tickets.js';
import { FORMAT_VERSION } from './snapshot.js';

export interface CaseMark {
  zdsf_case_mark: number;
  sync: string;
  digest: string;
  cursor: string;
  written_at: string;
}

const safe = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '_');

export function caseMarkFile(dir: string, syncName: string): string {
  return join(dir, `cases-${safe(syncName)}.json`);
}

/** What the mark depends on: the cases section (positions aside) and the Zendesk instance read. */
export function casesDigest(sync: Sync, zendesk: ZendeskInstance): string {
  const { positions: _p, pos: _q, ...cases } = sync.cases ?? ({} as NonNullable<Sync['cases']>);
  return createHash('sha256').update(JSON.stringify({ v: FORMAT_VERSION, cases, url: zendesk.url })).digest('hex');
}

/** The start of the next read, or why there is none (no mark yet, another config, unreadable). */
export async function readCaseMark(dir: string, syncName: string, digest: string): Promise<{ start: TicketExportStart } | { reason: string }> {
  const file = caseMarkFile(dir, syncName);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no ticket mark yet' : `${file} is unreadable (${code ?? String(err)})` };
  }
  let mark: Partial<CaseMark>;
  try {
    mark = JSON.parse(raw) as Partial<CaseMark>;
  } catch {
    return { reason: `${file} is not JSON` };
  }
  if (mark.zdsf_case_mark !== FORMAT_VERSION || mark.sync !== syncName || typeof mark.cursor !== 'string' || mark.cursor === '') return { reason: `${file} is not this sync's ticket mark` };
  if (mark.digest !== digest) return { reason: 'the ticket mark was taken for another cases configuration or Zendesk instance' };
  return { start: { cursor: mark.cursor } };
}

export async function writeCaseMark(dir: string, syncName: string, digest: string, cursor: string, now: Date = new Date()): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = caseMarkFile(dir, syncName);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const mark: CaseMark = { zdsf_case_mark: FORMAT_VERSION, sync: syncName, digest, cursor, written_at: now.toISOString() };
  try {
    await writeFile(temp, `${JSON.stringify(mark)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
