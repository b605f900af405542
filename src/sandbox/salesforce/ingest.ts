// Bulk API 2.0 ingest jobs for the sandbox's Salesforce (issue 18: zdsf upserts Cases through one when a sync has
// many case changes), in Salesforce's shapes:
//
//   POST   /services/data/vXX.X/jobs/ingest               { object, operation: upsert, externalIdFieldName, contentType: CSV }
//          -> 200 { id: "750…", state: "Open", contentUrl: "services/data/vXX.X/jobs/ingest/750…/batches", … }
//   PUT    /services/data/vXX.X/jobs/ingest/{id}/batches  text/csv  -> 201 (one upload a job, as zdsf sends)
//   PATCH  /services/data/vXX.X/jobs/ingest/{id}          { state: UploadComplete | Aborted }
//   GET    /services/data/vXX.X/jobs/ingest/{id}          UploadComplete -> InProgress -> JobComplete | Failed
//   GET    …/{id}/successfulResults    "sf__Id","sf__Created",<columns>
//   GET    …/{id}/failedResults        "sf__Id","sf__Error",<columns>   sf__Error: "CODE:message:fields --"
//   GET    …/{id}/unprocessedrecords   <columns>
//   DELETE /services/data/vXX.X/jobs/ingest/{id}          -> 204
//
// The rows are upserted through writes.ts (the same checks and errors as sObject Collections). A CSV header
// naming no field of the object, or a key field that is no external id, fails the job (state Failed,
// errorMessage "InvalidBatch : …"), every row unprocessed, as Salesforce does.
//
// Processing delay: with `delayMs` the job is processed on the first status check at least delayMs(records) after
// UploadComplete (InProgress before), a model of Salesforce's queue and batch processing (the bench sets it);
// without it, as the sandbox's query jobs, the first check answers InProgress and the second JobComplete.
// Differs on purpose: only upsert (insert / update / delete jobs answer 400), only CSV, one upload a job.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { parseCsv } from '../../salesforce/csv.js';
import type { IngestOutcome, SalesforceWrites } from './writes.js';

export interface IngestJobsOptions {
  writes: SalesforceWrites;
  newId: (prefix: string) => string;
  now: () => Date;
  userId: string;
  /** processing time of a job of n records after UploadComplete, in ms; absent: one state per status check */
  delayMs?: (records: number) => number;
  /** the clock of delayMs; default Date.now */
  clock?: () => number;
}

interface IngestJob {
  id: string;
  object: string;
  externalIdFieldName: string;
  apiVersion: number;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  createdDate: string;
  csv?: string;
  uploadedAt?: number;
  checks: number;
  header: string[];
  rows: Record<string, string>[];
  outcomes?: IngestOutcome[];
  errorMessage?: string;
}

export interface IngestJobs {
  route(req: SandboxRequest, version: string, rest: string[]): SandboxResponse;
  reset(): void;
}

const json = (status: number, body: unknown): SandboxResponse => ({ status, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body });
const sfError = (status: number, errorCode: string, message: string): SandboxResponse => json(status, [{ errorCode, message }]);
const sfDateTime = (d: Date): string => d.toISOString().replace('Z', '+0000');

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

