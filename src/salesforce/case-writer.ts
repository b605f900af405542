// The Salesforce side of cases (issue 18): describe of Case, existing Cases by the ticket id field, and Case
// upserts keyed by that external id through sObject Collections:
//
//   PATCH /services/data/vXX.X/composite/sobjects/Case/<TicketIdField>
//   { "allOrNone": false, "records": [{ "attributes": { "type": "Case" }, "<TicketIdField>": "123", ... }] }
//   -> 200 [{ "id": "500...", "success": true, "errors": [], "created": true }, { "success": false, "errors": [...] }]
//
// at most 200 records a request. An upsert by external id is idempotent: sent twice (a retry after a timeout,
// an apply killed half-way and run again) it updates the Case the first one created, never a second Case. So
// whole requests are retried on 5xx and network failures, and records failing with UNABLE_TO_LOCK_ROW or with
// DUPLICATE_VALUE on the key (two upserts creating one key at once: the second, re-sent, updates) are re-sent.
// Every other per-record failure (REQUIRED_FIELD_MISSING, INVALID_FIELD_FOR_INSERT_UPDATE, a DUPLICATE_VALUE on
// another unique field, validation rules) is reported with Salesforce's code, message and fields.
//
// With `{ bulk: true }` (apply asks for it from `cases.bulk_threshold` case changes of a sync on) the records go
// through one Bulk API 2.0 ingest job instead (bulk-ingest.ts), with the same per-record results and retries.
// See docs/cases.md for the measurement behind the threshold.
//
// Reads go through jsforce (its GET retries and session refresh); writes are sent with fetch on the
// connection's session so that the status of every answer is known (jsforce hides it), with one session refresh
// on 401.
import type { Connection } from 'jsforce';
import type { SalesforceInstance, Scalar } from '../model/config.js';
import type { Logger } from '../model/ports.js';
import type { SfFieldDescribe, SfObjectDescribe } from '../model/salesforce.js';
import type { ExistingCase } from '../cases/map.js';
import { chunk, isRecord } from '../util/data.js';
import { ZdsfError } from '../util/errors.js';
import { authSecrets, errorParts, redact, translateConnectionError, type FetchLike } from './auth.js';
import { escapeSoqlString } from './soql.js';
import { bulkUpsert, type SfHttp } from './bulk-ingest.js';
import { classifyFailure } from './retry.js';

/** Records an sObject Collections request carries at most. */
export const COLLECTION_SIZE = 200;
/** Keys a `WHERE <field> IN (...)` read carries (keeps the GET URI well under Salesforce's 16 KB). */
export const IN_CHUNK = 300;

export interface CaseWriterOptions {
  /** default global fetch */
  fetch?: FetchLike;
  /** default a real timer */
  sleep?: (ms: number) => Promise<void>;
  /** tries of a request (5xx, network failure) and of a retriable record, the first included; default 4 */
  maxAttempts?: number;
  /** first backoff, doubled each retry; default 1000 ms */
  baseDelayMs?: number;
  /** per request; default 120 000 ms */
  timeoutMs?: number;
  logger?: Logger;
  /** Bulk API 2.0 jobs: first status check after this long (default 1000 ms), x1.5 each up to the max (default 5000 ms) */
  bulkPollIntervalMs?: number;
  bulkMaxPollIntervalMs?: number;
  /** a Bulk API 2.0 job not finished after this long is aborted and its outcome looked up (default 30 minutes) */
  bulkTimeoutMs?: number;
}

export interface SfRecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export interface CaseUpsertResult {
  /** the ticket id (the key value) */
  key: string;
  ok: boolean;
  /** the Case Id, when written */
  id?: string;
  /** true when the upsert created the Case */
  created?: boolean;
  errors: SfRecordError[];
  /** sends of this record (1 unless retried) */
  attempts: number;
}

/** Record-level errors worth re-sending the record for. */
const RETRIABLE_RECORD = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG']);

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Trims describe of Case to what the cases check and writer use, flags included. */
export function trimCaseDescribe(raw: unknown): SfObjectDescribe {
  const obj = isRecord(raw) ? raw : {};
  const fields: SfFieldDescribe[] = (Array.isArray(obj.fields) ? obj.fields : []).filter(isRecord).map((f) => {
    const out: SfFieldDescribe = { name: String(f.name), type: String(f.type) };
    if (typeof f.label === 'string') out.label = f.label;
    for (const k of ['createable', 'updateable', 'externalId', 'unique', 'nillable', 'defaultedOnCreate', 'calculated', 'autoNumber'] as const) {
      if (typeof f[k] === 'boolean') out[k] = f[k];
    }
    if (typeof f.length === 'number' && f.length > 0) out.length = f.length;
    if (Array.isArray(f.referenceTo) && f.referenceTo.length > 0) out.referenceTo = f.referenceTo.map(String);
    if (Array.isArray(f.picklistValues) && f.picklistValues.length > 0) {
      out.picklistValues = f.picklistValues.filter(isRecord).map((p) => ({ value: String(p.value), ...(typeof p.active === 'boolean' ? { active: p.active } : {}) }));
    }
    return out;
  });
  return { name: typeof obj.name === 'string' ? obj.name : 'Case', fields };
}

