// Writes to one Zendesk instance with its bulk endpoints (100 records a request), follows every job
// status to the end and turns the job's results into one WriteResult per record of the caller's array.
// Per-record failures are reported, not thrown; it throws only when the instance cannot be used at all
// (unreachable, 401, 403 other than the bulk-import fallback).
// Over ~400 lines on purpose: the write methods are one closure over the instance's transport, the job
// following and the bulk-import fallback flag, and share its batching (inBatches), jobs (sendJob) and recovery
// of lost answers (recoverTaken, recoverUnknown, createRecovered, findRecords); split, that state would be passed
// between files. The pure job-result mapping (extractJobStatus, mapJobResults) is the seam if it grows further.
import type { ZendeskInstance } from '../model/config.js';
import type { Logger, OrganizationWrite, Progress, TargetWriter, UserWrite, WriteResult } from '../model/ports.js';
import { silentProgress } from '../model/ports.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { ZdsfError } from '../util/errors.js';
import { createZendeskApi, type NzResult, type ZendeskApi } from './client.js';
import { paginate, toMembership, toOrganization, toUser } from './pagination.js';
import type { TransportOptions } from './transport.js';
import { describeZendeskError, OutcomeUnknownError, ZendeskHttpError, ZendeskTransport } from './transport.js';
import { isRecord, chunk } from '../util/data.js';
import { MAX_JOBS_IN_FLIGHT } from './budget.js';
import { pollInterval } from '../util/job-cadence.js';
import { JobPoller, type PolledJob } from './job-poller.js';
import { redactText } from '../util/redact.js';
import { createField, listFields, putFieldOptions } from './field-writer.js';

export interface ZendeskWriterOptions extends TransportOptions {
  /** share a transport (and its rate-limit budget) with a reader; default: a new one for the instance */
  transport?: ZendeskTransport;
  /** records a request, default 100 (Zendesk's maximum) */
  batchSize?: number;
  /** first wait between rounds of job status polls (and before a lookup), growing 1.5x up to maxPollIntervalMs
   * while no job moves; default from the budget: 10 % of the per-minute limit for polls, 200 to 1 000 ms
   * (pollInterval) */
  pollIntervalMs?: number;
  /** default 10 000 ms */
  maxPollIntervalMs?: number;
  /** give up following one job after this long (its records are then reported OutcomeUnknown), default 30 min */
  jobTimeoutMs?: number;
  /** lookups after a create whose outcome is unknown, default 3 (with growing waits, the job may still run) */
  lookupAttempts?: number;
  /**
   * rounds of look-up-then-send-again for a create whose outcome stays unknown, default 3 (issue 14: under 50 %
   * injected 5xx one re-send left a quarter of the batches failed, and an apply could not converge in two runs)
   */
  resendRounds?: number;
  /** batches failing in a row (5xx / 429 after retries) before the rest is skipped, default 3 */
  maxConsecutiveBatchFailures?: number;
  /** bulk requests whose jobs are followed at the same time, default transport.budget.concurrency() (1 to 25) */
  jobsInFlight?: number;
  progress?: Progress;
  logger?: Logger;
}

export interface JobStatus {
  id: string;
  status: string;
  message?: string | null;
  results?: unknown;
  total?: number | null;
  progress?: number | null;
}

/** One record of a batch: where it is in the caller's array, and its id for update / delete jobs. */
interface BatchItem {
  index: number;
  id?: number;
}

const TERMINAL = new Set(['completed', 'failed', 'killed']);

// the poll cadence is shared with the plan's estimate (src/apply/estimate.ts)
export { POLL_SHARE, pollInterval } from '../util/job-cadence.js';

/** `{ job_status: {...} }` (or the job status itself) -> JobStatus, or null. */
export function extractJobStatus(body: unknown): JobStatus | null {
  const raw = isRecord(body) && isRecord(body.job_status) ? body.job_status : body;
  if (!isRecord(raw) || raw.id === undefined || typeof raw.status !== 'string') return null;
  return {
    id: String(raw.id),
    status: raw.status,
    message: typeof raw.message === 'string' ? raw.message : null,
    results: raw.results,
    total: typeof raw.total === 'number' ? raw.total : null,
    progress: typeof raw.progress === 'number' ? raw.progress : null,
  };
}

