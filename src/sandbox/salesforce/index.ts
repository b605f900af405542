// The Salesforce half of the sandbox: OAuth token (any grant) and SOAP login, the REST API's versions,
// resources, limits, describe, SOQL query / queryAll with queryMore paging, and Bulk API 2.0 query jobs,
// over the seed's records. jsforce 3.10.16 is the reference client: it works against this unmodified.
// Over ~400 lines on purpose: createSalesforceEmulator is the emulator's router, one closure over the seed's
// database, the open query cursors and the Bulk API jobs; SOQL (soql.ts), sObject writes (writes.ts),
// credentials (credentials.ts), describes (describe.ts) and the change feed (changes.ts) are their own files.
//
// Where the sandbox differs from Salesforce on purpose:
// - any credentials and any bearer token are accepted (only a missing Authorization header is refused),
//   unless the seed's `auth` turns credentials mode on (credentials.ts);
//   every API version vNN.N is served the same way.
// - SOQL is a subset (see soql.ts): no GROUP BY / HAVING / aggregate functions other than COUNT(),
//   no TYPEOF, no DISTANCE / GEOLOCATION, no USING SCOPE; these answer MALFORMED_QUERY saying so.
// - the user's time zone is UTC and the fiscal year is the calendar year (date literals, date functions);
//   text sorts by lower-cased code points, not by the org's locale collation.
// - the top-level batch size is not reduced for queries with subqueries; child subqueries page after
//   `childBatchSize` (200) children; query locators do not expire (but only 10 stay open, as in Salesforce).
// - Bulk API 2.0 query jobs are evaluated when created (a snapshot) and move one state per status check;
//   ingest jobs (upserts, ingest.ts) run when a status check finds their processing delay passed.
// - sObject writes (single records and sObject Collections: create, update, upsert by external id) are those
//   of writes.ts, which says where they differ.
// - records also change between runs through the control endpoint POST /__sandbox/salesforce/changes
//   (changes.ts), which keeps SystemModstamp, LastModifiedDate and IsDeleted.
import { randomBytes } from 'node:crypto';
import type { SalesforceSeed, SfSeedRecord } from '../../model/seed.js';
import type { Emulator, SandboxRequest, SandboxResponse } from '../http.js';
import { SfDatabase } from './database.js';
import { SfApiError } from './errors.js';
import { SalesforceCredentials } from './credentials.js';
import { compileQuery, type Column, type CompiledQuery } from './soql.js';
import { createSalesforceWrites } from './writes.js';
import { createIngestJobs } from './ingest.js';
import { SfChangeLog, type SfChange, type SfChangeResult } from './changes.js';

export { SfDatabase } from './database.js';
export { SfApiError } from './errors.js';
export { compileQuery, evaluateQuery, type QueryOptions } from './soql.js';

export interface SalesforceEmulatorOptions {
  /** the sandbox's base URL (http://127.0.0.1:PORT): instance_url and the identity URL */
  baseUrl: () => string;
  /** the clock for SOQL date literals; default: the real time */
  now?: () => Date;
  /** clock (ms) for access-token lifetimes in credentials mode; default Date.now */
  authNow?: () => number;
  /** how many status checks of a Bulk API 2.0 query job answer InProgress before JobComplete (default 1) */
  bulkInProgressChecks?: number;
  /** records a Bulk API 2.0 results page holds when the client sends no maxRecords (default 50000) */
  bulkMaxRecords?: number;
  /** children of one parent answered inline by a subquery before it pages with nextRecordsUrl (default 200) */
  childBatchSize?: number;
  /** query cursors open at once; opening one more releases the oldest, as Salesforce does (default 10) */
  maxOpenCursors?: number;
  /** clock (ms) of the SystemModstamp of records changed through change(); default: now, else the real time */
  changeNow?: () => number;
  /** Sforce-Limit-Info's daily maximum (default 15000) */
  apiLimit?: number;
  /** processing time (ms) of a Bulk API 2.0 ingest job of n records (ingest.ts); absent: one state per status check */
  bulkIngestDelayMs?: (records: number) => number;
}

export interface SalesforceEmulator extends Emulator<SalesforceSeed> {
  /** the in-memory org (records, schema, indexes), for tests */
  database(): SfDatabase;
  /** creates / updates / deletes / undeletes records (POST /__sandbox/salesforce/changes; see changes.ts) */
  change(changes: SfChange[]): SfChangeResult[];
}

