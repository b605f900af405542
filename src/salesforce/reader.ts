// Reads what one sync needs from Salesforce (DESIGN.md sections 1 and 8, issue 4).
// Over ~400 lines on purpose: one sync's read (class SyncRead) is REST paging, child-subquery completion,
// Bulk API 2.0 jobs and their CSV, and describes, all sharing that read's connection, retry policy, API-usage
// check and error translation; the pure converters (trimDescribe, convertCsvValue, toRelation) are exported.
//
// - REST query, paging over nextRecordsUrl to the very end (no jsforce maxFetch truncation: the
//   paging loop is ours), and checks that the records read equal the reported totalSize.
// - Child subqueries whose rows span several pages (done: false) are followed to the end too.
// - Bulk API 2.0 for queries without subqueries whose totalSize (from the first REST page) is at
//   least bulkThreshold; its CSV values are turned back into typed values with the describe.
// - Describe of every object read (Account, Contact, Lead, the child objects of includes, and, best
//   effort, the parents reached by relationship paths such as Owner.Name), returned in SourceData.
// - No request per record; records are kept as plain objects.
import type { Connection } from 'jsforce';
import type { SalesforceInstance, Sync } from '../model/config.js';
import type { Logger, PeopleLookup, Progress, SourceReader, SourceReaderOptions } from '../model/ports.js';
import { beginTask, silentProgress } from '../model/ports.js';
import type { AccountContactRelation, SfChildResult, SfFieldDescribe, SfObjectDescribe, SfRecord, SourceData } from '../model/salesforce.js';
import { ZdsfError } from '../util/errors.js';
import { authSecrets, connectSalesforce, errorParts, redact, timeoutMsOf, translateConnectionError, type FetchLike } from './auth.js';
import { classifyFailure, fetchRetried, withRetries, type RetryContext, type RetryPolicy } from './retry.js';
import { parseCsv } from './csv.js';
import { buildSyncQueries, type BuiltQuery } from './soql.js';
import { lookupQueries, lookupResult } from './offboard-lookup.js';

export interface SalesforceReaderOptions {
  /** how to obtain a Connection (default: connectSalesforce) */
  connect?: (instance: SalesforceInstance) => Promise<Connection>;
  /** queries without subqueries returning at least this many rows use Bulk API 2.0 (default 10000) */
  bulkThreshold?: number;
  /**
   * Retries of every request on 5xx / resets / timeouts (see retry.ts; default 8 tries from 500 ms, at most 60 s
   * of waiting per request). `maxRetries` / `minTimeout` are accepted as the tries after the first / the first delay.
   */
  retry?: RetryPolicy & { maxRetries?: number; minTimeout?: number; timeoutFactor?: number };
  /** Bulk API 2.0 job polling: first interval (default 1000 ms, growing to 10 s) and give-up time (default 1 h) */
  bulkPollIntervalMs?: number;
  bulkPollTimeoutMs?: number;
  /** rows per Bulk API 2.0 results request (maxRecords, default 50000) */
  bulkPageSize?: number;
  /** fetch used for Bulk API 2.0 result pages (default: global fetch) */
  fetch?: FetchLike;
}

interface QueryResultPage {
  totalSize: number;
  done: boolean;
  records: SfRecord[];
  nextRecordsUrl?: string;
}

interface BulkJobInfo {
  id: string;
  state: string;
  errorMessage?: string;
  numberRecordsProcessed?: number;
}

const DEFAULT_BULK_THRESHOLD = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function lower(s: string): string {
  return s.toLowerCase();
}

const ATTRIBUTES = new Map<string, { type: string }>();

/** One frozen `attributes` object per sObject type, shared by all records (saves an object per record). */
function attributesOf(type: string): { type: string } {
  let a = ATTRIBUTES.get(type);
  if (!a) {
    a = Object.freeze({ type });
    ATTRIBUTES.set(type, a);
  }
  return a;
}

