// Salesforce reads for incremental plans (issue 13): a full read that also records what an incremental read
// needs (high-water marks, every secondary AccountContactRelation), and an incremental read that rebuilds the
// SourceData a full read would return from that state plus what changed since.
//
// Per object read (Account, the users sources' objects, the child objects of the Account query's subqueries,
// AccountContactRelation) the state keeps a mark: the largest SystemModstamp Salesforce had before the read.
// An incremental read, for each object, with since = min(mark, last read - OVERLAP_MS) (commits land after their stamp):
// 1. queryAll `SELECT Id, SystemModstamp FROM O WHERE SystemModstamp > since`: every row that changed, was
//    deleted or undeleted, inside the sync's filter or not. Each such Id is decided again: kept with its new
//    values when (2) returns it, dropped otherwise (it left the filter, or was deleted).
// 2. the sync's own queries with `AND SystemModstamp > since` (through the normal reader: same describes,
//    same record shapes): the changed rows that match.
// 3. re-reads by Id: Accounts whose child rows (includes, aggregates, sold-to contacts) changed, were deleted,
//    or moved to another parent (old and new parent); Contacts of changed Accounts (Account.Name and
//    conditions on Account fields are the Contact's parent fields).
// 4. AccountContactRelation rows (IsDirect = false) since the mark, kept whole in the state and filtered to
//    the Contacts read, as the full read does.
// What this cannot see: a parent reached by another path (Owner.Name, RecordType.DeveloperName ...) that
// changes without the child's SystemModstamp moving. The periodic full read (refresh_every) catches those.
import type { AccountContactRelation, SfObjectDescribe, SfRecord, SourceData } from '../model/salesforce.js';
import type { Sync } from '../model/config.js';
import type { SourceReaderOptions } from '../model/ports.js';
import { chunk } from '../util/data.js';
import { buildAccountQuery, buildPeopleQuery, buildRelationsQuery, buildSyncQueries, soqlString, type BuiltQuery } from './soql.js';
import { toRelation, type RawQuery, type SalesforceReader } from './reader.js';

/** changes are re-read from this long before the last read: a transaction's rows become visible after their stamp */
export const OVERLAP_MS = 5 * 60_000;
const ID_CHUNK = 200;

export interface SalesforceState {
  /** object -> largest SystemModstamp (ISO) before the read; null when the object had no rows */
  marks: Record<string, string | null>;
  /** relationship name of each subquery of the Account query -> its child object and lookup field */
  children: Record<string, { object: string; field: string }>;
  instanceUrl: string;
  /** when the last read started (ISO, this machine's clock) */
  readAt?: string;
  /** see OVERLAP_MS (tests set 0) */
  overlapMs?: number;
  /** see seenOf */
  seen?: Record<string, string[]>;
  accounts: SfRecord[];
  /** rows of each users source, in the order of the config's sources */
  people: SfRecord[][];
  /** every AccountContactRelation with IsDirect = false (not only those of the Contacts read) */
  relations: AccountContactRelation[];
  retention: string[];
}

export interface DeltaCounts {
  /** rows that changed since the marks, by object */
  changed: Record<string, number>;
  /** rows re-read by Id because a child or parent changed */
  reread: number;
}

type Reader = Pick<SalesforceReader, 'read' | 'query'>;

const byId = (a: { Id: string }, b: { Id: string }): number => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0);
const lower = (s: string): string => s.toLowerCase();
const and = (where: string | undefined, extra: string): string => (where && where.trim() !== '' ? `(${where.trim()}) AND ${extra}` : extra);