export const ORG_ID = '00DSB0000000001AAA';
export const USER_ID = '005SB0000000001AAA';
const VERSIONS = ['55.0', '56.0', '57.0', '58.0', '59.0', '60.0', '61.0', '62.0', '63.0', '64.0'];
const RELEASE: Record<string, string> = {
  '55.0': "Summer '22",
  '56.0': "Winter '23",
  '57.0': "Spring '23",
  '58.0': "Summer '23",
  '59.0': "Winter '24",
  '60.0': "Spring '24",
  '61.0': "Summer '24",
  '62.0': "Winter '25",
  '63.0': "Spring '25",
  '64.0': "Summer '25",
};
const GRANTS = new Set([
  'password',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh_token',
  'authorization_code',
]);
const DELIMITERS: Record<string, string> = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' };
const MAX_CHILD_CURSORS = 100_000;
const DEFAULT_BATCH = 2000;
const DEFAULT_MAX_RECORDS = 50_000;

interface Cursor {
  query: CompiledQuery;
  rows: SfSeedRecord[];
}

interface BulkJob {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  query: CompiledQuery;
  rows: SfSeedRecord[];
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed';
  inProgressAnswers: number;
  createdDate: string;
  columnDelimiter: string;
  lineEnding: 'LF' | 'CRLF';
  apiVersion: number;
}

/** a JWT bearer assertion's claims, when it is shaped like one (the signature is not checked) */
function jwtClaims(assertion: string | undefined): Record<string, unknown> | undefined {
  const parts = assertion?.split('.');
  if (!parts || parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function grantRefusal(grant: string, form: Record<string, string>): { error: string; error_description: string } | undefined {
  switch (grant) {
    case 'password':
      if (!form.client_id) return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
      if (!form.username || !form.password) return { error: 'invalid_grant', error_description: 'authentication failure' };
      return undefined;
    case 'client_credentials':
      if (!form.client_id || !form.client_secret) return { error: 'invalid_client', error_description: 'invalid client credentials' };
      return undefined;
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      const claims = jwtClaims(form.assertion);
      if (!claims || !claims.iss || !claims.sub || !claims.aud || typeof claims.exp !== 'number') return { error: 'invalid_grant', error_description: 'invalid assertion' };
      return undefined;
    }
    case 'refresh_token':
      if (!form.refresh_token) return { error: 'invalid_grant', error_description: 'expired access/refresh token' };
      return undefined;
    case 'authorization_code':
      if (!form.code) return { error: 'invalid_grant', error_description: 'invalid authorization code' };
      return undefined;
    default:
      return undefined;
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers }, body };
}

function sfError(status: number, errorCode: string, message: string): SandboxResponse {
  return json(status, [{ message, errorCode }]);
}

function sfDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

function formFields(req: SandboxRequest): Record<string, string> {
  const out: Record<string, string> = {};
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    if (Object.keys(out).length) return out;
  }
  for (const [k, v] of new URLSearchParams(req.rawBody ?? '')) out[k] = v;
  return out;
}

function jsonBody(req: SandboxRequest): Record<string, unknown> {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) return req.body as Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(req.rawBody || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function xmlUnescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '""';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.indexOf('"') === -1 ? `"${s}"` : `"${s.replace(/"/g, '""')}"`;
}

