// In-memory Salesforce org for the sandbox: the seed's records by object, their schema (the seed's
// `describe`, the standard fields of well-known objects and every key seen on the records, with types
// inferred from the values), parent relationships (through Id / lookup fields) and child relationships
// (the describe's childRelationships, or inferred from lookups), with Id indexes so that joins never scan.
import type { SfFieldDescribe, SfObjectDescribe } from '../../model/salesforce.js';
import type { SalesforceSeed, SfSeedRecord } from '../../model/seed.js';
import { describeObject, label, pluralize } from './describe.js';
import { toEpoch } from './dates.js';
import { NUMERIC_TYPES, PEOPLE, STANDARD_CHILD_NAMES, STANDARD_FIELD_FLAGS, STANDARD_FIELDS, SYSTEM_FIELDS } from './standard-objects.js';

export interface FieldInfo {
  /** canonical API name */
  name: string;
  /** Salesforce field type: id, string, boolean, int, double, date, datetime, reference, picklist ... */
  type: string;
  describe: SfFieldDescribe;
  /** the value as the API returns it (booleans never null, numbers as numbers, Name composed for people) */
  get: (rec: SfSeedRecord) => unknown;
}

export interface ParentRelationship {
  /** canonical relationship name (Account, Owner, Foo__r) */
  name: string;
  /** the Id field holding the parent's Id (AccountId, OwnerId, Foo__c) */
  field: FieldInfo;
  /** object names the lookup may point at; empty when unknown */
  targets: string[];
}

export interface ChildRelationship {
  name: string;
  childObject: string;
  field: string;
}

type DescribeSeed = NonNullable<SalesforceSeed['describe']>[string];

const ID_LIKE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;


const lower = (s: string): string => s.toLowerCase();

export function isNullish(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

function inferType(name: string, value: unknown): string {
  if (name === 'Id') return 'id';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') {
    if (DATE_RE.test(value)) return 'date';
    if (DATETIME_RE.test(value)) return 'datetime';
  }
  if (Array.isArray(value)) return 'multipicklist';
  return 'string';
}

function makeGetter(table: string, name: string, type: string): (rec: SfSeedRecord) => unknown {
  if (type === 'boolean') {
    return (rec) => {
      const v = rec[name];
      return v === true || v === 'true' || v === 1;
    };
  }
  if (NUMERIC_TYPES.has(type)) {
    return (rec) => {
      const v = rec[name];
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '') {
        const n = Number(v);
        return Number.isNaN(n) ? null : n;
      }
      return null;
    };
  }
  if (type === 'datetime') {
    // the REST API writes datetimes as 2024-01-31T08:00:00.000+0000 whatever the seed's style; a seed record
    // without SystemModstamp / LastModifiedDate was last modified when it was created (issue 13)
    const modstamp = name === 'SystemModstamp' || name === 'LastModifiedDate';
    return (rec) => {
      const v = modstamp ? (rec[name] ?? rec.CreatedDate ?? '2000-01-01T00:00:00.000+0000') : rec[name];
      if (v === undefined || v === '') return null;
      if (typeof v !== 'string' || SF_DATETIME.test(v)) return v;
      const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return Number.isNaN(t) ? v : new Date(t).toISOString().replace('Z', '+0000');
    };
  }
  if (type === 'multipicklist') {
    return (rec) => {
      const v = rec[name];
      if (Array.isArray(v)) return v.length ? v.join(';') : null;
      return v === undefined || v === '' ? null : v;
    };
  }
  if (name === 'Name' && PEOPLE.has(table)) {
    return (rec) => {
      const v = rec.Name;
      if (v !== undefined && v !== null && v !== '') return v;
      const parts = [rec.FirstName, rec.LastName].filter((p) => typeof p === 'string' && p !== '');
      return parts.length ? parts.join(' ') : null;
    };
  }
  return (rec) => {
    const v = rec[name];
    return v === undefined ? null : v;
  };
}

/** The name Salesforce would give the child relationship of a lookup, when the seed does not say. */
export function inferredChildRelationshipName(childObject: string, field: string): string {
  const standard = STANDARD_CHILD_NAMES[`${childObject}.${field}`];
  if (standard) return standard;
  if (childObject.endsWith('__c')) return `${pluralize(childObject.slice(0, -3))}__r`;
  return pluralize(childObject);
}