function recordError(e: unknown): SfRecordError {
  const r = isRecord(e) ? e : {};
  return {
    statusCode: typeof r.statusCode === 'string' ? r.statusCode : typeof r.errorCode === 'string' ? r.errorCode : 'UNKNOWN_ERROR',
    message: typeof r.message === 'string' ? r.message : JSON.stringify(e),
    fields: Array.isArray(r.fields) ? r.fields.map(String) : [],
  };
}

export class SalesforceCaseAdapter {
  private readonly fetchFn: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  private count = 0;

  constructor(
    private readonly conn: Connection,
    private readonly instance: SalesforceInstance,
    private readonly options: CaseWriterOptions = {},
  ) {
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? realSleep;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.secrets = authSecrets(instance.auth);
  }

  /** Salesforce requests sent by this adapter (reads and writes, retries included). */
  get requestCount(): number {
    return this.count;
  }

  private async get<T>(url: string, what: string): Promise<T> {
    // a read: sent again on a transient failure (a kept-alive socket the server closed while plan reconciled
    // for minutes, a reset, a 5xx), up to maxAttempts with backoff
    for (let attempt = 1; ; attempt++) {
      this.count += 1;
      try {
        return (await this.conn.request<T>({ method: 'GET', url })) as T;
      } catch (err) {
        if (attempt < this.maxAttempts && classifyFailure(err) === 'transient') {
          await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
          continue;
        }
        this.fail(err, what);
      }
    }
  }

  private fail(err: unknown, what: string): never {
    const translated = translateConnectionError(err, this.instance, this.conn.instanceUrl || undefined);
    if (translated instanceof ZdsfError) throw translated;
    const p = errorParts(err);
    throw new ZdsfError(`Salesforce instance ${this.instance.name} refused ${what}: ${redact(p.code ? `${p.code}: ${p.message}` : p.message, this.secrets)}`, 'salesforce_error');
  }

  async describeCase(): Promise<SfObjectDescribe> {
    return trimCaseDescribe(await this.get<unknown>('/sobjects/Case/describe', 'describe of Case (does the integration user have access to Cases?)'));
  }

  /** Runs a SOQL query to its last page. */
  async query(soql: string, what: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let page = await this.get<{ done?: boolean; records?: unknown[]; nextRecordsUrl?: string }>(`/query?q=${encodeURIComponent(soql)}`, `the ${what} query`);
    for (;;) {
      for (const r of page.records ?? []) if (isRecord(r)) out.push(r);
      if (page.done !== false) break;
      if (!page.nextRecordsUrl) throw new ZdsfError(`Salesforce answered the ${what} query with done: false but no nextRecordsUrl; refusing a partial read.`, 'salesforce_truncated');
      page = await this.get(page.nextRecordsUrl, `the ${what} query`);
    }
    return out;
  }

  /** The Cases whose `keyField` holds one of `keys`, with `fields` (Id, the key and SystemModstamp always). */
  async readCasesByKeys(keyField: string, keys: readonly string[], fields: readonly string[]): Promise<ExistingCase[]> {
    const select = [...new Set(['Id', keyField, 'SystemModstamp', ...fields])];
    const out: ExistingCase[] = [];
    for (const part of chunk([...new Set(keys)], IN_CHUNK)) {
      const soql = `SELECT ${select.join(', ')} FROM Case WHERE ${keyField} IN (${part.map((k) => `'${escapeSoqlString(k)}'`).join(', ')})`;
      for (const r of await this.query(soql, 'existing Cases')) {
        const { attributes: _a, ...rest } = r;
        out.push(rest as ExistingCase);
      }
    }
    return out;
  }

  /** Which of `ids` are Accounts (for the no-Account warning). */
  async existingAccountIds(ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const valid = [...new Set(ids)].filter((id) => /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(id));
    for (const part of chunk(valid, IN_CHUNK)) {
      for (const r of await this.query(`SELECT Id FROM Account WHERE Id IN (${part.map((k) => `'${k}'`).join(', ')})`, 'Account')) {
        if (typeof r.Id === 'string') out.add(r.Id);
      }
    }
    // a 15-character id in Zendesk names the same Account as its 18-character form
    for (const id of valid) if (id.length === 15 && [...out].some((x) => x.startsWith(id))) out.add(id);
    return out;
  }