/** Base64 of the offset, as Salesforce's Bulk API 2.0 locators are. */
function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(locator: string): number | undefined {
  const n = Number(Buffer.from(locator, 'base64').toString('utf8'));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function createSalesforceEmulator(seed: SalesforceSeed | undefined, options: SalesforceEmulatorOptions): SalesforceEmulator {
  const initial: SalesforceSeed = seed ?? {};
  let current: SalesforceSeed = initial;
  let db = new SfDatabase(current);
  let changeLog = new SfChangeLog(() => (options.changeNow ? options.changeNow() : options.now ? options.now().getTime() : Date.now()));
  let apiUsage = 0;
  let sequence = 0;
  const cursors = new Map<string, Cursor>();
  /** child subquery results not yet read to the end (kept apart: one query may open thousands) */
  const childCursors = new Map<string, Cursor>();
  const jobs = new Map<string, BulkJob>();
  const apiLimit = options.apiLimit ?? 15_000;
  const inProgressChecks = options.bulkInProgressChecks ?? 1;
  const childBatchSize = Math.max(1, options.childBatchSize ?? 200);
  const maxOpenCursors = Math.max(1, options.maxOpenCursors ?? 10);
  const now = (): Date => (options.now ? options.now() : new Date());
  const authNow = options.authNow ?? (() => Date.now());
  let credentials = new SalesforceCredentials(current.auth, authNow);

  const nextId = (prefix: string): string => {
    sequence += 1;
    return `${prefix}SB${String(sequence).padStart(10, '0')}AAA`;
  };

  const writes = createSalesforceWrites({ db: () => db, newId: (prefix) => nextId(prefix), now, userId: USER_ID });
  const ingest = createIngestJobs({ writes, newId: (prefix) => nextId(prefix), now, userId: USER_ID, ...(options.bulkIngestDelayMs ? { delayMs: options.bulkIngestDelayMs } : {}), ...(options.authNow ? { clock: options.authNow } : {}) });

  const limitHeaders = (): Record<string, string> => ({ 'Sforce-Limit-Info': `api-usage=${apiUsage}/${apiLimit}` });
  const withLimits = (res: SandboxResponse): SandboxResponse => ({ ...res, headers: { ...(res.headers ?? {}), ...limitHeaders() } });

  function token(req: SandboxRequest): SandboxResponse {
    const form = formFields(req);
    const grant = form.grant_type;
    if (!grant || !GRANTS.has(grant)) {
      return json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    }
    // any credentials are accepted, but a request missing what its grant needs is refused as Salesforce does
    const refusal = grantRefusal(grant, form) ?? credentials.refuse(grant, form, jwtClaims(form.assertion));
    if (refusal) return json(400, refusal);
    const base = options.baseUrl();
    const body: Record<string, string> = {
      access_token: `${ORG_ID.slice(0, 15)}!${randomBytes(24).toString('base64url')}`,
      instance_url: base,
      id: `${base}/id/${ORG_ID}/${USER_ID}`,
      token_type: 'Bearer',
      issued_at: String(now().getTime()),
      signature: randomBytes(32).toString('base64'),
      scope: 'api refresh_token',
    };
    if (grant === 'authorization_code') body.refresh_token = `5Aep${randomBytes(24).toString('base64url')}`;
    credentials.issue(body.access_token);
    return json(200, body);
  }

  function soapLogin(req: SandboxRequest, version: string): SandboxResponse {
    const username = /<username>([^<]*)<\/username>/.exec(req.rawBody ?? '')?.[1];
    const password = /<password>([^<]*)<\/password>/.exec(req.rawBody ?? '')?.[1];
    if (!username || !password || !credentials.passwordOk(xmlUnescape(username), xmlUnescape(password))) {
      const fault =
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>' +
        '<faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>' +
        '</soapenv:Fault></soapenv:Body></soapenv:Envelope>';
      return { status: 500, headers: { 'Content-Type': 'text/xml;charset=UTF-8' }, text: fault };
    }
    const base = options.baseUrl();
    const session = `${ORG_ID.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    credentials.issue(session);
    const text =
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<soapenv:Body><loginResponse><result>' +
      `<metadataServerUrl>${base}/services/Soap/m/${version}/${ORG_ID}</metadataServerUrl>` +
      '<passwordExpired>false</passwordExpired><sandbox>true</sandbox>' +
      `<serverUrl>${base}/services/Soap/u/${version}/${ORG_ID}</serverUrl>` +
      `<sessionId>${session}</sessionId><userId>${USER_ID}</userId>` +
      `<userInfo><organizationId>${ORG_ID}</organizationId><organizationName>zdsf sandbox</organizationName>` +
      `<userEmail>${xmlEscape(username)}</userEmail><userFullName>Sandbox User</userFullName><userId>${USER_ID}</userId>` +
      `<userName>${xmlEscape(username)}</userName></userInfo>` +
      '</result></loginResponse></soapenv:Body></soapenv:Envelope>';
    return { status: 200, headers: { 'Content-Type': 'text/xml;charset=UTF-8' }, text };
  }

  function identity(): SandboxResponse {
    const base = options.baseUrl();
    return json(200, {
      id: `${base}/id/${ORG_ID}/${USER_ID}`,
      asserted_user: true,
      user_id: USER_ID,
      organization_id: ORG_ID,
      username: 'sandbox@zdsf.invalid',
      display_name: 'Sandbox User',
      email: 'sandbox@zdsf.invalid',
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: { rest: `${base}/services/data/v{version}/`, query: `${base}/services/data/v{version}/query/`, sobjects: `${base}/services/data/v{version}/sobjects/` },
    });
  }

  function versions(): SandboxResponse {
    return json(200, VERSIONS.map((v) => ({ label: RELEASE[v] ?? v, url: `/services/data/v${v}`, version: v })));
  }

  function resources(v: string): SandboxResponse {
    const p = `/services/data/v${v}`;
    return json(200, {
      limits: `${p}/limits`,
      query: `${p}/query`,
      queryAll: `${p}/queryAll`,
      sobjects: `${p}/sobjects`,
      jobs: { ingest: `${p}/jobs/ingest`, query: `${p}/jobs/query` },
      search: `${p}/search`,
      tooling: `${p}/tooling`,
    });
  }

  function limits(): SandboxResponse {
    const bulkJobs = jobs.size;
    return json(200, {
      DailyApiRequests: { Max: apiLimit, Remaining: Math.max(0, apiLimit - apiUsage) },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: Math.max(0, 10_000 - bulkJobs) },
      DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
      DataStorageMB: { Max: 5, Remaining: 5 },
    });
  }

  function describeGlobal(v: string): SandboxResponse {
    return json(200, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: db.allTables().map((t) => ({
        name: t.name,
        label: t.name,
        custom: t.custom,
        queryable: true,
        retrieveable: true,
        searchable: true,
        keyPrefix: t.records[0]?.Id?.slice(0, 3) ?? null,
        urls: { sobject: `/services/data/v${v}/sobjects/${t.name}`, describe: `/services/data/v${v}/sobjects/${t.name}/describe` },
      })),
    });
  }

  function notFound(): SandboxResponse {
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  function retrieve(v: string, object: string, id: string): SandboxResponse {
    const table = db.table(object);
    if (!table) return notFound();
    const rec = table.byId.get(id);
    if (!rec) return notFound();
    const out: Record<string, unknown> = { attributes: { type: table.name, url: `/services/data/v${v}/sobjects/${table.name}/${rec.Id}` } };
    for (const f of table.fields.values()) out[f.name] = f.get(rec);
    return json(200, out);
  }

  function page(v: string, cursorId: string, cursor: Cursor, offset: number, batchSize: number): SandboxResponse {
    const end = Math.min(cursor.rows.length, offset + batchSize);
    const records = cursor.rows.slice(offset, end).map((r) => cursor.query.render(r));
    const done = end >= cursor.rows.length;
    if (done) {
      cursors.delete(cursorId);
      childCursors.delete(cursorId);
    }
    return json(200, {
      totalSize: cursor.rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${v}/query/${cursorId}-${end}` }),
      records,
    });
  }

  function batchSizeOf(req: SandboxRequest): number {
    const opts = header(req, 'sforce-query-options') ?? '';
    const m = /batchSize\s*=\s*(\d+)/i.exec(opts);
    if (!m) return DEFAULT_BATCH;
    return Math.min(2000, Math.max(200, Number(m[1])));
  }

  function query(req: SandboxRequest, v: string, all: boolean, locator: string | undefined): SandboxResponse {
    const batchSize = batchSizeOf(req);
    if (locator) {
      const m = /^(.+)-(\d+)$/.exec(locator);
      const child = m ? childCursors.get(m[1]) : undefined;
      const cursor = m ? (cursors.get(m[1]) ?? child) : undefined;
      if (!m || !cursor) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return page(v, m[1], cursor, Number(m[2]), child ? childBatchSize : batchSize);
    }
    const soql = req.url.searchParams.get('q');
    if (!soql) return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const childPage = {
      size: childBatchSize,
      register: (query: CompiledQuery, rows: SfSeedRecord[]): string => {
        const id = nextId('01g');
        childCursors.set(id, { query, rows });
        while (childCursors.size > MAX_CHILD_CURSORS) childCursors.delete(childCursors.keys().next().value as string);
        return `/services/data/v${v}/query/${id}-${childBatchSize}`;
      },
    };
    const q = compileQuery(db, soql, { now: now(), version: v, includeDeleted: all, childPage });
    const rows = q.run();
    if (q.count) return json(200, { totalSize: rows.length, done: true, records: [] });
    const cursorId = nextId('01g');
    const cursor = { query: q, rows };
    if (rows.length > batchSize) {
      cursors.set(cursorId, cursor);
      while (cursors.size > maxOpenCursors) cursors.delete(cursors.keys().next().value as string);
    }
    return page(v, cursorId, cursor, 0, batchSize);
  }

  function jobInfo(job: BulkJob, full: boolean): Record<string, unknown> {
    const info: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: USER_ID,
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      jobType: 'V2Query',
      lineEnding: job.lineEnding,
      columnDelimiter: Object.entries(DELIMITERS).find(([, d]) => d === job.columnDelimiter)?.[0] ?? 'COMMA',
    };
    if (full) {
      info.numberRecordsProcessed = job.state === 'JobComplete' ? job.rows.length : 0;
      info.retries = 0;
      info.totalProcessingTime = job.state === 'JobComplete' ? 1 : 0;
    }
    return info;
  }

  function createJob(req: SandboxRequest, v: string): SandboxResponse {
    const body = jsonBody(req);
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll') {
      return sfError(400, 'INVALIDJOB', `InvalidJob : Invalid operation '${String(operation)}': a query job's operation is query or queryAll`);
    }
    if (typeof body.query !== 'string' || !body.query.trim()) return sfError(400, 'INVALIDJOB', 'InvalidJob : the query field is required');
    const delimiterName = typeof body.columnDelimiter === 'string' ? body.columnDelimiter : 'COMMA';
    const delimiter = DELIMITERS[delimiterName];
    if (!delimiter) return sfError(400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter '${delimiterName}'`);
    const lineEnding = body.lineEnding === 'CRLF' ? 'CRLF' : 'LF';
    const q = compileQuery(db, body.query, { now: now(), version: v, includeDeleted: operation === 'queryAll' });
    // Bulk API 2.0 refuses GROUP BY, OFFSET, TYPEOF, aggregate functions and parent-to-child subqueries
    // (GROUP BY and TYPEOF are refused by the evaluator already)
    if (q.hasSubquery || q.count || q.offset !== undefined) {
      return sfError(400, 'API_ERROR', 'Bulk API 2.0 query does not support OFFSET, aggregate functions such as COUNT() or parent-to-child (nested) queries');
    }
    const job: BulkJob = {
      id: nextId('750'),
      operation,
      object: q.table.name,
      query: q,
      rows: q.run(),
      state: 'UploadComplete',
      inProgressAnswers: 0,
      createdDate: sfDateTime(now()),
      columnDelimiter: delimiter,
      lineEnding,
      apiVersion: Number(v),
    };
    jobs.set(job.id, job);
    return json(200, jobInfo(job, false));
  }

  function checkJob(job: BulkJob): SandboxResponse {
    if (job.state === 'UploadComplete') job.state = inProgressChecks > 0 ? 'InProgress' : 'JobComplete';
    else if (job.state === 'InProgress') {
      job.inProgressAnswers += 1;
      if (job.inProgressAnswers >= inProgressChecks) job.state = 'JobComplete';
    }
    return json(200, jobInfo(job, true));
  }

  function results(req: SandboxRequest, job: BulkJob): SandboxResponse {
    if (job.state !== 'JobComplete') {
      return sfError(400, 'INVALIDJOB', `InvalidJob : Job ${job.id} is not complete (state ${job.state}): results are available once it is JobComplete`);
    }
    const locator = req.url.searchParams.get('locator');
    const offset = locator ? decodeLocator(locator) : 0;
    if (offset === undefined) return sfError(400, 'INVALIDLOCATOR', `Invalid locator '${locator}'`);
    const maxParam = req.url.searchParams.get('maxRecords');
    const max = maxParam && Number(maxParam) > 0 ? Math.floor(Number(maxParam)) : (options.bulkMaxRecords ?? DEFAULT_MAX_RECORDS);
    const end = Math.min(job.rows.length, offset + max);
    const cols: Column[] = job.query.columns;
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    const d = job.columnDelimiter;
    const lines = [cols.map((c) => csvCell(c.header)).join(d)];
    for (let i = offset; i < end; i++) {
      const rec = job.rows[i];
      lines.push(cols.map((c) => csvCell(c.get(rec))).join(d));
    }
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/csv',
        'Sforce-Locator': end < job.rows.length ? encodeLocator(end) : 'null',
        'Sforce-NumberOfRecords': String(end - offset),
      },
      text: lines.join(eol) + eol,
    };
  }

  function bulk(req: SandboxRequest, v: string, rest: string[]): SandboxResponse {
    // rest: [] | [id] | [id, 'results']
    if (rest.length === 0) {
      if (req.method === 'POST') return createJob(req, v);
      if (req.method === 'GET') {
        return json(200, { done: true, records: [...jobs.values()].map((j) => jobInfo(j, false)), nextRecordsUrl: null });
      }
      return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,POST`);
    }
    const job = jobs.get(rest[0]);
    if (!job) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (rest.length === 1) {
      if (req.method === 'GET') return checkJob(job);
      if (req.method === 'DELETE') {
        jobs.delete(job.id);
        return { status: 204 };
      }
      if (req.method === 'PATCH') {
        const body = jsonBody(req);
        if (body.state !== 'Aborted') return sfError(400, 'INVALIDJOB', "InvalidJob : a query job can only be changed to state 'Aborted'");
        job.state = 'Aborted';
        return json(200, jobInfo(job, false));
      }
    }
    if (rest.length === 2 && rest[1] === 'results' && req.method === 'GET') return results(req, job);
    return notFound();
  }

  function data(req: SandboxRequest, v: string, parts: string[]): SandboxResponse {
    const [head, ...rest] = parts;
    if (head === undefined) return resources(v);
    if (head === 'limits' && rest.length === 0) return limits();
    if ((head === 'query' || head === 'queryAll') && req.method === 'GET' && rest.length <= 1) {
      return query(req, v, head === 'queryAll', rest[0] || undefined);
    }
    if (head === 'sobjects' && req.method === 'GET') {
      if (rest.length === 0) return describeGlobal(v);
      const [object, second] = rest;
      if (rest.length === 2 && second === 'describe') {
        const d = db.describe(object, v, options.baseUrl());
        return d ? json(200, d) : notFound();
      }
      if (rest.length === 1) {
        const d = db.describe(object, v, options.baseUrl());
        if (!d) return notFound();
        const { fields: _fields, childRelationships: _children, ...objectDescribe } = d;
        return json(200, { objectDescribe, recentItems: [] });
      }
      if (rest.length === 2) return retrieve(v, object, second);
    }
    if (head === 'jobs' && rest[0] === 'query') return bulk(req, v, rest.slice(1));
    if (head === 'jobs' && rest[0] === 'ingest') return ingest.route(req, v, rest.slice(1));
    const written = writes.route(req, v, parts);
    if (written) return written;
    return notFound();
  }

  const route = (req: SandboxRequest): SandboxResponse | undefined => {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === '/services/oauth2/token' && req.method === 'POST') return token(req);
    if (path === '/services/oauth2/revoke') return { status: 200, headers: {}, text: '' };
    const soap = /^\/services\/Soap\/u\/(\d+\.\d+)$/.exec(path);
    if (soap && req.method === 'POST') return soapLogin(req, soap[1]);
    const authorized = credentials.accept(header(req, 'authorization'));
    if (path === `/id/${ORG_ID}/${USER_ID}` || path === '/services/oauth2/userinfo') {
      return authorized ? identity() : json(403, 'Bad_OAuth_Token');
    }
    if (!path.startsWith('/services/')) return undefined;
    if (path === '/services/data') return withLimits(versions());
    const m = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(path);
    if (!m) return withLimits(notFound());
    if (!authorized) return withLimits(sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'));
    apiUsage += 1;
    const parts = (m[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    try {
      return withLimits(data(req, m[1], parts));
    } catch (e) {
      if (e instanceof SfApiError) return withLimits(sfError(e.status, e.errorCode, e.message));
      throw e;
    }
  };

  return {
    route,
    state: () => {
      const written = writes.written();
      return Object.keys(written).length > 0 ? { ...current, ...written } : current;
    },
    reset(next?: SalesforceSeed) {
      current = next ?? initial;
      db = new SfDatabase(current);
      credentials = new SalesforceCredentials(current.auth, authNow);
      writes.reset();
      ingest.reset();
      cursors.clear();
      childCursors.clear();
      jobs.clear();
      apiUsage = 0;
      changeLog = new SfChangeLog(() => (options.changeNow ? options.changeNow() : options.now ? options.now().getTime() : Date.now()));
    },
    database: () => db,
    change(changes: SfChange[]): SfChangeResult[] {
      // the records zdsf wrote (Cases) are part of the org the changes apply to: a new database without them
      // would lose them (issue 18)
      const written = writes.written();
      const base = Object.keys(written).length > 0 ? { ...current, ...written } : current;
      const { seed: next, results } = changeLog.apply(base, changes, db);
      current = next;
      db = new SfDatabase(current);
      writes.rebase();
      return results;
    },
  };
}