function body(req: SandboxRequest): Record<string, unknown> {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) return req.body as Record<string, unknown>;
  try {
    const v = JSON.parse(req.rawBody || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function createIngestJobs(options: IngestJobsOptions): IngestJobs {
  const jobs = new Map<string, IngestJob>();
  const clock = options.clock ?? Date.now;

  function info(job: IngestJob, v: string): Record<string, unknown> {
    const failed = job.outcomes?.filter((o) => !o.ok).length ?? 0;
    return {
      id: job.id,
      operation: 'upsert',
      object: job.object,
      createdById: options.userId,
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state: job.state,
      externalIdFieldName: job.externalIdFieldName,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      jobType: 'V2Ingest',
      contentUrl: `services/data/v${v}/jobs/ingest/${job.id}/batches`,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: job.outcomes?.length ?? 0,
      numberRecordsFailed: failed,
      retries: 0,
      totalProcessingTime: job.outcomes ? 1 : 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  function process(job: IngestJob): void {
    const out = options.writes.ingestUpsert(job.object, job.externalIdFieldName, job.rows);
    if (typeof out === 'string') {
      job.state = 'Failed';
      job.errorMessage = out;
      return;
    }
    job.outcomes = out;
    job.state = 'JobComplete';
  }

  function check(job: IngestJob): void {
    if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
    job.checks += 1;
    const ready = options.delayMs ? clock() - (job.uploadedAt ?? 0) >= options.delayMs(job.rows.length) : job.checks >= 2;
    if (ready) process(job);
    else job.state = 'InProgress';
  }

  function create(req: SandboxRequest, v: string): SandboxResponse {
    const b = body(req);
    if (b.operation !== 'upsert') return sfError(400, 'INVALIDJOB', `InvalidJob : the sandbox's ingest jobs are upserts, not '${String(b.operation)}'`);
    if (typeof b.object !== 'string' || !b.object) return sfError(400, 'INVALIDJOB', 'InvalidJob : object is required');
    if (typeof b.externalIdFieldName !== 'string' || !b.externalIdFieldName) return sfError(400, 'INVALIDJOB', 'InvalidJob : External ID was blank for an upsert operation');
    if (b.contentType !== undefined && b.contentType !== 'CSV') return sfError(400, 'INVALIDJOB', `InvalidJob : contentType ${String(b.contentType)} is not supported (CSV)`);
    const job: IngestJob = { id: options.newId('750'), object: b.object, externalIdFieldName: b.externalIdFieldName, apiVersion: Number(v), state: 'Open', createdDate: sfDateTime(options.now()), checks: 0, header: [], rows: [] };
    jobs.set(job.id, job);
    return json(200, info(job, v));
  }

  function upload(req: SandboxRequest, job: IngestJob): SandboxResponse {
    if (job.state !== 'Open') return sfError(409, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} is ${job.state}: data can be uploaded only while it is Open`);
    if (job.csv !== undefined) return sfError(400, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} already has its data (one upload a job)`);
    const text = req.rawBody ?? '';
    const [header, ...rows] = parseCsv(text);
    if (!header || header.length === 0 || header.every((h) => h.trim() === '')) return sfError(400, 'INVALIDBATCH', 'InvalidBatch : the CSV has no header line');
    job.csv = text;
    job.header = header;
    job.rows = rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
    return { status: 201, headers: {}, text: '' };
  }

  function results(job: IngestJob, kind: string): SandboxResponse {
    if (job.state !== 'JobComplete' && job.state !== 'Failed' && job.state !== 'Aborted') {
      return sfError(400, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} is ${job.state}: results are available once it is JobComplete, Failed or Aborted`);
    }
    const lines: string[] = [];
    const values = (row: Record<string, string>): string[] => job.header.map((h) => cell(row[h]));
    if (kind === 'successfulResults') {
      lines.push(['sf__Id', 'sf__Created', ...job.header].map(cell).join(','));
      job.outcomes?.forEach((o, i) => {
        if (o.ok) lines.push([cell(o.id), cell(o.created === true ? 'true' : 'false'), ...values(job.rows[i])].join(','));
      });
    } else if (kind === 'failedResults') {
      lines.push(['sf__Id', 'sf__Error', ...job.header].map(cell).join(','));
      job.outcomes?.forEach((o, i) => {
        if (!o.ok) lines.push([cell(''), cell(o.errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.join(',')} --`).join(' ')), ...values(job.rows[i])].join(','));
      });
    } else {
      lines.push(job.header.map(cell).join(','));
      if (!job.outcomes) for (const r of job.rows) lines.push(values(r).join(','));
    }
    return { status: 200, headers: { 'Content-Type': 'text/csv' }, text: `${lines.join('\n')}\n` };
  }

  return {
    route(req, v, rest) {
      if (rest.length === 0) {
        if (req.method === 'POST') return create(req, v);
        if (req.method === 'GET') return json(200, { done: true, records: [...jobs.values()].map((j) => info(j, v)), nextRecordsUrl: null });
        return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,POST`);
      }
      const job = jobs.get(rest[0]);
      if (!job) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (rest.length === 2 && rest[1] === 'batches' && req.method === 'PUT') return upload(req, job);
      if (rest.length === 2 && req.method === 'GET' && ['successfulResults', 'failedResults', 'unprocessedrecords'].includes(rest[1])) return results(job, rest[1]);
      if (rest.length !== 1) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (req.method === 'GET') {
        check(job);
        return json(200, info(job, v));
      }
      if (req.method === 'DELETE') {
        jobs.delete(job.id);
        return { status: 204 };
      }
      if (req.method === 'PATCH') {
        const state = body(req).state;
        if (state === 'Aborted') {
          if (job.state === 'JobComplete' || job.state === 'Failed') return sfError(400, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} is ${job.state} and cannot be aborted`);
          job.state = 'Aborted';
          return json(200, info(job, v));
        }
        if (state === 'UploadComplete') {
          if (job.state !== 'Open') return sfError(400, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} is ${job.state}, not Open`);
          if (job.csv === undefined) return sfError(400, 'INVALIDJOBSTATE', `InvalidJobState : Job ${job.id} has no data: upload its CSV first`);
          job.state = 'UploadComplete';
          job.uploadedAt = clock();
          return json(200, info(job, v));
        }
        return sfError(400, 'INVALIDJOB', `InvalidJob : state can be changed to UploadComplete or Aborted, not '${String(state)}'`);
      }
      return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed`);
    },
    reset() {
      jobs.clear();
    },
  };
}