  /**
   * Upserts Cases keyed by `keyField`, 200 a request, allOrNone false. Returns one result per record, in order.
   * Throws only when Salesforce cannot be reached or refuses the session; a request Salesforce refuses as a
   * whole (4xx) fails each of its records with that error.
   */
  async upsert(keyField: string, records: readonly Record<string, Scalar>[], options: { bulk?: boolean } = {}): Promise<CaseUpsertResult[]> {
    if (options.bulk && records.length > 0) return this.upsertBulk(keyField, records);
    return this.upsertCollections(keyField, records);
  }

  /**
   * The upsert through a Bulk API 2.0 ingest job (bulk-ingest.ts); records failing with a retriable error
   * (UNABLE_TO_LOCK_ROW, DUPLICATE_VALUE on the key, ...) are re-sent through Collections.
   */
  private async upsertBulk(keyField: string, records: readonly Record<string, Scalar>[]): Promise<CaseUpsertResult[]> {
    this.checkKeys(keyField, records);
    const http: SfHttp = (method, path, body, contentType) => this.call(method, path, body, contentType, keyField);
    const run = await bulkUpsert(http, this.instance.api_version, keyField, records, {
      sleep: this.sleep,
      ...(this.options.bulkPollIntervalMs !== undefined ? { pollIntervalMs: this.options.bulkPollIntervalMs } : {}),
      ...(this.options.bulkMaxPollIntervalMs !== undefined ? { maxPollIntervalMs: this.options.bulkMaxPollIntervalMs } : {}),
      ...(this.options.bulkTimeoutMs !== undefined ? { timeoutMs: this.options.bulkTimeoutMs } : {}),
    });
    this.options.logger?.debug(`Salesforce ${this.instance.name}: ${records.length} Cases through Bulk API 2.0 job ${run.jobs.join(', ')}`);
    const results = run.results;
    const again = results.map((r, i) => (this.retriable(r, keyField) ? i : -1)).filter((i) => i >= 0);
    if (again.length > 0 && this.maxAttempts > 1) {
      await this.sleep(this.baseDelayMs);
      const resent = await this.upsertCollections(keyField, again.map((i) => records[i]), this.maxAttempts - 1);
      again.forEach((i, j) => {
        const created = results[i].created === true || resent[j].created === true;
        results[i] = { ...resent[j], attempts: resent[j].attempts + 1, ...(created ? { created } : {}) };
      });
    }
    return results;
  }

  private retriable(r: CaseUpsertResult, keyField: string): boolean {
    return !r.ok && r.errors.some((e) => RETRIABLE_RECORD.has(e.statusCode) || (e.statusCode === 'DUPLICATE_VALUE' && (e.fields.length === 0 || e.fields.some((f) => f.toLowerCase() === keyField.toLowerCase()))));
  }

  private checkKeys(keyField: string, records: readonly Record<string, Scalar>[]): string[] {
    const keys = records.map((r) => String(r[keyField] ?? ''));
    const seen = new Set<string>();
    for (const k of keys) {
      if (k === '') throw new ZdsfError(`a Case upsert record has no ${keyField}: refusing to send it (it would create a Case without key)`, 'internal');
      if (seen.has(k)) throw new ZdsfError(`two Case upsert records share ${keyField} = ${k}: refusing to send them`, 'internal');
      seen.add(k);
    }
    return keys;
  }

  private async upsertCollections(keyField: string, records: readonly Record<string, Scalar>[], maxRounds = this.maxAttempts): Promise<CaseUpsertResult[]> {
    const keys = this.checkKeys(keyField, records);
    const results: CaseUpsertResult[] = keys.map((key) => ({ key, ok: false, errors: [], attempts: 0 }));
    let pending = records.map((_r, i) => i);
    for (let round = 1; pending.length > 0 && round <= maxRounds; round++) {
      if (round > 1) await this.sleep(this.baseDelayMs * 2 ** (round - 2));
      const retry: number[] = [];
      for (const part of chunk(pending, COLLECTION_SIZE)) {
        const answer = await this.send(keyField, part.map((i) => records[i]));
        part.forEach((i, j) => {
          const res = results[i];
          res.attempts += 1;
          const a = Array.isArray(answer) ? answer[j] : undefined;
          if (!Array.isArray(answer)) {
            res.errors = [answer];
            return;
          }
          if (!isRecord(a)) {
            res.errors = [{ statusCode: 'NO_RESULT', message: `Salesforce returned ${answer.length} results for ${part.length} records`, fields: [] }];
            return;
          }
          if (a.success === true) {
            res.ok = true;
            res.errors = [];
            if (typeof a.id === 'string') res.id = a.id;
            if (typeof a.created === 'boolean') res.created = res.created === true || a.created;
            return;
          }
          res.errors = (Array.isArray(a.errors) ? a.errors : []).map(recordError);
          if (this.retriable(res, keyField)) retry.push(i);
        });
      }
      pending = retry;
    }
    return results;
  }