function describeItemFailure(r: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof r.error === 'string' && r.error) parts.push(r.error);
  const details = r.details;
  if (typeof details === 'string' && details) parts.push(details);
  else if (details !== undefined && details !== null) parts.push(describeZendeskError({ details }));
  if (typeof r.errors === 'string' && r.errors) parts.push(r.errors);
  else if (Array.isArray(r.errors) || isRecord(r.errors)) parts.push(JSON.stringify(r.errors));
  if (!parts.length && typeof r.status === 'string') parts.push(r.status);
  return redactText(parts.join(': ')) || 'failed without a reason';
}

function itemFailed(r: Record<string, unknown>): boolean {
  if (r.success === false) return true;
  if (typeof r.status === 'string' && /fail|error/i.test(r.status)) return true;
  if (typeof r.error === 'string' && r.error !== '') return true;
  if (isRecord(r.error)) return true;
  if (typeof r.errors === 'string' && r.errors !== '') return true;
  return false;
}

function defaultStatus(r: Record<string, unknown>): string {
  if (typeof r.status === 'string' && r.status) return r.status;
  if (r.action === 'update') return 'Updated';
  if (r.action === 'delete') return 'Deleted';
  if (typeof r.action === 'string' && r.action) return r.action;
  return 'Created';
}

/**
 * Maps a finished job's results back to the batch, as live Zendesk answers them:
 * - failures carry the item's `index` ({ index, error, id?, details }): matched by index first;
 * - update / delete results carry the record's `id` ({ id, action, status, success }, no index): matched by id;
 * - create results carry neither ({ id, status }): matched, in order, to the items no result claimed yet
 *   (Zendesk answers in request order; a failure listed before or after them does not shift them).
 */
export function mapJobResults(job: JobStatus, batch: BatchItem[]): WriteResult[] {
  // not `new Array(n)`: map() would skip its holes
  const out: (WriteResult | undefined)[] = Array.from({ length: batch.length }, () => undefined);
  const results = (Array.isArray(job.results) ? job.results : []).filter(isRecord);
  const byId = new Map<number, number[]>();
  batch.forEach((item, local) => {
    if (item.id !== undefined) byId.set(item.id, [...(byId.get(item.id) ?? []), local]);
  });
  const hasIds = byId.size > 0;
  const place = (raw: Record<string, unknown>, local: number): void => {
    const failed = itemFailed(raw);
    const result: WriteResult = { index: batch[local].index, ok: !failed, status: failed ? 'Failed' : defaultStatus(raw) };
    const id = hasIds ? batch[local].id : typeof raw.id === 'number' ? raw.id : undefined;
    if (id !== undefined && (!failed || hasIds)) result.id = id;
    if (failed) result.error = describeItemFailure(raw);
    out[local] = result;
  };
  const unplaced: Record<string, unknown>[] = [];
  for (const raw of results) {
    if (typeof raw.index === 'number' && Number.isInteger(raw.index) && raw.index >= 0 && raw.index < batch.length && out[raw.index] === undefined) place(raw, raw.index);
    else unplaced.push(raw);
  }
  for (const raw of unplaced) {
    let local: number | undefined;
    if (hasIds) {
      if (typeof raw.id === 'number') local = byId.get(raw.id)?.find((l) => out[l] === undefined);
    } else local = out.findIndex((r) => r === undefined);
    if (local !== undefined && local >= 0) place(raw, local);
  }
  return out.map((r, local) => {
    if (r) return r;
    const base: WriteResult = { index: batch[local].index, ok: false };
    if (batch[local].id !== undefined) base.id = batch[local].id;
    if (job.status === 'completed') return { ...base, status: 'Missing', error: `Zendesk job ${job.id} completed without a result for this record` };
    if (job.status === 'timeout')
      return { ...base, status: 'OutcomeUnknown', error: `Zendesk job ${job.id} had not finished when zdsf stopped waiting; run plan again to see what was done` };
    return { ...base, status: 'Failed', error: `Zendesk job ${job.id} ${job.status}${job.message ? `: ${job.message}` : ''}` };
  });
}

export interface ZendeskWriter extends TargetWriter {
  readonly transport: ZendeskTransport;
  /** whether users/create_or_update_many answered 403 (bulk import off) and single requests are used */
  readonly bulkImportDisabled: boolean;
}