/** `2026-12-01T20:00:00Z` (second precision: a SOQL datetime literal) for a time in ms */
export function soqlDatetime(ms: number): string {
  return new Date(Math.floor(Math.max(0, ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function parseStamp(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : t;
}

function raw(object: string, fields: string[], where: string): BuiltQuery {
  return { purpose: `changes of ${object}`, object, fields, children: [], where, soql: `SELECT ${fields.join(', ')} FROM ${object} WHERE ${where}` };
}

/** The objects whose changes feed the sync's data. */
function trackedObjects(sync: Sync, children: SalesforceState['children']): string[] {
  const q = buildSyncQueries(sync);
  const out = new Set<string>();
  if (q.accounts || q.retention || q.people.some((p) => lower(p.object) === 'contact')) out.add('Account');
  for (const p of q.people) out.add(p.object);
  for (const c of Object.values(children)) out.add(c.object);
  if (q.relations) out.add('AccountContactRelation');
  return [...out];
}

/** Why this sync cannot be read incrementally, if it cannot. */
export function incrementalUnsupported(sync: Sync): string | undefined {
  const objects = (sync.users?.sources ?? []).map((s) => lower(s.object));
  if (new Set(objects).size !== objects.length) return 'two users sources read the same object';
  return undefined;
}

/** The sync with its own conditions narrowed by `extra` on every query (accounts, sources, retention). */
function narrowed(sync: Sync, extra: (object: string) => string, secondary: boolean): Sync {
  const orgs = sync.organizations;
  const users = sync.users;
  return {
    ...sync,
    ...(orgs
      ? {
          organizations: {
            ...orgs,
            where: and(orgs.where, extra('Account')),
            ...(orgs.retention ? { retention: { ...orgs.retention, delete_when: and(orgs.retention.delete_when, extra('Account')) } } : {}),
          },
        }
      : {}),
    ...(users
      ? {
          users: {
            ...users,
            sources: users.sources.map((s) => ({ ...s, where: and(s.where, extra(s.object)) })),
            relationships: { ...users.relationships, secondary },
          },
        }
      : {}),
  };
}

function splitPeople(sync: Sync, people: SfRecord[]): SfRecord[][] {
  const sources = sync.users?.sources ?? [];
  return sources.map((s) => people.filter((p) => lower(p.attributes?.type ?? '') === lower(s.object)));
}

function finalRelations(relations: AccountContactRelation[], people: SfRecord[][], describe: Record<string, SfObjectDescribe>, sync: Sync): AccountContactRelation[] {
  if (!buildSyncQueries(sync).relations || !describe.AccountContactRelation) return [];
  const contacts = new Set<string>();
  for (const rows of people) for (const p of rows) if (p.attributes?.type === 'Contact') contacts.add(p.Id);
  return relations.filter((r) => contacts.has(r.ContactId)).sort(byId);
}

/** A full read, plus the state the next incremental read starts from (`next`: when that read starts from, to take
 * the rows its step 1 will return again, before the records are read). */
export async function fullSalesforceRead(reader: Reader, options: SourceReaderOptions, next?: { readAt: string; overlapMs?: number }): Promise<{ data: SourceData; state: SalesforceState }> {
  const { sync } = options;
  const queries = buildSyncQueries(sync);
  // the Account describe tells the child objects of the subqueries, whose marks are taken before the read
  const pre = await reader.query(options, [], [...(queries.accounts ? ['Account'] : []), ...(queries.relations ? ['AccountContactRelation'] : [])]);
  const children: SalesforceState['children'] = {};
  for (const c of queries.accounts?.children ?? []) {
    const rel = pre.describes.Account?.childRelationships?.find((r) => r.relationshipName && lower(r.relationshipName) === lower(c.relationship));
    if (rel) children[c.relationship] = { object: rel.childSObject, field: rel.field };
  }
  // without Contacts to Multiple Accounts there is no AccountContactRelation to track (the full read warns)
  const hasRelations = queries.relations !== undefined && pre.describes.AccountContactRelation !== undefined;
  const objects = trackedObjects(sync, children).filter((o) => o !== 'AccountContactRelation' || hasRelations);
  const markQueries: RawQuery[] = objects.map((o) => ({
    query: { purpose: `mark of ${o}`, object: o, fields: ['SystemModstamp'], children: [], soql: `SELECT SystemModstamp FROM ${o} ORDER BY SystemModstamp DESC LIMIT 1` },
    all: true,
  }));
  const relationQuery: RawQuery[] = hasRelations ? [{ query: buildRelationsQuery() }] : [];
  const marked = await reader.query(options, [...markQueries, ...relationQuery]);
  const marks: SalesforceState['marks'] = {};
  objects.forEach((o, i) => {
    const v = marked.rows[i][0]?.SystemModstamp;
    marks[o] = typeof v === 'string' ? v : null;
  });
  const relations = hasRelations ? marked.rows[objects.length].map(toRelation) : [];
  const seen = next ? seenOf(await salesforceChanges(reader, options, { marks, children, ...next })) : undefined;

  const data = await reader.read(options);
  return {
    data,
    state: { marks, children, instanceUrl: marked.instanceUrl, accounts: data.accounts, people: splitPeople(sync, data.people), relations, retention: data.retention, ...(seen ? { seen } : {}) },
  };
}

/** What step 1 read: per tracked object the rows changed since its mark (queryAll), then the secondary relations. */
export interface SalesforceChanges {
  objects: string[];
  rows: SfRecord[][];
  instanceUrl: string;
}

type MarkState = Pick<SalesforceState, 'marks' | 'children' | 'readAt' | 'overlapMs'>;

function sinceOf(state: MarkState): (o: string) => string {
  // since = the mark, or earlier when the last read was recent (rows committed late carry an earlier stamp)
  const lastRead = parseStamp(state.readAt) ?? 0;
  return (o) => `SystemModstamp > ${soqlDatetime(Math.min(parseStamp(state.marks[o]) ?? 0, lastRead - (state.overlapMs ?? OVERLAP_MS)))}`;
}

/** Step 1 alone (a few queries, no snapshot records needed): what changed since the marks. Nothing changed when
 * every list is empty: then steps 2 and 3 find nothing either (their queries are narrowed to the same stamps, and
 * re-reads follow changed rows only). */
export async function salesforceChanges(reader: Reader, options: SourceReaderOptions, state: MarkState): Promise<SalesforceChanges> {
  const objects = trackedObjects(options.sync, state.children).filter((o) => o in state.marks);
  const hasRelations = objects.includes('AccountContactRelation');
  const stampAfter = sinceOf(state);
  const childEntries = Object.entries(state.children);
  const changedQueries: RawQuery[] = objects.map((o) => {
    const parentFields = childEntries.filter(([, c]) => c.object === o).map(([, c]) => c.field);
    const fields = ['Id', 'SystemModstamp', ...new Set(parentFields.filter((f) => lower(f) !== 'id'))];
    return { query: raw(o, fields, stampAfter(o)), all: true };
  });
  const relationRows: RawQuery[] = hasRelations
    ? [{ query: raw('AccountContactRelation', ['Id', 'AccountId', 'ContactId', 'IsDirect', 'IsActive'], `IsDirect = false AND ${stampAfter('AccountContactRelation')}`) }]
    : [];
  const first = await reader.query(options, [...changedQueries, ...relationRows]);
  return { objects, rows: first.rows, instanceUrl: first.instanceUrl };
}

/** at most this many rows are kept as seen (a bulk change in the window: the next read then counts as changed) */
const MAX_SEEN = 20_000;
const seenKey = (r: SfRecord): string => `${r.Id}@${String(r.SystemModstamp)}`;

/** The rows step 1 returned, by object (Id@SystemModstamp), kept with the snapshot: the next step 1 returns them
 * again (SOQL datetimes have whole seconds; the overlap window) and they are no change. Undefined when too many. */
export function seenOf(c: SalesforceChanges): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let n = 0;
  c.objects.forEach((o, i) => {
    out[o] = c.rows[i].map(seenKey);
    n += out[o].length;
  });
  return n <= MAX_SEEN ? out : undefined;
}

/** Nothing changed since the snapshot: every row step 1 returned is one the read that wrote it had seen, at the same
 * SystemModstamp (so in the version the snapshot holds: that read read its rows after its step 1). */
export function nothingChanged(c: SalesforceChanges, seen: Record<string, string[]> | undefined): boolean {
  return c.objects.every((o, i) => {
    const rows = c.rows[i];
    if (rows.length === 0) return true;
    const known = new Set(seen?.[o] ?? []);
    return rows.every((r) => known.has(seenKey(r)));
  });
}

/** Rebuilds what a full read returns from `state` and the changes since its marks (`first`: step 1, when already read). */
export async function incrementalSalesforceRead(
  reader: Reader,
  options: SourceReaderOptions,
  state: SalesforceState,
  /** called with the instance URL of the connection before anything is merged (throw to refuse another org) */
  checkInstance: (instanceUrl: string) => void = () => undefined,
  given?: SalesforceChanges,
): Promise<{ data: SourceData; state: SalesforceState; counts: DeltaCounts }> {
  const { sync } = options;
  const queries = buildSyncQueries(sync);
  // 1. what changed, per object (queryAll: deleted rows too), and the secondary relations that changed
  const first = given ?? (await salesforceChanges(reader, options, state));
  const { objects } = first;
  const hasRelations = objects.includes('AccountContactRelation');
  const stampAfter = sinceOf(state);
  const childEntries = Object.entries(state.children);
  checkInstance(first.instanceUrl);
  const changed = new Map<string, SfRecord[]>();
  objects.forEach((o, i) => changed.set(o, first.rows[i]));
  const changedIds = (o: string): Set<string> => new Set((changed.get(o) ?? []).map((r) => r.Id));
  const marks: SalesforceState['marks'] = { ...state.marks };
  for (const o of objects) {
    let best = parseStamp(marks[o]) ?? -Infinity;
    for (const r of changed.get(o) ?? []) {
      const t = parseStamp(r.SystemModstamp);
      if (t !== null && t > best) {
        best = t;
        marks[o] = String(r.SystemModstamp);
      }
    }
  }

  // 3. re-reads by Id: parents of changed children, Contacts of changed Accounts
  const accountIds = changedIds('Account');
  const parentsToReread = new Set<string>();
  if (childEntries.length > 0) {
    const childIndex = new Map<string, string>();
    for (const a of state.accounts) {
      for (const [rel] of childEntries) {
        const sub = (a as Record<string, unknown>)[rel] as { records?: SfRecord[] } | undefined;
        for (const c of sub?.records ?? []) childIndex.set(`${rel}\u0000${c.Id}`, a.Id);
      }
    }
    for (const [rel, c] of childEntries) {
      for (const row of changed.get(c.object) ?? []) {
        const parent = (row as Record<string, unknown>)[c.field];
        if (typeof parent === 'string' && parent !== '') parentsToReread.add(parent);
        const old = childIndex.get(`${rel}\u0000${row.Id}`);
        if (old) parentsToReread.add(old);
      }
    }
  }
  const rereads: RawQuery[] = [];
  const accountQuery = (ids: string[]): BuiltQuery | undefined =>
    queries.accounts ? buildAccountQuery({ ...sync, organizations: { ...sync.organizations!, where: and(sync.organizations!.where, `Id IN (${ids.map(soqlString).join(', ')})`) } }) : undefined;
  const accountChunks = queries.accounts ? chunk([...parentsToReread], ID_CHUNK) : [];
  for (const ids of accountChunks) rereads.push({ query: accountQuery(ids)! });
  const sources = sync.users?.sources ?? [];
  const contactIndex = sources.findIndex((s) => lower(s.object) === 'contact');
  const contactChunks = contactIndex >= 0 ? chunk([...accountIds], ID_CHUNK) : [];
  for (const ids of contactChunks) {
    const s = sources[contactIndex];
    rereads.push({ query: buildPeopleQuery(sync, { ...s, where: and(s.where, `AccountId IN (${ids.map(soqlString).join(', ')})`) }) });
  }
  const second = rereads.length > 0 ? (await reader.query(options, rereads)).rows : [];
  const rereadAccounts = second.slice(0, accountChunks.length).flat();
  const rereadContacts = second.slice(accountChunks.length).flat();

  // 2. the sync's own queries, narrowed to what changed (describes as a full read makes them)
  const delta = await reader.read({ ...options, sync: narrowed(sync, stampAfter, false) });
  let describe = delta.describe;
  if (hasRelations) {
    const acr = (await reader.query(options, [], ['AccountContactRelation'])).describes.AccountContactRelation;
    if (acr) describe = { ...describe, [acr.name]: acr };
  }

  const merge = (old: SfRecord[], decide: Iterable<string>, fresh: SfRecord[][]): SfRecord[] => {
    // nothing to decide: the snapshot's rows, already in Id order (no map and sort over 500k rows)
    if ([...decide].length === 0 && fresh.every((rows) => rows.length === 0)) return old;
    const map = new Map(old.map((r) => [r.Id, r]));
    for (const id of decide) map.delete(id);
    for (const rows of fresh) for (const r of rows) map.set(r.Id, r);
    return [...map.values()].sort(byId);
  };
  const accounts = queries.accounts ? merge(state.accounts, [...accountIds, ...parentsToReread], [rereadAccounts, delta.accounts]) : [];
  const deltaPeople = splitPeople(sync, delta.people);
  const people = sources.map((s, i) => {
    const decide = new Set(changedIds(s.object));
    const fresh: SfRecord[][] = [];
    if (i === contactIndex && accountIds.size > 0) {
      for (const p of state.people[i] ?? []) if (typeof p.AccountId === 'string' && accountIds.has(p.AccountId)) decide.add(p.Id);
      for (const p of rereadContacts) decide.add(p.Id);
      fresh.push(rereadContacts);
    }
    fresh.push(deltaPeople[i]);
    return merge(state.people[i] ?? [], decide, fresh);
  });
  const relationMap = new Map(state.relations.map((r) => [r.Id, r]));
  if (hasRelations) {
    for (const id of changedIds('AccountContactRelation')) relationMap.delete(id);
    for (const r of first.rows[objects.length] ?? []) relationMap.set(r.Id, toRelation(r));
  }
  const relations = [...relationMap.values()].sort(byId);
  const retentionSet = new Set(state.retention);
  for (const id of accountIds) retentionSet.delete(id);
  for (const id of delta.retention) retentionSet.add(id);

  const data: SourceData = {
    accounts,
    people: people.flat(),
    relations: finalRelations(relations, people, describe, sync),
    retention: queries.retention ? [...retentionSet].sort() : [],
    describe,
  };
  const counts: DeltaCounts = { changed: Object.fromEntries(objects.map((o) => [o, changed.get(o)?.length ?? 0])), reread: rereadAccounts.length + rereadContacts.length };
  const seen = seenOf(first);
  const { seen: _old, ...rest } = state;
  return { data, state: { ...rest, marks, instanceUrl: first.instanceUrl, accounts, people, relations, retention: data.retention, ...(seen ? { seen } : {}) }, counts };
}
