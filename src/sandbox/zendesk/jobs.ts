// Zendesk's background jobs: bulk endpoints answer `{ job_status }` at once and do their writes later.
// A job moves queued -> working -> completed, one step per poll of GET /job_statuses/{id} (deterministic for
// tests), or by time with `jobDelayMs`. When it starts working it writes the first half of its items (live
// jobs report `progress` and a `message` such as "Creating organization #31" meanwhile); it writes the rest
// when it completes. Earlier jobs always finish first. Results are shaped as live Zendesk answers them
// (recorded exchanges in test/contract/fixtures/live/): creates `{ id, status: "Created" }`, updates and
// deletes `{ id, action, status, success: true }`, failures `{ index, error, id?, details }`.
import { randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../http.js';
import { isRecord } from './records.js';
import { badRequest, ids, json, notFound, type Outcome } from './responses.js';
import type { Router } from './router.js';

export const BULK_LIMIT = 100;

export interface JobResult {
  [k: string]: unknown;
}

/** one item of a job: does its write and returns its result */
export type JobStep = () => JobResult;

interface Job {
  id: string;
  job_type: string;
  /** "Creating organization": the working message is `${verb} #${progress}` */
  verb: string;
  total: number;
  status: 'queued' | 'working' | 'completed';
  results: JobResult[];
  message: string | null;
  createdAt: number;
  polls: number;
  steps: JobStep[];
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

  /** queues a job of one step per item (each does its write and returns its result); answers `{ job_status }` */
  queue(jobType: string, verb: string, steps: JobStep[]): SandboxResponse {
    const job: Job = { id: `V3-${randomBytes(16).toString('hex')}`, job_type: jobType, verb, total: steps.length, status: 'queued', results: [], message: null, createdAt: this.options.now(), polls: 0, steps };
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
      progress: j.status === 'queued' ? null : j.results.length,
      status: j.status,
      message: j.message,
      results: j.status === 'completed' ? j.results : null,
    };
  }

  private finishEarlier(job: Job): void {
    for (const earlier of this.jobs.values()) {
      if (earlier === job) break;
      if (earlier.status !== 'completed') this.finish(earlier);
    }
  }

  private complete(job: Job): void {
    if (job.status === 'completed') return;
    this.finishEarlier(job);
    this.finish(job);
  }

  /** runs the steps not run yet */
  private runTo(job: Job, count: number): void {
    while (job.results.length < Math.min(count, job.steps.length)) job.results.push(job.steps[job.results.length]());
  }

  private finish(job: Job): void {
    this.runTo(job, job.steps.length);
    job.status = 'completed';
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
    if (job.status !== 'queued') return;
    this.finishEarlier(job);
    job.status = 'working';
    this.runTo(job, Math.floor(job.total / 2));
    job.message = `${job.verb} #${job.results.length}`;
  }
}

/** one item of a job's results, as live Zendesk shapes it: a create `{ id, status: "Created" }`; an update or
 * delete `{ id, action, status, success: true }`; a failure `{ index, error, id, details }` (`id` when the item
 * named an existing record). `failure` overrides the error code (live org updates say OrganizationUpdateFailed). */
export function jobResult<T extends { id: number }>(index: number, o: Outcome<T>, options: { id?: number; failure?: string } = {}): JobResult {
  if (o.ok) {
    if (o.action === 'create') return { id: o.value.id, status: 'Created' } as JobResult;
    return { id: o.value.id, action: o.action, status: o.action === 'update' ? 'Updated' : 'Deleted', success: true };
  }
  const descriptions = Object.values(o.details).flat().map((d) => d.description);
  const error = o.status === 422 && options.failure ? options.failure : o.error;
  return { index, error, ...(options.id !== undefined ? { id: options.id } : {}), details: descriptions.join('; ') } as JobResult;
}

/** the array under `key` of a bulk body, or the response refusing it */
export function bulkItems(body: unknown, key: string, verb = 'created'): Record<string, unknown>[] | SandboxResponse {
  const list = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(list) || !list.every(isRecord)) {
    return badRequest('InvalidParameter', `The request body must be {"${key}": [ ... ]}, an array of objects.`);
  }
  if (list.length > BULK_LIMIT) return tooMany(key, verb);
  return list as Record<string, unknown>[];
}

/** More than 100 records or ids in one request, as live Zendesk answers it (recorded: organizations
 * `{ error, description, max_count }`, users create_many `{ error, description }`). */
export function tooMany(resource: string, verb = 'created'): SandboxResponse {
  if (resource === 'users') return json(400, { error: 'TooManyValues', description: `Maximum ${BULK_LIMIT} users may be ${verb} per call` });
  return json(400, { error: 'TooManyValues', description: 'Parameter  cannot specify more than 100 values', max_count: BULK_LIMIT });
}
