// Changes to the sandbox's Salesforce records between runs (issue 13): POST /__sandbox/salesforce/changes creates,
// updates, deletes and undeletes records, so tests and demos can change data the way users do in Salesforce.
//
// Every change moves the record's SystemModstamp and LastModifiedDate (strictly increasing, millisecond
// resolution, as Salesforce's). A delete sets IsDeleted = true and keeps the record (queryAll and the
// IsDeleted filter see it, query does not); deleting a record also deletes the records that reference it
// through a lookup to its object (Contacts and AccountContactRelations of an Account, custom children),
// as a master-detail cascade would; undelete restores the record and what its delete cascaded to.
//
// The seed given to the sandbox is never mutated: a change batch copies the arrays and records it touches,
// so POST /__sandbox/reset still returns to the original seed.
import type { SalesforceSeed, SfSeedRecord } from '../../model/seed.js';
import { SfDatabase } from './database.js';

export type SfChangeAction = 'create' | 'update' | 'delete' | 'undelete';

export interface SfChange {
  action: SfChangeAction;
  /** the sObject (required for create; found from the Id otherwise) */
  object?: string;
  /** the record's Id (update, delete, undelete; optional for create) */
  id?: string;
  /** field values to set (create, update); SystemModstamp / LastModifiedDate / IsDeleted are the sandbox's */
  fields?: Record<string, unknown>;
}

export interface SfChangeResult {
  id: string;
  object: string;
  action: SfChangeAction;
  /** ids of the records a delete cascaded to, or an undelete restored */
  cascaded?: string[];
}

export class SfChangeError extends Error {}

const SYSTEM = new Set(['systemmodstamp', 'lastmodifieddate', 'isdeleted', 'id']);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 2026-12-01T21:00:00.123+0000, as the REST API writes datetimes */
export function sfDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** State of the changes across batches: the stamp clock, Id counter and what each delete cascaded to. */
export class SfChangeLog {
  private lastStamp = 0;
  private counter = 0;
  private readonly cascades = new Map<string, string[]>();

  constructor(private readonly now: () => number) {}

  /** a strictly increasing time: two changes never share a SystemModstamp */
  stamp(): string {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return sfDatetime(this.lastStamp);
  }

  newId(prefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let s = '';
    while (n > 0) {
      s = BASE62[n % 62] + s;
      n = Math.floor(n / 62);
    }
    const body = `${prefix}SC${s.padStart(10, '0')}`;
    return `${body}AAA`.slice(0, 18).padEnd(18, 'A');
  }