export class SObjectTable {
  readonly records: SfSeedRecord[] = [];
  readonly byId = new Map<string, SfSeedRecord>();
  /** fields by lower-cased name, in describe / discovery order */
  readonly fields = new Map<string, FieldInfo>();
  readonly parents = new Map<string, ParentRelationship>();
  readonly children = new Map<string, ChildRelationship>();
  /** the relationships the seed's describe declared (the others are inferred) */
  readonly declaredChildren: ChildRelationship[] = [];
  readonly custom: boolean;
  private readonly childIndexes = new Map<string, Map<string, SfSeedRecord[]>>();
  /** positions of the records sorted by SystemModstamp (ms), for change queries; null: a stamp did not parse */
  private stampIndex: { length: number; first: SfSeedRecord | undefined; stamps: Float64Array; positions: Uint32Array } | null | undefined;

  constructor(readonly name: string) {
    this.custom = name.endsWith('__c');
  }

  field(name: string): FieldInfo | undefined {
    return this.fields.get(lower(name));
  }

  addField(describe: SfFieldDescribe): FieldInfo {
    const existing = this.fields.get(lower(describe.name));
    if (existing) return existing;
    const info: FieldInfo = {
      name: describe.name,
      type: describe.type,
      describe,
      get: makeGetter(this.name, describe.name, describe.type),
    };
    this.fields.set(lower(describe.name), info);
    return info;
  }

  /** forgets the child indexes (after the sandbox's writes changed records of this object) */
  invalidateIndexes(): void {
    this.childIndexes.clear();
    this.stampIndex = undefined;
  }

  /** The records stamped at or after `ms`, in table order (a superset of those of `SystemModstamp > ms`), from an
   * index sorted by stamp built on first use; undefined when the table cannot be indexed (then scan). */
  stampedFrom(ms: number): SfSeedRecord[] | undefined {
    const field = this.field('SystemModstamp');
    if (!field) return undefined;
    let index = this.stampIndex;
    // the sandbox's writes invalidate; a table grown or replaced without them is indexed again
    if (index && (index.length !== this.records.length || index.first !== this.records[0])) index = undefined;
    if (index === undefined) {
      const n = this.records.length;
      const raw = new Float64Array(n);
      let ok = true;
      for (let i = 0; i < n; i += 1) {
        const t = toEpoch(field.get(this.records[i]));
        if (t === undefined) {
          ok = false;
          break;
        }
        raw[i] = t;
      }
      if (ok) {
        const positions = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[a] - raw[b]);
        const stamps = new Float64Array(n);
        for (let i = 0; i < n; i += 1) stamps[i] = raw[positions[i]];
        index = { length: n, first: this.records[0], stamps, positions };
      } else index = null;
      this.stampIndex = index;
    }
    if (index === null) return undefined;
    let lo = 0;
    let hi = index.stamps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index.stamps[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    const at = index.positions.slice(lo).sort();
    const out: SfSeedRecord[] = new Array(at.length);
    for (let i = 0; i < at.length; i += 1) out[i] = this.records[at[i]];
    return out;
  }

  /** records of this object whose `field` holds `parentId`, indexed on first use */
  childrenOf(field: string, parentId: string): SfSeedRecord[] {
    let index = this.childIndexes.get(field);
    if (!index) {
      index = new Map();
      for (const rec of this.records) {
        const v = rec[field];
        if (typeof v !== 'string' || v === '') continue;
        const list = index.get(v);
        if (list) list.push(rec);
        else index.set(v, [rec]);
      }
      this.childIndexes.set(field, index);
    }
    return index.get(parentId) ?? [];
  }
}

export class SfDatabase {
  private readonly tables = new Map<string, SObjectTable>();
  /** every record by Id, across objects; built on first use (polymorphic lookups only) */
  private globalById: Map<string, { table: SObjectTable; record: SfSeedRecord }> | undefined;

