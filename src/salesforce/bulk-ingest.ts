// Case upserts through a Bulk API 2.0 ingest job (issue 18), the path apply takes for a sync with at least
// `cases.bulk_threshold` case changes (docs/cases.md says why and where the threshold comes from):
//
//   POST  /services/data/vXX.X/jobs/ingest          { object: "Case", externalIdFieldName, contentType: "CSV",
//                                                     operation: "upsert", lineEnding: "LF" }   -> { id, state: "Open" }
//   PUT   /services/data/vXX.X/jobs/ingest/{id}/batches      (text/csv)                          -> 201
//   PATCH /services/data/vXX.X/jobs/ingest/{id}     { state: "UploadComplete" }
//   GET   /services/data/vXX.X/jobs/ingest/{id}     until JobComplete, Failed or Aborted (1 s, x1.5, at most 5 s)
//   GET   .../successfulResults   "sf__Id","sf__Created",<columns>
//   GET   .../failedResults       "sf__Id","sf__Error",<columns>    (sf__Error: "CODE:message:fields --")
//
// Every record gets one result, matched by its key column (the ticket id): success with the Case Id and whether it
// was created; failure with Salesforce's code, message and fields; a record in neither file of a job that Failed
// or was Aborted fails with the job's errorMessage (BULK_JOB_FAILED / BULK_JOB_ABORTED). An upsert by external id is
// idempotent, so the caller re-sends retriable failures (through Collections) and a later apply re-sends the rest.
// A job that does not finish within `timeoutMs` is aborted (best effort) and reported as an error: apply then
// looks the Cases up by key, as for any write whose outcome is unknown.
//
// CSV cells: null and "" become #N/A (Bulk API 2.0 sets the field to null; an empty cell would leave it as it
// is), a field a record does not carry is an empty cell (left as it is, as in a Collections upsert).
import type { Scalar } from '../model/config.js';
import { isRecord } from '../util/data.js';
import { ZdsfError } from '../util/errors.js';
import type { CaseUpsertResult, SfRecordError } from './case-writer.js';
import { parseCsv } from './csv.js';

/** One HTTP exchange with Salesforce, retried by the caller's transport on 5xx and network failures. */
export interface SfHttpAnswer {
  status: number;
  text: string;
}
export type SfHttp = (method: string, path: string, body: string | undefined, contentType: string) => Promise<SfHttpAnswer>;

export interface BulkIngestOptions {
  sleep: (ms: number) => Promise<void>;
  now?: () => number;
  /** first status check after this long; then 1.5 times longer each, up to maxPollIntervalMs; default 1000 */
  pollIntervalMs?: number;
  /** default 5000 (Data Loader's own interval) */
  maxPollIntervalMs?: number;
  /** a job not finished after this long is aborted and reported; default 30 minutes */
  timeoutMs?: number;
}

/** A job's CSV stays under Bulk API 2.0's 150 MB upload limit with this margin; a larger one is split in two. */
export const MAX_CSV_BYTES = 100 * 1024 * 1024;

export interface BulkJobRun {
  results: CaseUpsertResult[];
  /** the job ids, in order */
  jobs: string[];
}