  /** One Collections upsert request, retried on 5xx and network failures; an array of per-record results, or the error of the whole request. */
  private async send(keyField: string, records: readonly Record<string, Scalar>[]): Promise<unknown[] | SfRecordError> {
    const path = `/services/data/v${this.instance.api_version}/composite/sobjects/Case/${encodeURIComponent(keyField)}`;
    const body = JSON.stringify({ allOrNone: false, records: records.map((r) => ({ attributes: { type: 'Case' }, ...r })) });
    const { status, text } = await this.call('PATCH', path, body, 'application/json', keyField);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (status >= 200 && status < 300 && Array.isArray(parsed)) return parsed;
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    const raw = isRecord(first) ? recordError(first) : { statusCode: `HTTP_${status}`, message: String(text).slice(0, 300), fields: [] };
    return { ...raw, message: this.redacted(raw.message) };
  }

  private redacted(text: string): string {
    return redact(text, [...this.secrets, this.conn.accessToken ?? ''].filter((x) => x.length >= 4));
  }

  /**
   * One write request on the connection's session: retried on 5xx and network failures (up to maxAttempts), one
   * session refresh on 401; 401 / 403 after that throw, as does a 5xx or no answer on the last try. Any other
   * status is returned with its body.
   */
  private async call(method: string, path: string, body: string | undefined, contentType: string, keyField: string): Promise<{ status: number; text: string }> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const url = `${this.conn.instanceUrl.replace(/\/+$/, '')}${path}`;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let status: number;
      let text: string;
      try {
        this.count += 1;
        const res = await this.fetchFn(url, {
          method,
          headers: { Authorization: `Bearer ${this.conn.accessToken ?? ''}`, 'Content-Type': contentType, Accept: contentType === 'text/csv' ? 'text/csv' : 'application/json' },
          ...(body !== undefined ? { body } : {}),
          signal: controller.signal,
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        clearTimeout(timer);
        const p = errorParts(err);
        const what = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : redact(p.code ?? p.message, this.secrets);
        if (attempt >= this.maxAttempts) {
          throw new ZdsfError(`Cannot write Cases to Salesforce instance ${this.instance.name} at ${url} (${what}, ${attempt} tries). Upserts are keyed by ${keyField}: running apply again is safe.`, 'unreachable');
        }
        this.options.logger?.debug(`Salesforce ${this.instance.name}: ${method} ${path}: ${what}; retrying`);
        await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      clearTimeout(timer);
      if (status < 400 || (status < 500 && status !== 401 && status !== 403)) return { status, text };
      if (status === 401 && !refreshed) {
        refreshed = true;
        await this.get('/limits', 'a session refresh'); // jsforce renews an expired session on this GET
        continue;
      }
      const error = (() => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const first = Array.isArray(parsed) ? parsed[0] : parsed;
        const raw = isRecord(first) ? recordError(first) : { statusCode: `HTTP_${status}`, message: String(text).slice(0, 300), fields: [] };
        return { ...raw, message: this.redacted(raw.message) };
      })();
      if (status === 401 || status === 403) {
        throw new ZdsfError(`Salesforce instance ${this.instance.name} refused the Case upsert (${status} ${error.statusCode}: ${error.message}). Check the integration user's session and its Edit permission on Case.`, 'unauthorized');
      }
      if (attempt < this.maxAttempts) {
        this.options.logger?.debug(`Salesforce ${this.instance.name}: ${method} ${path}: ${status} ${error.statusCode}; retrying`);
        await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw new ZdsfError(`Salesforce instance ${this.instance.name} answered ${status} ${error.statusCode} to a Case upsert ${attempt} times (${error.message}). Upserts are keyed by ${keyField}: running apply again is safe.`, 'salesforce_error');
    }
  }
}

/** One line per failed record: `ticket #123: REQUIRED_FIELD_MISSING Required fields are missing: [Subject] (Subject)` */
export function formatUpsertFailure(r: CaseUpsertResult): string {
  const errs = r.errors.map((e) => `${e.statusCode} ${e.message}${e.fields.length ? ` (${e.fields.join(', ')})` : ''}`).join('; ');
  return `ticket #${r.key}: ${errs || 'failed without an error'}`;
}
