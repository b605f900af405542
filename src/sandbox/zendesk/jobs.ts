// Zendesk's background jobs: bulk endpoints answer `{ job_status }` at once and do their writes later.
// A job moves queued -> working -> completed, one step per poll of GET /job_statuses/{id} (deterministic for
// tests), or by time with `jobDelayMs`; its writes happen when it completes, earlier jobs first.
import { randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../http.js';
import { isRecord } from './records.js';
import { badRequest, ids, json, notFound, type Outcome } from './responses.js';
import type { Router } from './router.js';

export const BULK_LIMIT = 100;

export interface JobResult {
  [k: string]: unknown;
  success: boolean;
}

interface Job {
  id: string;
  job_type: string;
  total: number;
  status: 'queued' | 'working' | 'completed';
  progress: number | null;
  results: JobResult[] | null;
  message: string | null;
  createdAt: number;
  polls: number;
  run: () => JobResult[];
}

export interface JobEngineOptions {
  base: () => string;
  now: () => number;
  /** see ZendeskEmulatorOptions.jobDelayMs */
  jobDelayMs?: number;
}

export class JobEngine {
  private jobs = new Map<string, Job>();
  created = 0;

  constructor(private readonly options: JobEngineOptions) {}

  clear(): void {
    this.jobs = new Map();
    this.created = 0;
  }

  pending(): number {
    return [...this.jobs.values()].filter((j) => j.status !== 'completed').length;
  }

  /** queues a job whose `run` does the writes and returns one result per item; answers `{ job_status }` */
  queue(jobType: string, total: number, run: () => JobResult[]): SandboxResponse {
    const job: Job = { id: randomBytes(16).toString('hex'), job_type: jobType, total, status: 'queued', progress: null, results: null, message: null, createdAt: this.options.now(), polls: 0, run };
    this.jobs.set(job.id, job);
    this.created++;
    if (this.options.jobDelayMs === 0) this.complete(job);
    return json(200, { job_status: this.out(job) });
  }

  /** completes every pending job, in the order they were queued */
  settle(): void {
    for (const job of this.jobs.values()) if (job.status !== 'completed') this.complete(job);
  }

  /** with jobDelayMs: completes the jobs whose time is up (before any request is answered) */
  settleDue(): void {
    const delay = this.options.jobDelayMs;
    if (delay === undefined) return;
    for (const job of this.jobs.values()) if (job.status !== 'completed' && this.options.now() - job.createdAt >= delay) this.complete(job);
  }

  routes(router: Router): void {
    router.on('GET', 'job_statuses', () => {
      const list = [...this.jobs.values()].reverse().slice(0, 100);
      for (const j of list) this.advance(j);
      return json(200, { job_statuses: list.map((j) => this.out(j)) });
    });
    router.on('GET', 'job_statuses/show_many', (req) => {
      const wanted = ids(req.url.searchParams.get('ids'));
      const list = wanted.map((id) => this.jobs.get(id)).filter((j): j is Job => j !== undefined);
      for (const j of list) this.advance(j);
      return json(200, { job_statuses: list.map((j) => this.out(j)) });
    });
    router.on('GET', 'job_statuses/:job', (_req, [id]) => {
      const j = this.jobs.get(id);
      if (!j) return notFound();
      this.advance(j);
      return json(200, { job_status: this.out(j) });
    });
  }

  private out(j: Job): Record<string, unknown> {
    return {
      id: j.id,
      job_type: j.job_type,
      url: `${this.options.base()}/api/v2/job_statuses/${j.id}.json`,
      total: j.total,
      progress: j.progress,
      status: j.status,
      message: j.message,
      results: j.results,
    };
  }

  private complete(job: Job): void {
    if (job.status === 'completed') return;
    for (const earlier of this.jobs.values()) {
      if (earlier === job) break;
      if (earlier.status !== 'completed') this.finish(earlier);
    }
    this.finish(job);
  }

  private finish(job: Job): void {
    job.results = job.run();
    job.status = 'completed';
    job.progress = job.total;
    job.message = `Completed at ${new Date(this.options.now()).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' +0000')}`;
  }

  private advance(job: Job): void {
    if (job.status === 'completed') return;
    const delay = this.options.jobDelayMs;
    if (delay !== undefined) {
      const elapsed = this.options.now() - job.createdAt;
      if (elapsed >= delay) this.complete(job);
      else if (elapsed >= delay / 2) this.toWorking(job);
      return;
    }
    job.polls++;
    if (job.polls === 1) this.toWorking(job);
    else this.complete(job);
  }

  private toWorking(job: Job): void {
    job.status = 'working';
    job.progress = Math.floor(job.total / 2);
  }
}

/** one item of a job's results */
export function jobResult<T extends { id: number }>(index: number, o: Outcome<T>, extra: (v: T) => Record<string, unknown> = () => ({})): JobResult {
  if (o.ok) {
    const status = o.action === 'create' ? 'Created' : o.action === 'update' ? 'Updated' : 'Deleted';
    return { index, id: o.value.id, action: o.action, status, success: true, ...extra(o.value) };
  }
  const descriptions = Object.values(o.details).flat().map((d) => d.description);
  return { index, error: o.error, details: descriptions.join('; '), success: false };
}

/** the array under `key` of a bulk body, or the response refusing it */
export function bulkItems(body: unknown, key: string): Record<string, unknown>[] | SandboxResponse {
  const list = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(list) || !list.every(isRecord)) {
    return badRequest('InvalidParameter', `The request body must be {"${key}": [ ... ]}, an array of objects.`);
  }
  if (list.length > BULK_LIMIT) return tooMany(list.length);
  return list as Record<string, unknown>[];
}

// Zendesk documents "up to 100" records per bulk request; the exact error body for more is not in the OAS:
// the sandbox answers 400 TooManyRecords.
export const tooMany = (n: number): SandboxResponse =>
  badRequest('TooManyRecords', `Too many records: ${n} sent, a bulk request accepts at most ${BULK_LIMIT}.`);