  constructor(readonly seed: SalesforceSeed) {
    const describe = seed.describe ?? {};
    for (const [object, value] of Object.entries(seed)) {
      if (object === 'describe' || !Array.isArray(value)) continue;
      const table = this.ensure(object);
      for (const rec of value as SfSeedRecord[]) {
        if (!rec || typeof rec !== 'object') continue;
        table.records.push(rec);
        if (typeof rec.Id === 'string') table.byId.set(rec.Id, rec);
      }
    }
    for (const object of Object.keys(describe)) this.ensure(object);
    for (const object of Object.keys(STANDARD_FIELDS)) this.ensure(object);
    for (const d of Object.values(describe)) {
      for (const c of d.childRelationships ?? []) this.ensure(c.childSObject);
    }

    // fields: describe, then standard and system fields, then keys seen on the records
    const referenceHints = new Map<string, string[]>();
    const hint = (t: SObjectTable, f: string, to: string[]) => referenceHints.set(`${t.name}.${f}`, to);
    for (const table of this.tables.values()) {
      const d: DescribeSeed | undefined = describe[table.name];
      for (const f of d?.fields ?? []) {
        table.addField(f);
        if (f.referenceTo?.length) hint(table, f.name, f.referenceTo);
      }
      for (const [name, type, to] of [...SYSTEM_FIELDS, ...(STANDARD_FIELDS[table.name] ?? [])]) {
        if (!table.field(name)) table.addField({ name, type, label: label(name), ...(STANDARD_FIELD_FLAGS[table.name]?.[name] ?? {}) });
        if (to && !referenceHints.has(`${table.name}.${name}`)) hint(table, name, [to]);
      }
      // every custom object has a Name; standard ones only when their records carry one
      if (!table.field('Name') && (table.custom || table.records.some((r) => 'Name' in r))) table.addField({ name: 'Name', type: 'string', label: 'Name' });
      // the first non-null value of every key (a plain object: far cheaper than a Map at 500k records)
      const firstValues: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const rec of table.records) {
        for (const key in rec) {
          const cur = firstValues[key];
          if (cur === undefined || cur === null || cur === '') {
            const v = rec[key];
            if (cur === undefined || !isNullish(v)) firstValues[key] = v === undefined ? null : v;
          }
        }
      }
      for (const key in firstValues) {
        const v = firstValues[key];
        if (table.field(key)) continue;
        // `attributes` and nested objects come from records copied out of a REST answer: not fields
        if (key === 'attributes' || (v !== null && typeof v === 'object' && !Array.isArray(v))) continue;
        let type = inferType(key, v);
        const target = this.referenceTarget(table, key, v);
        if (target) {
          type = 'reference';
          hint(table, key, [target]);
        }
        table.addField({ name: key, type, label: label(key) });
      }
    }

    // parent relationships
    for (const table of this.tables.values()) {
      for (const info of table.fields.values()) {
        if (info.type !== 'reference') continue;
        const relName = info.describe.relationshipName ?? defaultRelationshipName(info.name);
        if (!relName) continue;
        let targets = referenceHints.get(`${table.name}.${info.name}`);
        if (!targets) {
          const first = table.records.find((r) => !isNullish(r[info.name]));
          const target = this.referenceTarget(table, info.name, first?.[info.name]);
          targets = target ? [target] : [];
        }
        info.describe = { ...info.describe, relationshipName: relName, referenceTo: targets };
        table.parents.set(lower(relName), { name: relName, field: info, targets });
      }
    }