  /** Applies a batch to a copy of `seed`; returns the new seed and one result per change (all or nothing). */
  apply(seed: SalesforceSeed, changes: SfChange[], db: SfDatabase = new SfDatabase(seed)): { seed: SalesforceSeed; results: SfChangeResult[] } {
    const next: SalesforceSeed = { ...seed };
    const copied = new Set<string>();
    const index = new Map<string, { object: string; position: number }>();
    const objects = Object.keys(seed).filter((k) => k !== 'describe' && Array.isArray(seed[k]));
    for (const object of objects) {
      (seed[object] as SfSeedRecord[]).forEach((r, position) => {
        if (r && typeof r.Id === 'string') index.set(r.Id, { object, position });
      });
    }
    const table = (object: string): SfSeedRecord[] => {
      if (!copied.has(object)) {
        const existing = next[object];
        next[object] = Array.isArray(existing) ? [...(existing as SfSeedRecord[])] : [];
        copied.add(object);
      }
      return next[object] as SfSeedRecord[];
    };
    /** a writable copy of the record with `id` */
    const writable = (id: string): { object: string; record: SfSeedRecord } => {
      const at = index.get(id);
      if (!at) throw new SfChangeError(`No Salesforce record with Id ${id}.`);
      const rows = table(at.object);
      const copy = { ...rows[at.position] };
      rows[at.position] = copy;
      return { object: at.object, record: copy };
    };
    // lookups pointing at each object, for cascades: [child object, field]
    const referencing = (object: string): [string, string][] => {
      const out: [string, string][] = [];
      for (const t of db.allTables()) {
        for (const rel of t.parents.values()) if (rel.targets.includes(object)) out.push([t.name, rel.field.name]);
      }
      return out;
    };

    const results: SfChangeResult[] = [];
    for (const change of changes) {
      const stamp = this.stamp();
      const touch = (r: SfSeedRecord, deleted?: boolean): void => {
        r.SystemModstamp = stamp;
        r.LastModifiedDate = stamp;
        if (deleted !== undefined) r.IsDeleted = deleted;
      };
      switch (change.action) {
        case 'create': {
          if (!change.object) throw new SfChangeError('A create needs "object".');
          const rows = table(change.object);
          const prefix = rows.find((r) => typeof r.Id === 'string')?.Id.slice(0, 3) ?? change.object.slice(0, 3).padEnd(3, 'x');
          const id = change.id ?? this.newId(prefix);
          if (index.has(id)) throw new SfChangeError(`A record with Id ${id} exists already.`);
          const record: SfSeedRecord = { ...userFields(change.fields), Id: id, CreatedDate: stamp, IsDeleted: false };
          touch(record);
          rows.push(record);
          index.set(id, { object: change.object, position: rows.length - 1 });
          results.push({ id, object: change.object, action: 'create' });
          break;
        }
        case 'update': {
          const { object, record } = writable(need(change));
          if (record.IsDeleted === true) throw new SfChangeError(`Record ${record.Id} is deleted: undelete it first (ENTITY_IS_DELETED).`);
          Object.assign(record, userFields(change.fields));
          touch(record);
          results.push({ id: record.Id, object, action: 'update' });
          break;
        }
        case 'delete': {
          const { object, record } = writable(need(change));
          if (record.IsDeleted === true) throw new SfChangeError(`Record ${record.Id} is deleted already (ENTITY_IS_DELETED).`);
          touch(record, true);
          const cascaded: string[] = [];
          for (const [child, field] of referencing(object)) {
            for (const r of (next[child] as SfSeedRecord[] | undefined) ?? []) {
              if (r[field] !== record.Id || r.IsDeleted === true) continue;
              touch(writable(r.Id).record, true);
              cascaded.push(r.Id);
            }
          }
          this.cascades.set(record.Id, cascaded);
          results.push({ id: record.Id, object, action: 'delete', ...(cascaded.length ? { cascaded } : {}) });
          break;
        }
        case 'undelete': {
          const { object, record } = writable(need(change));
          if (record.IsDeleted !== true) throw new SfChangeError(`Record ${record.Id} is not deleted (UNDELETE_FAILED).`);
          touch(record, false);
          const cascaded = this.cascades.get(record.Id) ?? [];
          for (const id of cascaded) touch(writable(id).record, false);
          this.cascades.delete(record.Id);
          results.push({ id: record.Id, object, action: 'undelete', ...(cascaded.length ? { cascaded } : {}) });
          break;
        }
        default:
          throw new SfChangeError(`Unknown action ${JSON.stringify((change as { action?: unknown }).action)}: use create, update, delete or undelete.`);
      }
    }
    return { seed: next, results };
  }
}

function need(change: SfChange): string {
  if (typeof change.id !== 'string' || change.id === '') throw new SfChangeError(`A ${change.action} needs "id".`);
  return change.id;
}

function userFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields ?? {})) if (!SYSTEM.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** Checks a request body: { changes: [...] } */
export function parseChanges(body: unknown): SfChange[] {
  const list = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { changes?: unknown }).changes : undefined;
  if (!Array.isArray(list)) throw new SfChangeError('POST /__sandbox/salesforce/changes takes {"changes": [{"action": "create|update|delete|undelete", "object", "id", "fields"}]}.');
  return list.map((c, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new SfChangeError(`changes[${i}] is not an object.`);
    return c as SfChange;
  });
}