/** Replaces the attributes of parent records nested in a REST record (Owner: { attributes, Name }) by shared ones. */
function shareParentAttributes(rec: Record<string, unknown>): void {
  for (const v of Object.values(rec)) {
    if (!isObject(v) || !isObject(v.attributes)) continue;
    const t = v.attributes.type;
    if (typeof t === 'string') v.attributes = attributesOf(t);
    shareParentAttributes(v);
  }
}

function compareIds(a: { Id: string }, b: { Id: string }): number {
  return a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds a key of an object case-insensitively. */
function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (name in obj) return name;
  const l = lower(name);
  return Object.keys(obj).find((k) => lower(k) === l);
}

/** Trims a describe answer to the fields zdsf uses. */
export function trimDescribe(raw: unknown, fallbackName: string): SfObjectDescribe {
  const obj = isObject(raw) ? raw : {};
  const fields: SfFieldDescribe[] = (Array.isArray(obj.fields) ? obj.fields : []).filter(isObject).map((f) => {
    const out: SfFieldDescribe = { name: String(f.name), type: String(f.type) };
    if (typeof f.label === 'string') out.label = f.label;
    if (typeof f.scale === 'number') out.scale = f.scale;
    if (f.autoNumber === true) out.autoNumber = true;
    if (typeof f.relationshipName === 'string') out.relationshipName = f.relationshipName;
    if (Array.isArray(f.referenceTo) && f.referenceTo.length > 0) out.referenceTo = f.referenceTo.map(String);
    if (Array.isArray(f.picklistValues) && f.picklistValues.length > 0) {
      out.picklistValues = f.picklistValues.filter(isObject).map((p) => ({
        value: String(p.value),
        ...(typeof p.label === 'string' ? { label: p.label } : {}),
        ...(typeof p.active === 'boolean' ? { active: p.active } : {}),
      }));
    }
    return out;
  });
  const result: SfObjectDescribe = { name: typeof obj.name === 'string' ? obj.name : fallbackName, fields };
  if (Array.isArray(obj.childRelationships)) {
    result.childRelationships = obj.childRelationships.filter(isObject).map((c) => ({
      relationshipName: typeof c.relationshipName === 'string' ? c.relationshipName : null,
      childSObject: String(c.childSObject),
      field: String(c.field),
    }));
  }
  return result;
}