function cell(v: Scalar | undefined): string {
  if (v === undefined) return '';
  if (v === null || v === '') return '#N/A';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The upload CSV: the key column first, then every other field of any record, in first-seen order. */
export function ingestCsv(keyField: string, records: readonly Record<string, Scalar>[]): string {
  const columns = [keyField];
  const seen = new Set([keyField]);
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  const lines = [columns.join(',')];
  for (const r of records) lines.push(columns.map((c) => cell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** `REQUIRED_FIELD_MISSING:Required fields are missing: [Subject]:Subject --` -> code, message, fields. */
export function parseSfError(text: string): SfRecordError {
  const t = text.replace(/\s*--\s*$/, '').trim();
  const colon = t.indexOf(':');
  if (colon < 0 || !/^[A-Z_]+$/.test(t.slice(0, colon))) return { statusCode: 'UNKNOWN_ERROR', message: t, fields: [] };
  const statusCode = t.slice(0, colon);
  let message = t.slice(colon + 1);
  let fields: string[] = [];
  const last = message.lastIndexOf(':');
  if (last >= 0 && /^[A-Za-z0-9_, ]*$/.test(message.slice(last + 1))) {
    fields = message.slice(last + 1).split(',').map((f) => f.trim()).filter(Boolean);
    message = message.slice(0, last);
  }
  return { statusCode, message: message.trim(), fields };
}

/** Rows of a results CSV as objects by header. */
function rowsOf(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function answerError(a: SfHttpAnswer, what: string): SfRecordError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.text);
  } catch {
    parsed = undefined;
  }
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (isRecord(first)) {
    const code = typeof first.errorCode === 'string' ? first.errorCode : 'UNKNOWN_ERROR';
    return { statusCode: code, message: `${what}: ${typeof first.message === 'string' ? first.message : JSON.stringify(first)}`, fields: [] };
  }
  return { statusCode: `HTTP_${a.status}`, message: `${what}: ${a.text.slice(0, 300)}`, fields: [] };
}

function jsonOf(a: SfHttpAnswer): Record<string, unknown> {
  try {
    const v = JSON.parse(a.text) as unknown;
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * Upserts `records` through one Bulk API 2.0 ingest job (two when the CSV would pass MAX_CSV_BYTES), one result
 * per record in order. Throws when the job's outcome cannot be known (no answer, a timeout).
 */
export async function bulkUpsert(http: SfHttp, apiVersion: string, keyField: string, records: readonly Record<string, Scalar>[], options: BulkIngestOptions): Promise<BulkJobRun> {
  const csv = ingestCsv(keyField, records);
  if (Buffer.byteLength(csv) > MAX_CSV_BYTES && records.length > 1) {
    const half = Math.ceil(records.length / 2);
    const a = await bulkUpsert(http, apiVersion, keyField, records.slice(0, half), options);
    const b = await bulkUpsert(http, apiVersion, keyField, records.slice(half), options);
    return { results: [...a.results, ...b.results], jobs: [...a.jobs, ...b.jobs] };
  }
  const keys = records.map((r) => String(r[keyField]));
  const failAll = (e: SfRecordError, jobs: string[] = []): BulkJobRun => ({ results: keys.map((key) => ({ key, ok: false, errors: [e], attempts: 1 })), jobs });
  const base = `/services/data/v${apiVersion}/jobs/ingest`;

  const created = await http('POST', base, JSON.stringify({ object: 'Case', externalIdFieldName: keyField, contentType: 'CSV', operation: 'upsert', lineEnding: 'LF' }), 'application/json');
  if (created.status >= 300) return failAll(answerError(created, 'Salesforce refused the Bulk API 2.0 ingest job'));
  const id = jsonOf(created).id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9]{15,18}$/.test(id)) throw new ZdsfError(`Salesforce answered the Bulk API 2.0 job creation without a job id: ${created.text.slice(0, 200)}`, 'salesforce_error');
  const jobs = [id];
  const uploaded = await http('PUT', `${base}/${id}/batches`, csv, 'text/csv');
  if (uploaded.status >= 300) {
    await http('PATCH', `${base}/${id}`, JSON.stringify({ state: 'Aborted' }), 'application/json').catch(() => undefined);
    return failAll(answerError(uploaded, `Salesforce refused the upload of Bulk API 2.0 job ${id}`), jobs);
  }
  const closed = await http('PATCH', `${base}/${id}`, JSON.stringify({ state: 'UploadComplete' }), 'application/json');
  if (closed.status >= 300) return failAll(answerError(closed, `Salesforce refused to close Bulk API 2.0 job ${id}`), jobs);

  const now = options.now ?? Date.now;
  const started = now();
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  let wait = options.pollIntervalMs ?? 1000;
  let info: Record<string, unknown>;
  for (;;) {
    await options.sleep(wait);
    const a = await http('GET', `${base}/${id}`, undefined, 'application/json');
    if (a.status >= 300) throw new ZdsfError(`Salesforce answered ${a.status} to the status check of Bulk API 2.0 job ${id}: ${answerError(a, 'status').message}`, 'salesforce_error');
    info = jsonOf(a);
    if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted') break;
    if (now() - started > timeoutMs) {
      await http('PATCH', `${base}/${id}`, JSON.stringify({ state: 'Aborted' }), 'application/json').catch(() => undefined);
      throw new ZdsfError(`Bulk API 2.0 job ${id} was still ${String(info.state)} after ${Math.round(timeoutMs / 1000)} s: aborted. Upserts are keyed by ${keyField}: running apply again is safe.`, 'salesforce_error');
    }
    wait = Math.min(Math.round(wait * 1.5), options.maxPollIntervalMs ?? 5000);
  }

  const byKey = new Map<string, CaseUpsertResult>();
  const ok = await http('GET', `${base}/${id}/successfulResults`, undefined, 'text/csv');
  if (ok.status < 300) {
    for (const row of rowsOf(ok.text)) byKey.set(row[keyField], { key: row[keyField], ok: true, id: row.sf__Id, created: row.sf__Created === 'true', errors: [], attempts: 1 });
  }
  const failed = await http('GET', `${base}/${id}/failedResults`, undefined, 'text/csv');
  if (failed.status < 300) {
    for (const row of rowsOf(failed.text)) {
      const errors = row.sf__Error.split(/\s*--\s*/).filter((s) => s.trim() !== '').map(parseSfError);
      byKey.set(row[keyField], { key: row[keyField], ok: false, errors, attempts: 1 });
    }
  }
  const jobError: SfRecordError =
    info.state === 'JobComplete'
      ? { statusCode: 'NO_RESULT', message: `Bulk API 2.0 job ${id} completed without a result for this record`, fields: [] }
      : { statusCode: info.state === 'Failed' ? 'BULK_JOB_FAILED' : 'BULK_JOB_ABORTED', message: `Bulk API 2.0 job ${id} ${String(info.state)}${typeof info.errorMessage === 'string' && info.errorMessage ? `: ${info.errorMessage}` : ''}; the record was not processed`, fields: [] };
  return { results: keys.map((key) => byKey.get(key) ?? { key, ok: false, errors: [jobError], attempts: 1 }), jobs };
}
