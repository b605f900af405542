// sObject writes for the sandbox's Salesforce (issue 18: zdsf writes Cases): single-record create, update and
// upsert by external id, and sObject Collections create, update and upsert, with Salesforce's answers and
// validation errors. Any object of the seed can be written; zdsf writes Case.
//
//   POST  /services/data/vXX.X/sobjects/{Object}                      -> 201 { id, success, errors }
//   PATCH /services/data/vXX.X/sobjects/{Object}/{Id}                 -> 204
//   PATCH /services/data/vXX.X/sobjects/{Object}/{ExtField}/{value}   -> 201 created / 200 updated { id, success, errors, created }
//   POST  /services/data/vXX.X/composite/sobjects                     -> 200 [{ id, success, errors }]
//   PATCH /services/data/vXX.X/composite/sobjects                     -> 200 [{ id, success, errors }]
//   PATCH /services/data/vXX.X/composite/sobjects/{Object}/{ExtField} -> 200 [{ id, success, errors, created }]
//
// Checks, in Salesforce's shape: an unknown field fails the whole request (400 INVALID_FIELD); per record, a field
// that is not createable (create) or updateable (update) is INVALID_FIELD_FOR_INSERT_UPDATE, a missing required
// field (describe nillable: false, not defaulted) REQUIRED_FIELD_MISSING, a value already held by another record
// in a unique or external-id-and-unique field DUPLICATE_VALUE, a lookup to no record FIELD_INTEGRITY_EXCEPTION.
// `allOrNone: true` rolls the request back on the first failure (the others answer ALL_OR_NONE_OPERATION_ROLLED_BACK).
//
// Where the sandbox differs on purpose: more than 200 records answer 400 EXCEEDED_ID_LIMIT; no triggers, workflow
// or validation rules; Case.IsClosed follows Status "Closed" only; records written are kept in memory until reset.
import type { SfSeedRecord } from '../../model/seed.js';
import type { SandboxRequest, SandboxResponse } from '../http.js';
import type { SfDatabase, SObjectTable } from './database.js';

export interface SalesforceWritesOptions {
  /** the current in-memory org (it changes on reset) */
  db: () => SfDatabase;
  /** a new record Id with this key prefix */
  newId: (prefix: string) => string;
  now: () => Date;
  /** the integration user's Id (OwnerId, CreatedById) */
  userId: string;
}

export interface SalesforceWrites {
  /** answers a write request under /services/data/vXX.X/, or undefined when it is not one */
  route(req: SandboxRequest, version: string, parts: string[]): SandboxResponse | undefined;
  /** the objects written since the last reset, with all their records (for the sandbox's state) */
  written(): Record<string, SfSeedRecord[]>;
  /** a Bulk API 2.0 ingest upsert (ingest.ts): each CSV row of `object` by `keyField`, one outcome per row; a
   * string when the job fails as a whole (no such object, field or external id field) */
  ingestUpsert(object: string, keyField: string, rows: Record<string, string>[]): IngestOutcome[] | string;
  reset(): void;
  /** forgets which tables were written (their records are now the org's own, after a change batch), keeping
   * the CaseNumber counter */
  rebase(): void;
}

interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

type Outcome = { ok: true; id: string; created?: boolean } | { ok: false; errors: RecordError[] };
export type IngestOutcome = Outcome;

const NUMERIC = new Set(['double', 'int', 'currency', 'percent', 'long']);

const MAX_RECORDS = 200;
const SYSTEM = new Set(['id', 'isdeleted', 'createddate', 'createdbyid', 'lastmodifieddate', 'lastmodifiedbyid', 'systemmodstamp']);
const PREFIX: Record<string, string> = { Account: '001', Contact: '003', Lead: '00Q', Case: '500', User: '005' };

const json = (status: number, body: unknown): SandboxResponse => ({ status, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body });
const sfError = (status: number, errorCode: string, message: string, fields?: string[]): SandboxResponse =>
  json(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown): boolean => v === null || v === undefined || v === '';
const sfDateTime = (d: Date): string => d.toISOString().replace('Z', '+0000');

class InvalidField extends Error {
  constructor(
    readonly field: string,
    readonly object: string,
  ) {
    super(`No such column '${field}' on sobject of type ${object}`);
  }
}