    // child relationships: declared, then inferred from lookups
    for (const [object, d] of Object.entries(describe)) {
      const parent = this.table(object);
      if (!parent) continue;
      for (const c of d.childRelationships ?? []) {
        if (!c.relationshipName) continue;
        const rel = { name: c.relationshipName, childObject: this.table(c.childSObject)?.name ?? c.childSObject, field: c.field };
        parent.children.set(lower(c.relationshipName), rel);
        parent.declaredChildren.push(rel);
      }
    }
    for (const child of this.tables.values()) {
      for (const rel of child.parents.values()) {
        for (const target of rel.targets) {
          const parent = this.table(target);
          if (!parent) continue;
          const already = [...parent.children.values()].some((c) => c.childObject === child.name && c.field === rel.field.name);
          if (already) continue;
          const name = inferredChildRelationshipName(child.name, rel.field.name);
          if (!parent.children.has(lower(name))) parent.children.set(lower(name), { name, childObject: child.name, field: rel.field.name });
        }
      }
    }
  }

  private ensure(object: string): SObjectTable {
    let t = this.tables.get(lower(object));
    if (!t) {
      t = new SObjectTable(object);
      this.tables.set(lower(object), t);
    }
    return t;
  }

  /** the object a field without describe points at, judged by its name and first value */
  private referenceTarget(table: SObjectTable, field: string, value: unknown): string | undefined {
    if (field === 'Id') return undefined;
    const isLookupName = field.endsWith('Id') || field.endsWith('__c');
    if (!isLookupName) return undefined;
    if (!isNullish(value) && (typeof value !== 'string' || !ID_LIKE.test(value))) return undefined;
    if (typeof value === 'string') {
      for (const t of this.tables.values()) if (t.byId.has(value)) return t.name;
    }
    const rel = defaultRelationshipName(field);
    if (!rel) return undefined;
    const byName = rel.endsWith('__r') ? this.table(rel.slice(0, -3) + '__c') : this.table(rel);
    if (byName) return byName.name;
    if (/^(Owner|CreatedBy|LastModifiedBy)$/.test(rel)) return 'User';
    if (/^(Parent|MasterRecord)$/.test(rel)) return table.name;
    return undefined;
  }

  table(object: string): SObjectTable | undefined {
    return this.tables.get(lower(object));
  }

  allTables(): SObjectTable[] {
    return [...this.tables.values()];
  }

  /** forgets the global Id index (after the sandbox's writes added records) */
  invalidateIndex(): void {
    this.globalById = undefined;
  }

  /** any record by Id, whatever its object (builds a global index on first use) */
  recordById(id: unknown): { table: SObjectTable; record: SfSeedRecord } | undefined {
    if (typeof id !== 'string') return undefined;
    if (!this.globalById) {
      this.globalById = new Map();
      for (const table of this.tables.values()) for (const [key, record] of table.byId) this.globalById.set(key, { table, record });
    }
    return this.globalById.get(id);
  }

  /**
   * How to find the parent a lookup points at: through the target object's own Id index when the
   * lookup has exactly one target (the common case, and the fastest), else through the global index.
   */
  parentLookup(rel: ParentRelationship): (id: unknown) => { table: SObjectTable; record: SfSeedRecord } | undefined {
    const only = rel.targets.length === 1 ? this.table(rel.targets[0]) : undefined;
    if (!only) return (id) => this.recordById(id);
    return (id) => {
      const record = typeof id === 'string' ? only.byId.get(id) : undefined;
      return record ? { table: only, record } : undefined;
    };
  }

  /** like parentLookup, the record only (no allocation): for WHERE and ORDER BY paths */
  parentRecordLookup(rel: ParentRelationship): (id: unknown) => SfSeedRecord | undefined {
    const only = rel.targets.length === 1 ? this.table(rel.targets[0]) : undefined;
    if (!only) return (id) => this.recordById(id)?.record;
    const index = only.byId;
    return (id) => (typeof id === 'string' ? index.get(id) : undefined);
  }

  /** A describe result in the REST API's shape (describe.ts), or undefined for an unknown object. */
  describe(object: string, version: string, instanceUrl = ''): Record<string, unknown> | undefined {
    const table = this.table(object);
    return table ? describeObject(table, version, instanceUrl) : undefined;
  }

  /** the describe in the shape of SfObjectDescribe (src/model/salesforce.ts) */
  describeModel(object: string): SfObjectDescribe | undefined {
    const table = this.table(object);
    if (!table) return undefined;
    return {
      name: table.name,
      fields: [...table.fields.values()].map((f) => f.describe),
      childRelationships: [...table.children.values()].map((c) => ({ relationshipName: c.name, childSObject: c.childObject, field: c.field })),
    };
  }
}

export function defaultRelationshipName(field: string): string | undefined {
  if (field.endsWith('__c')) return field.slice(0, -3) + '__r';
  if (field.endsWith('Id') && field.length > 2) return field.slice(0, -2);
  return undefined;
}