/** Converts one Bulk API 2.0 CSV value to the type the REST API would have returned. */
export function convertCsvValue(value: string, field: SfFieldDescribe | undefined): unknown {
  if (value === '') return null;
  switch (field?.type) {
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
    case 'long': {
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case 'datetime':
      // Bulk: 2024-05-01T10:00:00.000Z; REST: 2024-05-01T10:00:00.000+0000
      return value.endsWith('Z') ? `${value.slice(0, -1)}+0000` : value;
    default:
      return value;
  }
}

/** One read of one sync: connection, describes, queries. */
class SyncRead {
  private readonly describes = new Map<string, SfObjectDescribe>();
  private readonly missing = new Set<string>();
  private readonly secrets: string[];
  private usageWarned = false;

  constructor(
    private readonly conn: Connection,
    private readonly instance: SalesforceInstance,
    private readonly sync: Sync,
    private readonly options: SalesforceReaderOptions,
    private readonly progress: Progress,
    private readonly logger: Logger | undefined,
  ) {
    this.secrets = authSecrets(instance.auth);
  }

  /** The retry policy of this read (the options' `retry`, with jsforce-style names mapped). */
  private policy(): RetryPolicy {
    return retryPolicyOf(this.options.retry);
  }

  private retryContext(what: string): RetryContext {
    return {
      what,
      instance: this.instance.name,
      timeoutSeconds: timeoutMsOf(this.instance) / 1000,
      usage: () => this.conn.limitInfo?.apiUsage,
      logger: this.logger,
    };
  }

  /** Warns once when the org has used 90 % of its daily API requests (Sforce-Limit-Info). */
  private checkUsage(): void {
    const u = this.conn.limitInfo?.apiUsage;
    if (!u || this.usageWarned || u.limit <= 0 || u.used < u.limit * 0.9) return;
    this.usageWarned = true;
    this.logger?.warn(
      `Salesforce ${this.instance.name} has used ${u.used} of its ${u.limit} daily API requests (Sforce-Limit-Info); ` +
        'zdsf stops with REQUEST_LIMIT_EXCEEDED if the limit is reached.',
    );
  }

  /**
   * GET/POST through jsforce (its own retry off: ours is bounded and covers POSTs of query jobs too), each try
   * bounded by timeout_seconds; connection errors become ZdsfErrors, others are returned to the caller.
   */
  private async request<T>(req: { method: 'GET' | 'POST'; url: string; body?: string; headers?: Record<string, string> }): Promise<T> {
    const what = `${req.method} ${req.url.split('?')[0]}`;
    try {
      const result = await withRetries(
        async () => (await this.conn.request<T>(req, { retry: { maxRetries: 0 }, timeout: timeoutMsOf(this.instance) } as object)) as T,
        this.retryContext(what),
        this.policy(),
      );
      this.checkUsage();
      return result;
    } catch (err) {
      throw translateConnectionError(err, this.instance, this.conn.instanceUrl || undefined);
    }
  }

  private queryError(err: unknown, query: BuiltQuery): unknown {
    if (err instanceof ZdsfError) return err;
    const parts = errorParts(err);
    const tries = (err as { retriesExhausted?: number }).retriesExhausted;
    const again = tries && tries > 1 && classifyFailure(err) !== 'fatal' ? ` (${tries} tries; the service may be down, try again later)` : '';
    const detail = redact(parts.code ? `${parts.code}: ${parts.message}` : parts.message, this.secrets) + again;
    return new ZdsfError(
      // Salesforce's INVALID_FIELD message quotes the SOQL already: it is not repeated
      `Salesforce refused the ${query.purpose} query of sync ${this.sync.name} (instance ${this.instance.name}): ${detail}${detail.includes(query.soql) ? '' : `\n  SOQL: ${query.soql}`}`,
      'salesforce_query',
    );
  }

  // ---------------------------------------------------------------- describe

  async describe(object: string, required: boolean): Promise<SfObjectDescribe | undefined> {
    const key = lower(object);
    const cached = this.describes.get(key);
    if (cached) return cached;
    if (this.missing.has(key)) return undefined;
    try {
      const raw = await this.request<unknown>({ method: 'GET', url: `/sobjects/${encodeURIComponent(object)}/describe` });
      const d = trimDescribe(raw, object);
      this.describes.set(key, d);
      return d;
    } catch (err) {
      if (err instanceof ZdsfError) throw err;
      if (!required) {
        this.missing.add(key);
        this.logger?.debug(`Salesforce: no describe of ${object} (${errorParts(err).message})`);
        return undefined;
      }
      const parts = errorParts(err);
      throw new ZdsfError(
        `Salesforce cannot describe ${object} for sync ${this.sync.name} (instance ${this.instance.name}): ` +
          `${redact(parts.code ? `${parts.code}: ${parts.message}` : parts.message, this.secrets)}. ` +
          'Check the object name in the config and the integration user\'s access to it.',
        'salesforce_describe',
      );
    }
  }

  /** The describe of the object a relationship of `from` points to (e.g. Account.Owner -> User). */
  private async parentObject(from: SfObjectDescribe, relationship: string): Promise<SfObjectDescribe | undefined> {
    const l = lower(relationship);
    const field = from.fields.find((f) => f.relationshipName && lower(f.relationshipName) === l);
    const target = field?.referenceTo?.[0];
    if (!target) return undefined;
    return this.describe(target, false);
  }

  /** The field describe of a path such as Owner.Name, describing parents on the way (best effort). */
  async resolveField(object: SfObjectDescribe | undefined, path: string): Promise<SfFieldDescribe | undefined> {
    if (!object) return undefined;
    const parts = path.split('.');
    let current: SfObjectDescribe | undefined = object;
    for (let i = 0; i < parts.length - 1 && current; i += 1) current = await this.parentObject(current, parts[i]);
    if (!current) return undefined;
    const last = lower(parts[parts.length - 1]);
    return current.fields.find((f) => lower(f.name) === last);
  }

  /** The child object of a child relationship of `parent`, or a ZdsfError naming the include. */
  async childObject(parent: SfObjectDescribe, relationship: string): Promise<SfObjectDescribe> {
    const l = lower(relationship);
    const rel = parent.childRelationships?.find((c) => c.relationshipName && lower(c.relationshipName) === l);
    if (!rel) {
      throw new ZdsfError(
        `syncs.${this.sync.name}.organizations.include: ${parent.name} has no child relationship ${relationship} in Salesforce instance ${this.instance.name}` +
          ' (use the relationship name, e.g. Contacts or Customer_Subscriptions__r, as listed by describe).',
        'config_invalid',
      );
    }
    return (await this.describe(rel.childSObject, true)) as SfObjectDescribe;
  }

  allDescribes(): Record<string, SfObjectDescribe> {
    const out: Record<string, SfObjectDescribe> = {};
    for (const d of this.describes.values()) out[d.name] = d;
    return out;
  }

  // ---------------------------------------------------------------- queries

  /** Runs a query to the end: REST paging, or Bulk API 2.0 when large and without subqueries. */
  /** `all`: queryAll. `restOnly`: never Bulk API 2.0 (the delta reads, which have no describe to type CSV values). */
  async run(query: BuiltQuery, label: string, describe: SfObjectDescribe | undefined, all = false, restOnly = false): Promise<SfRecord[]> {
    this.logger?.debug(`Salesforce ${this.instance.name}: ${query.purpose} query of sync ${this.sync.name}: ${query.soql}`);
    let page: QueryResultPage;
    try {
      page = await this.request<QueryResultPage>({ method: 'GET', url: `/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(query.soql)}` });
    } catch (err) {
      throw this.queryError(err, query);
    }
    const total = typeof page.totalSize === 'number' ? page.totalSize : 0;
    const threshold = this.options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
    if (!all && !restOnly && query.children.length === 0 && total >= threshold && !page.done) {
      this.logger?.debug(`Salesforce: ${query.purpose}: ${total} rows, reading with Bulk API 2.0`);
      const viaBulk = await this.bulk(query, label, describe, total);
      if (viaBulk) return viaBulk;
    }
    // its own task: the Zendesk read runs at the same time on the same progress
    const task = beginTask(this.progress, label, total);
    const records: SfRecord[] = [];
    let pages = 1;
    for (;;) {
      const rows = Array.isArray(page.records) ? page.records : [];
      for (const r of rows) records.push(await this.completeRecord(r, query));
      task.tick(rows.length);
      if (page.done !== false) break;
      if (!page.nextRecordsUrl) {
        throw new ZdsfError(
          `Salesforce answered page ${pages} of the ${query.purpose} query of sync ${this.sync.name} with done: false but no nextRecordsUrl; ` +
            `read ${records.length} of ${total} records, refusing to continue with a partial read.`,
          'salesforce_truncated',
        );
      }
      try {
        page = await this.request<QueryResultPage>({ method: 'GET', url: page.nextRecordsUrl });
      } catch (err) {
        throw this.queryError(err, query);
      }
      pages += 1;
    }
    if (records.length !== total) {
      throw new ZdsfError(
        `Salesforce reported ${total} records for the ${query.purpose} query of sync ${this.sync.name} but ${records.length} were read ` +
          `(${pages} pages); refusing to continue with a partial read. Run plan again; if it persists, narrow the where condition.`,
        'salesforce_truncated',
      );
    }
    task.done(`${records.length} ${records.length === 1 ? singular(label) : label}`);
    return records;
  }

  /** Keeps attributes.type only, follows child subqueries to their end, names them as configured. */
  private async completeRecord(record: SfRecord, query: BuiltQuery): Promise<SfRecord> {
    const rec = record as SfRecord & Record<string, unknown>;
    rec.attributes = attributesOf(rec.attributes?.type ?? query.object);
    shareParentAttributes(rec);
    for (const child of query.children) {
      const key = findKey(rec, child.relationship);
      const value = key ? rec[key] : undefined;
      if (key && key !== child.relationship) delete rec[key];
      rec[child.relationship] = await this.completeChild(value, query, child.relationship);
    }
    return rec;
  }

  private async completeChild(value: unknown, query: BuiltQuery, relationship: string): Promise<SfChildResult> {
    if (!isObject(value)) return { totalSize: 0, done: true, records: [] };
    const records: SfRecord[] = [];
    const total = typeof value.totalSize === 'number' ? value.totalSize : undefined;
    let page: Record<string, unknown> = value;
    for (;;) {
      const rows = Array.isArray(page.records) ? (page.records as SfRecord[]) : [];
      for (const r of rows) {
        r.attributes = attributesOf(r.attributes?.type ?? relationship);
        shareParentAttributes(r);
        records.push(r);
      }
      if (page.done !== false) break;
      const next = page.nextRecordsUrl;
      if (typeof next !== 'string' || next === '') {
        throw new ZdsfError(
          `Salesforce answered the ${relationship} subquery of the ${query.purpose} query of sync ${this.sync.name} with done: false but no nextRecordsUrl.`,
          'salesforce_truncated',
        );
      }
      try {
        page = await this.request<Record<string, unknown>>({ method: 'GET', url: next });
      } catch (err) {
        throw this.queryError(err, query);
      }
    }
    if (total !== undefined && records.length !== total) {
      throw new ZdsfError(
        `Salesforce reported ${total} ${relationship} rows for one record of the ${query.purpose} query of sync ${this.sync.name} but ${records.length} were read; refusing to continue with a partial read.`,
        'salesforce_truncated',
      );
    }
    records.sort(compareIds);
    return { totalSize: records.length, done: true, records };
  }

  // ---------------------------------------------------------------- Bulk API 2.0

  /** Reads a query through a Bulk API 2.0 job; undefined when the job cannot be created (the REST read goes on). */
  private async bulk(query: BuiltQuery, label: string, describe: SfObjectDescribe | undefined, expected: number): Promise<SfRecord[] | undefined> {
    let job: BulkJobInfo;
    try {
      job = await this.request<BulkJobInfo>({
        method: 'POST',
        url: '/jobs/query',
        body: JSON.stringify({ operation: 'query', query: query.soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' }),
        headers: { 'content-type': 'application/json' },
      });
    } catch (err) {
      // unreachable / rejected credentials: stop; anything else (Bulk API not enabled for the user, ...): page with REST
      if (err instanceof ZdsfError) throw err;
      const parts = errorParts(err);
      this.logger?.warn(
        `Salesforce: cannot create a Bulk API 2.0 job for the ${query.purpose} query of sync ${this.sync.name} ` +
          `(${redact(parts.code ? `${parts.code}: ${parts.message}` : parts.message, this.secrets)}); reading it with the REST API instead.`,
      );
      return undefined;
    }
    if (typeof job?.id !== 'string' || typeof job.state !== 'string') {
      this.logger?.warn(`Salesforce: unexpected answer to a Bulk API 2.0 job creation; reading the ${query.purpose} query with the REST API instead.`);
      return undefined;
    }
    const task = beginTask(this.progress, label, expected);
    let interval = this.options.bulkPollIntervalMs ?? 1000;
    const deadline = Date.now() + (this.options.bulkPollTimeoutMs ?? 3_600_000);
    while (job.state !== 'JobComplete') {
      if (job.state === 'Failed' || job.state === 'Aborted') {
        throw new ZdsfError(
          `Salesforce Bulk API 2.0 job ${job.id} for the ${query.purpose} query of sync ${this.sync.name} ended ${job.state}` +
            `${job.errorMessage ? `: ${job.errorMessage}` : ''}\n  SOQL: ${query.soql}`,
          'salesforce_query',
        );
      }
      if (Date.now() > deadline) {
        throw new ZdsfError(
          `Salesforce Bulk API 2.0 job ${job.id} for the ${query.purpose} query of sync ${this.sync.name} did not complete in time (state ${job.state}).`,
          'salesforce_timeout',
        );
      }
      await sleep(interval);
      interval = Math.min(interval * 2, 10_000);
      try {
        job = await this.request<BulkJobInfo>({ method: 'GET', url: `/jobs/query/${job.id}` });
      } catch (err) {
        throw this.queryError(err, query);
      }
    }

    // columns -> field describes (resolved once per column, not per row)
    const records: SfRecord[] = [];
    const base = `${this.conn.instanceUrl.replace(/\/+$/, '')}/services/data/v${this.conn.version}/jobs/query/${job.id}/results`;
    const pageSize = this.options.bulkPageSize ?? 50_000;
    let locator: string | undefined;
    let columns: { path: string[]; field: SfFieldDescribe | undefined }[] | undefined;
    for (;;) {
      const url = `${base}?maxRecords=${pageSize}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
      const { text, nextLocator } = await this.fetchResults(url, query);
      const rows = parseCsv(text);
      if (rows.length > 0) {
        const header = rows[0];
        if (!columns) {
          columns = [];
          for (const h of header) columns.push({ path: h.split('.'), field: await this.resolveField(describe, h) });
        }
        for (let i = 1; i < rows.length; i += 1) records.push(this.rowToRecord(rows[i], columns, query.object));
        task.tick(rows.length - 1);
      }
      if (!nextLocator || nextLocator === 'null') break;
      locator = nextLocator;
    }
    const processed = typeof job.numberRecordsProcessed === 'number' ? job.numberRecordsProcessed : records.length;
    if (records.length !== processed) {
      throw new ZdsfError(
        `Salesforce Bulk API 2.0 job ${job.id} reported ${processed} records for the ${query.purpose} query of sync ${this.sync.name} ` +
          `but ${records.length} were read; refusing to continue with a partial read.`,
        'salesforce_truncated',
      );
    }
    task.done(`${records.length} ${records.length === 1 ? singular(label) : label}`);
    return records;
  }

  private async fetchResults(url: string, query: BuiltQuery): Promise<{ text: string; nextLocator?: string }> {
    const { res, text } = await fetchRetried(
      this.options.fetch ?? fetch,
      url,
      { headers: { authorization: `Bearer ${this.conn.accessToken ?? ''}`, accept: 'text/csv' } },
      {
        timeoutMs: timeoutMsOf(this.instance),
        retryable: (status) => status >= 500 || status === 429,
        ctx: this.retryContext(`GET ${url.split('?')[0]}`),
        policy: this.policy(),
        failure: (err) => translateConnectionError(err, this.instance, this.conn.instanceUrl),
      },
    );
    if (!res.ok) {
      let code = `ERROR_HTTP_${res.status}`;
      let message = text.slice(0, 300);
      try {
        const body: unknown = JSON.parse(text);
        const first: unknown = Array.isArray(body) ? body[0] : body;
        if (isObject(first)) {
          if (typeof first.errorCode === 'string') code = first.errorCode;
          if (typeof first.message === 'string') message = first.message;
        }
      } catch {
        // not JSON
      }
      const err = Object.assign(new Error(message), { errorCode: code });
      if (res.status === 401) throw translateConnectionError(Object.assign(err, { errorCode: 'ERROR_HTTP_401' }), this.instance);
      throw this.queryError(err, query);
    }
    return { text, nextLocator: res.headers.get('sforce-locator') ?? undefined };
  }

  private rowToRecord(row: string[], columns: { path: string[]; field: SfFieldDescribe | undefined }[], object: string): SfRecord {
    const rec: Record<string, unknown> = { attributes: attributesOf(object) };
    const parents = new Set<string>();
    for (let c = 0; c < columns.length; c += 1) {
      const { path, field } = columns[c];
      const value = convertCsvValue(row[c] ?? '', field);
      if (path.length === 1) {
        rec[path[0]] = value;
        continue;
      }
      parents.add(path[0]);
      let node = rec;
      for (let i = 0; i < path.length - 1; i += 1) {
        const next = node[path[i]];
        if (isObject(next)) node = next;
        else {
          const created: Record<string, unknown> = {};
          node[path[i]] = created;
          node = created;
        }
      }
      node[path[path.length - 1]] = value;
    }
    // a parent whose every column is empty is null, as in the REST API
    for (const p of parents) if (allNull(rec[p])) rec[p] = null;
    return rec as SfRecord;
  }
}

/** The reader's `retry` option as a RetryPolicy (jsforce-style names mapped). */
function retryPolicyOf(r: SalesforceReaderOptions['retry'] = {}): RetryPolicy {
  return {
    ...r,
    ...(r.maxRetries !== undefined && r.maxAttempts === undefined ? { maxAttempts: r.maxRetries + 1 } : {}),
    ...(r.minTimeout !== undefined && r.baseDelayMs === undefined ? { baseDelayMs: r.minTimeout } : {}),
  };
}

function allNull(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (isObject(v)) return Object.values(v).every(allNull);
  return false;
}

/** "accounts (demo)" -> "account (demo)", for a count of 1 */
function singular(label: string): string {
  return label.replace(/\b(accounts|contacts|leads|relations|records)\b/, (word) => word.slice(0, -1));
}

/** A query for SalesforceReader.query: `all` reads with queryAll (deleted rows too, never Bulk API). */
export interface RawQuery {
  query: BuiltQuery;
  all?: boolean;
}

export class SalesforceReader implements SourceReader {
  constructor(private readonly options: SalesforceReaderOptions = {}) {}

  private async connect(instance: SalesforceInstance): Promise<Connection> {
    const retry = retryPolicyOf(this.options.retry);
    const connect = this.options.connect ?? ((i: SalesforceInstance) => connectSalesforce(i, { retry, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) }));
    try {
      return await connect(instance);
    } catch (err) {
      throw translateConnectionError(err, instance);
    }
  }

  /** Runs queries over one connection, each paged to its end and its records completed as read() does
   * (src/salesforce/delta.ts reads what changed with it). Returns the rows of each query, in order. */
  async query(
    options: SourceReaderOptions,
    queries: RawQuery[],
    describes: string[] = [],
  ): Promise<{ rows: SfRecord[][]; describes: Record<string, SfObjectDescribe | undefined>; instanceUrl: string }> {
    const conn = await this.connect(options.instance);
    const r = new SyncRead(conn, options.instance, options.sync, this.options, options.progress ?? silentProgress, options.logger);
    const described: Record<string, SfObjectDescribe | undefined> = {};
    for (const d of describes) described[d] = await r.describe(d, false);
    const rows: SfRecord[][] = [];
    for (const q of queries) rows.push(await r.run(q.query, `${q.query.purpose} changes (${options.sync.name})`, undefined, q.all === true, true));
    return { rows, describes: described, instanceUrl: conn.instanceUrl };
  }

  /** offboarding's look-up of Ids that left the sync (src/salesforce/offboard-lookup.ts) */
  async lookupPeople(options: SourceReaderOptions, lookup: PeopleLookup): Promise<{ live: string[]; inactive: string[] }> {
    const queries = lookupQueries(lookup);
    if (queries.length === 0) return { live: [], inactive: [] };
    const { rows } = await this.query(options, queries.map((q) => ({ query: q.query, all: q.all })));
    return lookupResult(queries.map((q) => q.kind), rows);
  }

  async read(options: SourceReaderOptions): Promise<SourceData> {
    const { instance, sync } = options;
    const progress = options.progress ?? silentProgress;
    const conn = await this.connect(instance);
    const r = new SyncRead(conn, instance, sync, this.options, progress, options.logger);
    const queries = buildSyncQueries(sync);
    const data: SourceData = { accounts: [], people: [], relations: [], retention: [], describe: {} };

    // describes first: they are cheap and a missing object or bad credentials surface at once
    let account: SfObjectDescribe | undefined;
    if (queries.accounts || queries.retention) account = await r.describe('Account', true);
    const childDescribes = new Map<string, SfObjectDescribe>();
    if (queries.accounts && account) {
      for (const child of queries.accounts.children) childDescribes.set(child.relationship, await r.childObject(account, child.relationship));
    }
    const peopleDescribes: (SfObjectDescribe | undefined)[] = [];
    for (const q of queries.people) peopleDescribes.push(await r.describe(q.object, true));
    // parents reached by relationship paths (Owner.Name, Account.Name ...), for field types
    if (queries.accounts) for (const f of queries.accounts.fields) if (f.includes('.')) await r.resolveField(account, f);
    for (const [child, d] of childDescribes) {
      const q = queries.accounts?.children.find((c) => c.relationship === child);
      for (const f of q?.fields ?? []) if (f.includes('.')) await r.resolveField(d, f);
    }
    for (let i = 0; i < queries.people.length; i += 1) {
      for (const f of queries.people[i].fields) if (f.includes('.')) await r.resolveField(peopleDescribes[i], f);
    }

    options.beforeQueries?.(r.allDescribes());
    if (options.describeOnly) return { ...data, describe: r.allDescribes() };
    if (queries.accounts) {
      data.accounts = await r.run(queries.accounts, `accounts (${sync.name})`, account);
      data.accounts.sort(compareIds);
    }
    for (let i = 0; i < queries.people.length; i += 1) {
      const q = queries.people[i];
      const rows = await r.run(q, `${lower(q.object)}s (${sync.name})`, peopleDescribes[i]);
      rows.sort(compareIds);
      for (const row of rows) data.people.push(row);
    }
    if (queries.relations) {
      const contactIds = new Set(data.people.filter((p) => p.attributes?.type === 'Contact').map((p) => p.Id));
      const acr = await r.describe('AccountContactRelation', false);
      if (!acr) {
        // DESIGN.md section 5: secondary relationships need Contacts to Multiple Accounts in Salesforce
        options.logger?.warn(
          `Salesforce ${instance.name} has no AccountContactRelation object (Contacts to Multiple Accounts is not enabled): ` +
            `sync ${sync.name} creates no secondary memberships although users.relationships.secondary is on.`,
        );
      } else {
        const rows = await r.run(queries.relations, `account contact relations (${sync.name})`, acr);
        data.relations = rows
          .map(toRelation)
          .filter((x) => contactIds.has(x.ContactId))
          .sort(compareIds);
      }
    }
    if (queries.retention) {
      const rows = await r.run(queries.retention, `accounts to delete (${sync.name})`, account);
      data.retention = rows.map((x) => x.Id).sort();
    }
    data.describe = r.allDescribes();
    return data;
  }
}

export function toRelation(r: SfRecord): AccountContactRelation {
  const rec = r as Record<string, unknown>;
  const bool = (v: unknown) => v === true || v === 'true';
  return {
    Id: String(rec.Id),
    AccountId: String(rec.AccountId),
    ContactId: String(rec.ContactId),
    IsDirect: bool(rec.IsDirect),
    IsActive: bool(rec.IsActive),
  };
}

export function createSalesforceReader(options?: SalesforceReaderOptions): SalesforceReader {
  return new SalesforceReader(options);
}