export function createSalesforceWrites(options: SalesforceWritesOptions): SalesforceWrites {
  /** objects whose records were copied (the seed's own objects are never changed: reset restores them) */
  let copied = new Set<SObjectTable>();
  let caseNumber = 1000;

  function writable(table: SObjectTable): void {
    if (copied.has(table)) return;
    for (let i = 0; i < table.records.length; i++) {
      const copy = { ...table.records[i] };
      table.records[i] = copy;
      if (typeof copy.Id === 'string') table.byId.set(copy.Id, copy);
    }
    copied.add(table);
    valueIndex.delete(table); // it held the records before the copy
  }

  /** records by the lower-cased value of a field (unique and external-id fields: upsert keys and DUPLICATE_VALUE
   * checks), built on first use and kept up to date by insert and update, so that n writes cost O(n), not O(n²) */
  let valueIndex = new Map<SObjectTable, Map<string, Map<string, SfSeedRecord[]>>>();
  const norm = (v: unknown): string => String(v).toLowerCase();
  function indexOf(table: SObjectTable, field: string): Map<string, SfSeedRecord[]> {
    let byField = valueIndex.get(table);
    if (!byField) valueIndex.set(table, (byField = new Map()));
    let idx = byField.get(field);
    if (!idx) {
      idx = new Map();
      for (const r of table.records) if (!blank(r[field])) idx.set(norm(r[field]), [...(idx.get(norm(r[field])) ?? []), r]);
      byField.set(field, idx);
    }
    return idx;
  }
  /** keeps the built indexes of `table` in step with `rec`, whose fields `before` held the old values */
  function reindex(table: SObjectTable, rec: SfSeedRecord, before: Record<string, unknown> | undefined): void {
    for (const [field, idx] of valueIndex.get(table) ?? []) {
      const old = before ? before[field] : undefined;
      if (before && old === rec[field]) continue;
      if (!blank(old)) {
        const list = (idx.get(norm(old)) ?? []).filter((r) => r !== rec);
        if (list.length > 0) idx.set(norm(old), list);
        else idx.delete(norm(old));
      }
      if (!blank(rec[field])) idx.set(norm(rec[field]), [...(idx.get(norm(rec[field])) ?? []), rec]);
    }
  }

  function changed(table: SObjectTable): void {
    table.invalidateIndexes();
    options.db().invalidateIndex();
  }

  /** field values of a request record, by canonical field name; throws InvalidField for an unknown one */
  function fieldsOf(table: SObjectTable, rec: Record<string, unknown>): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'attributes') continue;
      const f = table.field(k);
      if (!f) throw new InvalidField(k, table.name);
      out.set(f.name, v);
    }
    return out;
  }

  function check(table: SObjectTable, values: Map<string, unknown>, existing: SfSeedRecord | undefined): RecordError[] {
    const errors: RecordError[] = [];
    const notWritable: string[] = [];
    for (const name of values.keys()) {
      const d = table.field(name)!.describe;
      if (name === 'Id' && existing) continue;
      const allowed = existing ? d.updateable !== false : d.createable !== false;
      if (SYSTEM.has(name.toLowerCase()) || !allowed || d.autoNumber === true || d.calculated === true) notWritable.push(name);
    }
    if (notWritable.length > 0) {
      errors.push({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: notWritable,
      });
    }
    const missing: string[] = [];
    for (const f of table.fields.values()) {
      const d = f.describe;
      if (d.nillable !== false || d.defaultedOnCreate === true || d.createable === false || d.autoNumber || f.type === 'boolean' || SYSTEM.has(f.name.toLowerCase())) continue;
      const given = values.has(f.name) ? values.get(f.name) : existing ? existing[f.name] : undefined;
      if (blank(given)) missing.push(f.name);
    }
    if (missing.length > 0) errors.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
    for (const [name, v] of values) {
      const f = table.field(name)!;
      if (blank(v)) continue;
      if (f.describe.unique === true) {
        const other = (indexOf(table, f.name).get(norm(v)) ?? []).find((r) => r !== existing);
        if (other) errors.push({ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: ${f.name} duplicates value on record with id: ${other.Id}`, fields: [f.name] });
      }
      if (f.type === 'reference' && typeof v === 'string') {
        const targets = f.describe.referenceTo ?? [];
        const db = options.db();
        const found = targets.length > 0 ? targets.some((t) => db.table(t)?.byId.has(v)) : db.recordById(v) !== undefined;
        if (!found) errors.push({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${f.describe.label ?? f.name}: id value of incorrect type: ${v}`, fields: [f.name] });
      }
    }
    return errors;
  }

  function derive(table: SObjectTable, rec: SfSeedRecord): void {
    const now = sfDateTime(options.now());
    rec.LastModifiedDate = now;
    rec.SystemModstamp = now;
    rec.LastModifiedById = options.userId;
    if (table.name === 'Case') {
      const closed = rec.Status === 'Closed';
      if (closed && rec.IsClosed !== true) rec.ClosedDate = now;
      if (!closed) rec.ClosedDate = null;
      rec.IsClosed = closed;
    }
  }

  function insert(table: SObjectTable, values: Map<string, unknown>): Outcome {
    const errors = check(table, values, undefined);
    if (errors.length > 0) return { ok: false, errors };
    writable(table);
    const now = sfDateTime(options.now());
    const rec: SfSeedRecord = { Id: options.newId(PREFIX[table.name] ?? 'a0A'), IsDeleted: false, CreatedDate: now, CreatedById: options.userId };
    if (table.field('OwnerId')) rec.OwnerId = options.userId;
    if (table.name === 'Case') rec.CaseNumber = String(++caseNumber).padStart(8, '0');
    for (const [k, v] of values) rec[k] = v;
    derive(table, rec);
    table.records.push(rec);
    table.byId.set(rec.Id, rec);
    reindex(table, rec, undefined);
    changed(table);
    return { ok: true, id: rec.Id, created: true };
  }

  function update(table: SObjectTable, id: unknown, values: Map<string, unknown>): Outcome {
    const current = typeof id === 'string' ? table.byId.get(id) : undefined;
    if (!current) return { ok: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
    values.delete('Id');
    const errors = check(table, values, current);
    if (errors.length > 0) return { ok: false, errors };
    writable(table);
    const rec = table.byId.get(current.Id)!;
    const before = { ...rec };
    for (const [k, v] of values) rec[k] = v;
    derive(table, rec);
    reindex(table, rec, before);
    changed(table);
    return { ok: true, id: rec.Id, created: false };
  }

  function upsert(table: SObjectTable, keyField: string, key: unknown, values: Map<string, unknown>): Outcome | SandboxResponse {
    if (blank(key)) return { ok: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${keyField} not specified`, fields: [] }] };
    const matches = (indexOf(table, keyField).get(norm(key)) ?? []).filter((r) => String(r[keyField]) === String(key));
    if (matches.length > 1) return json(300, matches.map((m) => `/services/data/sobjects/${table.name}/${m.Id}`));
    if (matches.length === 1) {
      values.delete(keyField);
      return update(table, matches[0].Id, values);
    }
    values.set(keyField, key);
    return insert(table, values);
  }

  /** the external id field of an upsert: Id, or a field with externalId (or idLookup) in the describe */
  function keyFieldOf(table: SObjectTable, name: string): string | SandboxResponse {
    const f = table.field(name);
    if (!f) return sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
    if (f.name !== 'Id' && f.describe.externalId !== true) {
      return sfError(400, 'INVALID_FIELD', `Field name provided, ${f.name} is not an External ID or indexed field for ${table.name}`);
    }
    return f.name;
  }

  function result(o: Outcome, withCreated: boolean): Record<string, unknown> {
    if (o.ok) return { id: o.id, success: true, errors: [], ...(withCreated ? { created: o.created === true } : {}) };
    return { success: false, errors: o.errors };
  }

  function single(req: SandboxRequest, rest: string[]): SandboxResponse | undefined {
    const [object, a, b] = rest;
    const table = options.db().table(object);
    if (req.method === 'POST' && rest.length === 1) {
      if (!table) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const body = isObj(req.body) ? req.body : {};
      const o = insert(table, fieldsOf(table, body));
      return o.ok ? json(201, result(o, false)) : json(400, o.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
    }
    if (req.method !== 'PATCH' || !table || (rest.length !== 2 && rest.length !== 3)) return undefined;
    const body = isObj(req.body) ? req.body : {};
    let o: Outcome | SandboxResponse;
    if (rest.length === 2) {
      if (!table.byId.has(a)) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      o = update(table, a, fieldsOf(table, body));
      if ('ok' in o && o.ok) return { status: 204 };
    } else {
      const key = keyFieldOf(table, a);
      if (typeof key !== 'string') return key;
      o = upsert(table, key, decodeURIComponent(b), fieldsOf(table, body));
      if ('ok' in o && o.ok) return json(o.created ? 201 : 200, result(o, true));
    }
    if (!('ok' in o)) return o;
    return json(400, (o.ok ? [] : o.errors).map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
  }

  function collection(req: SandboxRequest, rest: string[]): SandboxResponse | undefined {
    const post = req.method === 'POST' && rest.length === 0;
    const patch = req.method === 'PATCH' && (rest.length === 0 || rest.length === 2);
    if (!post && !patch) return undefined;
    const body = isObj(req.body) ? req.body : {};
    const records = Array.isArray(body.records) ? body.records : undefined;
    if (!records) return sfError(400, 'JSON_PARSER_ERROR', 'The request body must be { "allOrNone": ..., "records": [...] }');
    if (records.length > MAX_RECORDS) return sfError(400, 'EXCEEDED_ID_LIMIT', `record limit exceeded: at most ${MAX_RECORDS} records a request`);
    const allOrNone = body.allOrNone === true;
    const upsertObject = rest.length === 2 ? options.db().table(rest[0]) : undefined;
    if (rest.length === 2 && !upsertObject) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    let keyField: string | undefined;
    if (upsertObject) {
      const k = keyFieldOf(upsertObject, rest[1]);
      if (typeof k !== 'string') return k;
      keyField = k;
    }
    // resolve every record's fields first: an unknown field fails the whole request, as in Salesforce
    const prepared: { table: SObjectTable; values: Map<string, unknown> }[] = [];
    try {
      for (const r of records) {
        const rec = isObj(r) ? r : {};
        const type = isObj(rec.attributes) && typeof rec.attributes.type === 'string' ? rec.attributes.type : undefined;
        const table = upsertObject ?? (type ? options.db().table(type) : undefined);
        if (!table) return sfError(400, 'INVALID_TYPE', `sObject type '${type ?? ''}' is not supported or attributes.type is missing`);
        if (upsertObject && type && options.db().table(type) !== upsertObject) return sfError(400, 'INVALID_TYPE', `record of type ${type} in an upsert of ${upsertObject.name}`);
        prepared.push({ table, values: fieldsOf(table, rec) });
      }
    } catch (e) {
      if (e instanceof InvalidField) return sfError(400, 'INVALID_FIELD', e.message);
      throw e;
    }
    const keys = new Set<string>();
    const snapshot = allOrNone ? prepared.map((p) => ({ table: p.table, records: p.table.records.map((r) => ({ ...r })) })) : [];
    const out: Record<string, unknown>[] = [];
    for (const { table, values } of prepared) {
      let o: Outcome;
      if (keyField !== undefined) {
        const key = values.get(keyField);
        if (!blank(key) && keys.has(String(key))) o = { ok: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${String(key)}`, fields: [keyField] }] };
        else {
          keys.add(String(key));
          const u = upsert(table, keyField, key, values);
          o = 'ok' in u ? u : { ok: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${keyField}: more than one record found for external id field: ${String(key)}`, fields: [keyField] }] };
        }
      } else if (post) o = values.has('Id') ? { ok: false, errors: [{ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] }] } : insert(table, values);
      else o = update(table, values.get('Id'), values);
      out.push(result(o, keyField !== undefined));
      if (allOrNone && !o.ok) {
        for (const s of snapshot) {
          s.table.records.length = 0;
          s.table.byId.clear();
          for (const r of s.records) {
            s.table.records.push(r);
            s.table.byId.set(r.Id, r);
          }
          changed(s.table);
          valueIndex.delete(s.table);
        }
        const rolled = { success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] };
        return json(200, prepared.map((_p, i) => (i === out.length - 1 ? out[i] : rolled)));
      }
    }
    return json(200, out);
  }

  return {
    route(req, _version, parts) {
      const [head, ...rest] = parts;
      try {
        if (head === 'sobjects' && (req.method === 'POST' || req.method === 'PATCH')) return single(req, rest);
        if (head === 'composite' && rest[0] === 'sobjects') return collection(req, rest.slice(1));
      } catch (e) {
        if (e instanceof InvalidField) return sfError(400, 'INVALID_FIELD', e.message);
        throw e;
      }
      return undefined;
    },
    ingestUpsert(object, keyFieldName, rows) {
      const table = options.db().table(object);
      if (!table) return `InvalidJob : Unable to find object: ${object}`;
      const key = keyFieldOf(table, keyFieldName);
      if (typeof key !== 'string') return `InvalidBatch : Field name provided, ${keyFieldName} is not an External ID or indexed field for ${table.name}`;
      const header = Object.keys(rows[0] ?? {});
      const unknown = header.filter((h) => !table.field(h));
      if (unknown.length > 0) return `InvalidBatch : Field name not found : ${unknown[0]}`;
      const keys = new Set<string>();
      return rows.map((row): Outcome => {
        const values = new Map<string, unknown>();
        for (const [h, raw] of Object.entries(row)) {
          if (raw === '') continue; // an empty cell leaves the field as it is
          const f = table.field(h)!;
          values.set(f.name, raw === '#N/A' ? null : f.type === 'boolean' ? raw.toLowerCase() === 'true' : NUMERIC.has(f.type) ? Number(raw) : raw);
        }
        const k = values.get(key);
        if (!blank(k) && keys.has(String(k))) return { ok: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${String(k)}`, fields: [key] }] };
        keys.add(String(k));
        const u = upsert(table, key, k, values);
        return 'ok' in u ? u : { ok: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${key}: more than one record found for external id field: ${String(k)}`, fields: [key] }] };
      });
    },
    written() {
      return Object.fromEntries([...copied].map((t) => [t.name, t.records]));
    },
    reset() {
      copied = new Set();
      valueIndex = new Map();
      caseNumber = 1000;
    },
    rebase() {
      copied = new Set();
      valueIndex = new Map();
    },
  };
}