export function createZendeskWriter(instance: ZendeskInstance, options: ZendeskWriterOptions = {}): ZendeskWriter {
  const transport = options.transport ?? new ZendeskTransport(instance, options);
  const api: ZendeskApi = createZendeskApi(transport);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const batchSize = Math.max(1, Math.min(100, options.batchSize ?? 100));
  // the first wait of a lookup after an unknown outcome; job polls take theirs from the budget (pollInterval)
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const maxPollIntervalMs = options.maxPollIntervalMs ?? 10_000;
  const jobTimeoutMs = options.jobTimeoutMs ?? 30 * 60_000;
  const lookupAttempts = Math.max(1, options.lookupAttempts ?? 3);
  const resendRounds = Math.max(1, options.resendRounds ?? 3);
  const maxConsecutive = Math.max(1, options.maxConsecutiveBatchFailures ?? 3);
  const jobsInFlight = (): number => Math.max(1, Math.min(MAX_JOBS_IN_FLIGHT, options.jobsInFlight ?? transport.budget.concurrency())); // #12: sized from the budget
  const progress = options.progress ?? silentProgress;
  const logger = options.logger;
  let bulkImportDisabled = false;

  // Every job in flight is followed by one poller: a round asks job_statuses/show_many for all of them (#12)
  const poller = new JobPoller<JobStatus & PolledJob>({
    one: async (id) => extractJobStatus((await api.jobStatus(id)).result) as (JobStatus & PolledJob) | null,
    many: async (ids) => {
      const { body } = await transport.get('/job_statuses/show_many.json', { ids: ids.join(',') });
      const list = isRecord(body) && Array.isArray(body.job_statuses) ? body.job_statuses : [];
      return list.map((j) => extractJobStatus(j)).filter((j): j is JobStatus & PolledJob => j !== null);
    },
    isDone: (job) => TERMINAL.has(job.status),
    sleep,
    now,
    intervalMs: () => options.pollIntervalMs ?? pollInterval(transport.budget.effectiveLimitPerMinute),
    maxIntervalMs: maxPollIntervalMs,
    timeoutMs: jobTimeoutMs,
    final: (err) => (err instanceof ZendeskHttpError && err.status >= 400 && err.status < 500 && err.status !== 429) || fatal(err),
    missing: (id) => new ZdsfError(`Zendesk instance ${instance.name}: job status ${id} answered without a job_status.`, 'zendesk_unexpected'),
  });
  const followJob = (first: JobStatus): Promise<JobStatus> => poller.follow(first as JobStatus & PolledJob);

  /** A bulk request answered with a job status, followed to the end. */
  async function sendJob(send: () => Promise<NzResult>, batch: BatchItem[]): Promise<WriteResult[]> {
    const { result } = await send();
    const job = extractJobStatus(result);
    if (!job)
      return batch.map((item) => ({
        index: item.index,
        ok: false,
        status: 'Failed',
        error: `Zendesk instance ${instance.name} answered a bulk request without a job_status: ${describeZendeskError(result)}`,
      }));
    let done: JobStatus;
    try {
      done = await followJob(job);
    } catch (err) {
      // Zendesk accepted the job; whatever happened to it, its records may well be written
      if (fatal(err)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      return batch.map((item) => ({
        ...item,
        ok: false,
        status: 'OutcomeUnknown',
        error: `Zendesk accepted job ${job.id} but zdsf could not follow it to the end (${message}); run plan again to see what was done`,
      }));
    }
    return mapJobResults(done, batch);
  }

  /** errors that make the instance unusable (or are bugs): thrown, not turned into per-record failures */
  const fatal = (err: unknown): boolean => {
    if (err instanceof ZendeskHttpError) return err.status === 401 || err.status === 403;
    if (err instanceof OutcomeUnknownError) return false;
    if (err instanceof ZdsfError) return err.code === 'unreachable' || err.code === 'zendesk_foreign_url';
    return true;
  };
  /** failures that say Zendesk is struggling: enough of them in a row and the rest is not sent */
  const struggling = (err: unknown): boolean =>
    (err instanceof ZendeskHttpError && (err.status >= 500 || err.status === 429)) || (err instanceof ZdsfError && err.code === 'timeout');

  /**
   * Runs `run` for every batch, collecting per-record results. An HTTP error on a batch fails that
   * batch's records and the rest goes on; after `maxConsecutive` batches failing with 5xx / 429 in a row
   * the remaining records are reported Skipped without being sent.
   */
  async function inBatches<T>(
    label: string,
    items: T[],
    run: (batch: T[], refs: BatchItem[]) => Promise<WriteResult[]>,
    ref: (item: T, index: number) => BatchItem,
  ): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    if (items.length === 0) return results;
    progress.start(`${label} (${instance.name})`, items.length);
    let consecutive = 0;
    let tripped: string | null = null;
    const batches = chunk(items, batchSize);
    let next = 0;
    // Up to `jobsInFlight` batches at once: each bulk request's job is followed while the next ones are sent,
    // instead of waiting out every job's polling in turn (Zendesk queues up to 30 jobs per account).
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const n = next++;
        const batch = batches[n];
        const refs = batch.map((item, i) => ref(item, n * batchSize + i));
        if (tripped) {
          for (const r of refs) results.push({ ...r, ok: false, status: 'Skipped', error: `not sent: ${tripped}` });
          progress.tick(batch.length);
          continue;
        }
        try {
          results.push(...(await run(batch, refs)));
          consecutive = 0;
        } catch (err) {
          if (fatal(err)) {
            tripped = tripped ?? `Zendesk instance ${instance.name} cannot be used: ${err instanceof Error ? err.message : String(err)}`;
            throw err;
          }
          const message = err instanceof Error ? err.message : String(err);
          for (const r of refs) results.push({ ...r, ok: false, status: err instanceof OutcomeUnknownError ? 'OutcomeUnknown' : 'Failed', error: message });
          if (struggling(err)) {
            consecutive++;
            if (consecutive >= maxConsecutive) tripped = `Zendesk instance ${instance.name} failed ${consecutive} batches in a row (last: ${message})`;
          } else consecutive = 0;
          logger?.warn(`${label}: a batch of ${batch.length} failed: ${message}`);
        }
        progress.tick(batch.length);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(jobsInFlight(), batches.length) }, worker));
    } catch (err) {
      progress.done(`${label}: stopped`);
      throw err;
    }
    progress.done(`${label}: ${results.filter((r) => r.ok).length} of ${items.length} done`);
    return results.sort((a, b) => a.index - b.index);
  }

  /**
   * A create whose outcome is unknown: the records are looked up by key (a few times, waiting in between, since
   * a job Zendesk did accept may still be running). Those found are reported done (status Found); those proven
   * absent are sent once more (keyed: a record that appeared meanwhile fails as a duplicate, which `recoverTaken`
   * then finds, so nothing is created twice). When that send's outcome is unknown too, the same again, up to
   * `resendRounds` sends in all. What is still unknown after that is reported OutcomeUnknown.
   */
  async function recoverUnknown<T>(
    err: OutcomeUnknownError,
    batch: T[],
    refs: BatchItem[],
    lookup: (pending: T[]) => Promise<(number | undefined)[]>,
    resend: (pending: T[], refs: BatchItem[]) => Promise<WriteResult[]>,
    round = 1,
  ): Promise<WriteResult[]> {
    logger?.warn(`${err.message} Looking the records up.`);
    const found = new Map<number, number>();
    let delay = pollIntervalMs;
    for (let attempt = 0; attempt < lookupAttempts && found.size < batch.length; attempt++) {
      await sleep(delay);
      delay = Math.min(maxPollIntervalMs * 3, delay * 3);
      const pendingLocals = batch.map((_, i) => i).filter((i) => !found.has(i));
      const ids = await lookup(pendingLocals.map((i) => batch[i]));
      ids.forEach((id, k) => {
        if (id !== undefined) found.set(pendingLocals[k], id);
      });
    }
    const out: WriteResult[] = refs.map((r, local) => {
      const id = found.get(local);
      return id !== undefined ? { index: r.index, ok: true, id, status: 'Found' } : { index: r.index, ok: false, status: 'OutcomeUnknown' };
    });
    const absent = batch.map((_, i) => i).filter((i) => !found.has(i));
    if (absent.length === 0) return out;
    logger?.warn(`${absent.length} of ${batch.length} records are not in Zendesk after an unknown outcome; sending them again.`);
    let again: WriteResult[];
    const absentBatch = absent.map((i) => batch[i]);
    const absentRefs = absent.map((i) => ({ ...refs[i], index: i }));
    try {
      again = await resend(absentBatch, absentRefs);
    } catch (second) {
      if (fatal(second)) throw second;
      // results indexed like absentRefs' index, i.e. by position in `batch`, as resend's are
      if (second instanceof OutcomeUnknownError && round < resendRounds) return merge(out, refs, await recoverUnknown(second, absentBatch, absentRefs, lookup, resend, round + 1));
      const message = second instanceof Error ? second.message : String(second);
      again = absent.map((i) => ({ index: i, ok: false, status: 'OutcomeUnknown', error: `${err.message}; sent again: ${message}. Run plan and apply again to finish it.` }));
    }
    return merge(out, refs, again);
  }

  /** `out` with the results of a re-send (indexed by position in the batch) put back under the batch's own indexes. */
  function merge(out: WriteResult[], refs: BatchItem[], again: WriteResult[]): WriteResult[] {
    const merged = [...out];
    for (const r of again) merged[r.index] = { ...r, index: refs[r.index].index };
    return merged;
  }

  /** Creates Zendesk refused as duplicates ("has already been taken"): the record is there; look it up by key. */
  async function recoverTaken<T>(results: WriteResult[], batch: T[], refs: BatchItem[], lookup: (pending: T[]) => Promise<(number | undefined)[]>): Promise<WriteResult[]> {
    const locals = results.map((r, i) => (!r.ok && /taken|duplicate|already (exists|a member|been)/i.test(r.error ?? '') ? i : -1)).filter((i) => i >= 0);
    if (locals.length === 0) return results;
    const ids = await lookup(locals.map((i) => batch[i]));
    const out = [...results];
    locals.forEach((local, k) => {
      const id = ids[k];
      if (id !== undefined) out[local] = { index: refs[local].index, ok: true, id, status: 'Found' };
    });
    return out;
  }

  /** A bulk create, in batches, whose lost answers are recovered by look-up: a duplicate ("already taken") is
   * looked up and reported Found (recoverTaken); after an unknown outcome the batch is looked up and only what is
   * proven absent is sent again (recoverUnknown). */
  function createRecovered<T>(
    label: string,
    items: T[],
    createMany: (batch: T[]) => Promise<NzResult>,
    lookup: (pending: T[]) => Promise<(number | undefined)[]>,
  ): Promise<WriteResult[]> {
    const send = async (batch: T[], refs: BatchItem[]): Promise<WriteResult[]> =>
      recoverTaken(mapLocal(await sendJob(() => createMany(batch), local(refs)), refs), batch, refs, lookup);
    return inBatches(
      label,
      items,
      async (batch, refs) => {
        try {
          return await send(batch, refs);
        } catch (err) {
          if (!(err instanceof OutcomeUnknownError)) throw err;
          return recoverUnknown(err, batch, refs, lookup, send);
        }
      },
      (_item, index) => ({ index }),
    );
  }

  const lower = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase();
  /** refs renumbered 0..n-1 (batch-local), and results mapped back to the caller's indexes */
  const local = (refs: BatchItem[]): BatchItem[] => refs.map((r, i) => ({ ...r, index: i }));
  const mapLocal = (results: WriteResult[], refs: BatchItem[]): WriteResult[] => results.map((r) => ({ ...r, index: refs[r.index].index }));

  /** Records of `resource` by id: /show_many by ids, then by external_ids (100 a request; an external_id with a
   * comma, which show_many would split, by /search one at a time), then whatever `more` adds. */
  async function findRecords<R extends { id: number }>(
    resource: 'organizations' | 'users',
    to: (raw: unknown) => R,
    query: { ids?: number[]; external_ids?: string[] },
    more: (add: (items: unknown[]) => void) => Promise<void>,
  ): Promise<R[]> {
    const byId = new Map<number, R>();
    const add = (items: unknown[]): void => {
      for (const raw of items) {
        const record = to(raw);
        byId.set(record.id, record);
      }
    };
    for (const ids of chunk([...new Set(query.ids ?? [])], 100))
      await paginate(transport, `/${resource}/show_many`, resource, add, { query: { ids: ids.join(',') }, cursor: false });
    const externalIds = [...new Set(query.external_ids ?? [])];
    for (const ids of chunk(externalIds.filter((id) => !id.includes(',')), 100))
      await paginate(transport, `/${resource}/show_many`, resource, add, { query: { external_ids: ids.join(',') }, cursor: false });
    for (const id of externalIds.filter((x) => x.includes(',')))
      await paginate(transport, `/${resource}/search`, resource, add, { query: { external_id: id }, cursor: false });
    await more(add);
    return [...byId.values()];
  }

  function findOrganizations(query: { ids?: number[]; external_ids?: string[]; names?: string[] }): Promise<ZdOrganization[]> {
    return findRecords('organizations', toOrganization, query, async (add) => {
      for (const name of new Set(query.names ?? [])) {
        // search by name matches the whole name, case-insensitively; keep exact matches only
        await paginate(
          transport,
          '/organizations/search',
          'organizations',
          (items) => add(items.filter((raw) => isRecord(raw) && lower(typeof raw.name === 'string' ? raw.name : '') === lower(name))),
          { query: { name }, cursor: false },
        );
      }
    });
  }

  function findUsers(query: { ids?: number[]; emails?: string[]; external_ids?: string[] }): Promise<ZdUser[]> {
    return findRecords('users', toUser, query, async (add) => {
      for (const email of new Set((query.emails ?? []).map(lower))) {
        if (!email) continue;
        // search is full-text; keep the user whose email is exactly this one (Zendesk emails are unique)
        await paginate(
          transport,
          '/users/search',
          'users',
          (items) => add(items.filter((raw) => isRecord(raw) && typeof raw.email === 'string' && lower(raw.email) === email)),
          { query: { query: `email:${email}` }, cursor: false },
        );
      }
    });
  }

  async function findMemberships(query: { user_ids: number[] }): Promise<ZdMembership[]> {
    const out: ZdMembership[] = [];
    for (const userId of new Set(query.user_ids))
      await paginate(transport, `/users/${encodeURIComponent(String(userId))}/organization_memberships`, 'organization_memberships', (items) => {
        for (const raw of items) out.push(toMembership(raw));
      });
    return out;
  }

  async function upsertOne(user: UserWrite, ref: BatchItem): Promise<WriteResult> {
    try {
      const { status, result } = await api.usersCreateOrUpdate({ user });
      const id = isRecord(result) && typeof result.id === 'number' ? result.id : undefined;
      return { index: ref.index, ok: true, ...(id !== undefined ? { id } : {}), status: status === 201 ? 'Created' : 'Updated' };
    } catch (err) {
      if (fatal(err)) throw err;
      // one user's failure (422, or 5xx / timeouts after the transport's retries) must not lose the others'
      const reason = err instanceof ZendeskHttpError && err.status < 500 ? describeZendeskError(err.body) || err.message : err instanceof Error ? err.message : String(err);
      return { index: ref.index, ok: false, status: 'Failed', error: redactText(reason) };
    }
  }

  /** DELETE <path>?ids=1,2: a bulk delete node-zendesk has no method for, answered with a job status */
  const destroyMany = async (path: string, batch: number[]): Promise<NzResult> => {
    const r = await transport.request('DELETE', path, { query: { ids: batch.join(',') } });
    return { status: r.status, result: r.body };
  };

  /** GET /api/v2/{resource}/count: { count: { value, refreshed_at } } */
  const count = async (resource: 'organizations' | 'users'): Promise<number> => {
    const { body } = await transport.get(`/${resource}/count`);
    const value = isRecord(body) && isRecord(body.count) ? body.count.value : undefined;
    if (typeof value !== 'number') throw new ZdsfError(`Zendesk instance ${instance.name}: ${resource}/count answered without a count.`, 'zendesk_unexpected');
    return value;
  };

  return {
    transport,
    get bulkImportDisabled() {
      return bulkImportDisabled;
    },
    get requestCount() {
      return transport.requestCount;
    },
    jobsInFlight,

    createOrganizations(items: OrganizationWrite[]): Promise<WriteResult[]> {
      const lookup = async (pending: OrganizationWrite[]): Promise<(number | undefined)[]> => {
        const orgs = await findOrganizations({
          external_ids: pending.map((o) => o.external_id).filter((x): x is string => typeof x === 'string' && x !== ''),
          names: pending.filter((o) => !o.external_id && typeof o.name === 'string').map((o) => o.name as string),
        });
        return pending.map((o) => {
          const hit = o.external_id ? orgs.find((z) => lower(z.external_id) === lower(o.external_id as string)) : orgs.find((z) => lower(z.name) === lower(o.name as string));
          return hit?.id;
        });
      };
      return createRecovered('Creating organizations', items, (batch) => api.organizationsCreateMany({ organizations: batch }), lookup);
    },

    updateOrganizations(items: (OrganizationWrite & { id: number })[]): Promise<WriteResult[]> {
      return inBatches(
        'Updating organizations',
        items,
        (batch, refs) => sendJob(() => api.organizationsUpdateMany({ organizations: batch }), refs),
        (item, index) => ({ index, id: item.id }),
      );
    },

    deleteOrganizations(ids: number[]): Promise<WriteResult[]> {
      return inBatches(
        'Deleting organizations',
        ids,
        (batch, refs) => sendJob(() => api.organizationsDestroyMany(batch), refs),
        (id, index) => ({ index, id }),
      );
    },

    upsertUsers(items: UserWrite[]): Promise<WriteResult[]> {
      return inBatches(
        'Creating and updating users',
        items,
        async (batch, refs) => {
          if (!bulkImportDisabled) {
            try {
              // node-zendesk sends its argument as the body: it must be { users: [...] }, not an array
              const send = (): Promise<WriteResult[]> => sendJob(() => api.usersCreateOrUpdateMany({ users: batch }), refs);
              try {
                return await send();
              } catch (err) {
                // create_or_update is keyed (email / external_id): sending it again cannot create a second user
                if (!(err instanceof OutcomeUnknownError)) throw err;
                logger?.warn(`${err.message} Sending the ${batch.length} users again (create_or_update is keyed, so nothing is created twice).`);
                return await send();
              }
            } catch (err) {
              if (!(err instanceof ZendeskHttpError && err.status === 403)) throw err;
              bulkImportDisabled = true;
              logger?.warn(
                `Zendesk instance ${instance.name} refused users/create_or_update_many (403: ${describeZendeskError(err.body) || 'bulk import not enabled'}); creating and updating users one request at a time.`,
              );
            }
          }
          const out: WriteResult[] = [];
          for (const [i, user] of batch.entries()) out.push(await upsertOne(user, refs[i]));
          return out;
        },
        (_item, index) => ({ index }),
      );
    },

    updateUsers(items: (UserWrite & { id: number })[]): Promise<WriteResult[]> {
      return inBatches(
        'Updating users',
        items,
        (batch, refs) => sendJob(() => api.usersUpdateMany({ users: batch }), refs),
        (item, index) => ({ index, id: item.id }),
      );
    },

    createMemberships(items: { user_id: number; organization_id: number; default?: boolean }[]): Promise<WriteResult[]> {
      type M = (typeof items)[number];
      const lookup = async (pending: M[]): Promise<(number | undefined)[]> => {
        const found = await findMemberships({ user_ids: pending.map((m) => m.user_id) });
        return pending.map((m) => found.find((f) => f.user_id === m.user_id && f.organization_id === m.organization_id && (!m.default || f.default === true))?.id);
      };
      return createRecovered('Creating organization memberships', items, (batch) => api.membershipsCreateMany(batch), lookup);
    },

    /** offboarding (issue 17): DELETE /api/v2/users/destroy_many?ids=... -> a job (Zendesk soft-deletes) */
    deleteUsers(ids: number[]): Promise<WriteResult[]> {
      return inBatches(
        'Deleting users',
        ids,
        (batch, refs) => sendJob(async () => destroyMany('/users/destroy_many', batch), refs),
        (id, index) => ({ index, id }),
      );
    },

    /** memberships: mirror (issue 17): DELETE /api/v2/organization_memberships/destroy_many?ids=... -> a job */
    deleteMemberships(ids: number[]): Promise<WriteResult[]> {
      return inBatches(
        'Deleting organization memberships',
        ids,
        (batch, refs) => sendJob(async () => destroyMany('/organization_memberships/destroy_many', batch), refs),
        (id, index) => ({ index, id }),
      );
    },

    countOrganizations(): Promise<number> {
      return count('organizations');
    },

    /** every user (agents included: Zendesk's users/count does not filter by role) */
    countUsers(): Promise<number> {
      return count('users');
    },

    async makeDefaultMembership(userId: number, membershipId: number): Promise<WriteResult> {
      try {
        await api.membershipMakeDefault(userId, membershipId);
        return { index: 0, ok: true, id: membershipId, status: 'Updated' };
      } catch (err) {
        if (err instanceof ZendeskHttpError && err.status !== 401 && err.status !== 403)
          return { index: 0, ok: false, id: membershipId, status: 'Failed', error: err.message };
        throw err;
      }
    },

    findOrganizations,
    findUsers,
    findMemberships,
    createField: (resource, body) => createField(transport, resource, body),
    updateFieldOptions: (resource, id, options) => putFieldOptions(transport, resource, id, options),
    findFields: (resource) => listFields(transport, resource),
  };
}
