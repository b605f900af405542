// SOQL evaluator over the sandbox's in-memory records. Queries are parsed with
// @jetstreamapp/soql-parser-js and compiled to closures: field paths become getters that follow
// parent Ids through Map indexes, WHERE becomes a predicate, ORDER BY a keyed sort, and child
// subqueries read a per-lookup index of the child records. Errors are Salesforce-shaped (SfApiError).
// Over ~400 lines on purpose: the compiler is one recursive pass over the parser's tree (projection, WHERE,
// literals and date functions, ORDER BY, subqueries) sharing one context (Ctx) and the field-path rules;
// split, each part would need the others' internals.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type { Condition, FieldType, NegationCondition, OrderByClause, Query, Subquery, ValueQueryCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import type { SfRecord } from '../../model/salesforce.js';
import type { SfSeedRecord } from '../../model/seed.js';
import { dateLiteralRange, literalRange, toEpoch, type Range } from './dates.js';
import { isNullish, type ChildRelationship, type FieldInfo, type ParentRelationship, type SfDatabase, type SObjectTable } from './database.js';
import { malformed, noSuchColumn, SfApiError, unknownChildRelationship, unknownObject, unknownRelationshipInPath } from './errors.js';

export interface QueryOptions {
  /** the clock for date literals (TODAY, LAST_N_DAYS:n ...); default: now */
  now?: Date;
  /** API version used in attributes.url; default 62.0 */
  version?: string;
  /** queryAll: include records with IsDeleted = true */
  includeDeleted?: boolean;
  /**
   * Child subquery paging, as the REST API does it: a parent with more than `size` children gets the
   * first `size` with `done: false` and the nextRecordsUrl that `register` returns for the rest.
   * Without it, every child is inline.
   */
  childPage?: { size: number; register: (query: CompiledQuery, rows: SfSeedRecord[]) => string };
}

type Getter = (rec: SfSeedRecord) => unknown;
type Predicate = (rec: SfSeedRecord) => boolean;

type Category = 'text' | 'number' | 'boolean' | 'temporal';

type ProjEntry =
  | { kind: 'field'; key: string; get: Getter }
  | { kind: 'parent'; key: string; rel: ParentRelationship; node: ProjNode; lookup: (id: unknown) => { table: SObjectTable; record: SfSeedRecord } | undefined }
  | { kind: 'children'; key: string; sub: CompiledQuery; child: ChildRelationship };

interface ProjNode {
  entries: ProjEntry[];
  byKey: Map<string, ProjEntry>;
}

/** one column of a flat (Bulk API 2.0 CSV) result */
export interface Column {
  header: string;
  get: Getter;
  type: string;
}

interface Ctx {
  db: SfDatabase;
  soql: string;
  now: Date;
  version: string;
  includeDeleted: boolean;
  childPage: QueryOptions['childPage'];
}

interface OrderKey {
  key: (rec: SfSeedRecord) => string | number | null;
  dir: 1 | -1;
  nullsFirst: boolean;
}

const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long']);

function category(type: string): Category {
  if (type === 'boolean') return 'boolean';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (type === 'date' || type === 'datetime') return 'temporal';
  return 'text';
}

const eq = (a: string | undefined, b: string | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const lowerStr = (v: unknown): string => (typeof v === 'string' ? v : String(v)).toLowerCase();

export class CompiledQuery {
  filter: Predicate | undefined;
  /** WHERE is `... AND SystemModstamp > t AND ...` (t in ms): only records stamped at or after t can match */
  stampFloor: number | undefined;
  order: OrderKey[] = [];
  limit: number | undefined;
  offset: number | undefined;
  count = false;
  readonly projection: ProjNode = { entries: [], byKey: new Map() };
  readonly columns: Column[] = [];
  hasSubquery = false;

  constructor(
    readonly ctx: Ctx,
    readonly table: SObjectTable,
  ) {}

  private keep(rec: SfSeedRecord): boolean {
    if (!this.ctx.includeDeleted && rec.IsDeleted === true) return false;
    return this.filter ? this.filter(rec) : true;
  }

  private finish(rows: SfSeedRecord[]): SfSeedRecord[] {
    let out = rows;
    if (this.order.length) {
      const keys = out.map((r) => this.order.map((o) => o.key(r)));
      const idx = out.map((_, i) => i);
      idx.sort((a, b) => {
        for (let k = 0; k < this.order.length; k++) {
          const o = this.order[k];
          const x = keys[a][k];
          const y = keys[b][k];
          if (x === y) continue;
          if (x === null) return o.nullsFirst ? -1 : 1;
          if (y === null) return o.nullsFirst ? 1 : -1;
          return (x < y ? -1 : 1) * o.dir;
        }
        return 0;
      });
      out = idx.map((i) => out[i]);
    }
    const start = this.offset ?? 0;
    if (start || this.limit !== undefined) out = out.slice(start, this.limit === undefined ? undefined : start + this.limit);
    return out;
  }

  /** the matching records, ordered, after OFFSET and LIMIT */
  run(): SfSeedRecord[] {
    const rows: SfSeedRecord[] = [];
    // a change query (SystemModstamp > mark) reads the stamp index: it costs what it returns, not the table's size
    const candidates = this.stampFloor !== undefined ? this.table.stampedFrom(this.stampFloor) : undefined;
    for (const rec of candidates ?? this.table.records) if (this.keep(rec)) rows.push(rec);
    return this.finish(rows);
  }

  /** for a child subquery: the children of one parent that match */
  runChildren(field: string, parentId: string): SfSeedRecord[] {
    const all = this.table.childrenOf(field, parentId);
    if (!all.length) return all;
    return this.finish(all.filter((r) => this.keep(r)));
  }

  /** a record in the REST API's shape */
  render(rec: SfSeedRecord): SfRecord {
    return renderNode(this.ctx, this.projection, this.table, rec);
  }
}

function attributes(ctx: Ctx, table: SObjectTable, rec: SfSeedRecord): { type: string; url: string } {
  return { type: table.name, url: `/services/data/v${ctx.version}/sobjects/${table.name}/${rec.Id}` };
}

function renderNode(ctx: Ctx, node: ProjNode, table: SObjectTable, rec: SfSeedRecord): SfRecord {
  const out: Record<string, unknown> = { attributes: attributes(ctx, table, rec) };
  for (const e of node.entries) {
    if (e.kind === 'field') out[e.key] = e.get(rec);
    else if (e.kind === 'parent') {
      const p = e.lookup(rec[e.rel.field.name]);
      out[e.key] = p ? renderNode(ctx, e.node, p.table, p.record) : null;
    } else {
      const rows = typeof rec.Id === 'string' ? e.sub.runChildren(e.child.field, rec.Id) : [];
      const page = ctx.childPage;
      if (!rows.length) out[e.key] = null;
      else if (page && rows.length > page.size) {
        out[e.key] = {
          totalSize: rows.length,
          done: false,
          nextRecordsUrl: page.register(e.sub, rows),
          records: rows.slice(0, page.size).map((r) => e.sub.render(r)),
        };
      } else out[e.key] = { totalSize: rows.length, done: true, records: rows.map((r) => e.sub.render(r)) };
    }
  }
  return out as SfRecord;
}

interface Resolved {
  hops: { rel: ParentRelationship; table: SObjectTable | undefined }[];
  field: FieldInfo;
  get: Getter;
  /** the path as Salesforce names it (canonical case), e.g. Account.Name */
  header: string;
}

function anyFieldInfo(name: string): FieldInfo {
  return { name, type: 'string', describe: { name, type: 'string' }, get: (r) => r[name] ?? null };
}

/** resolves `Account.Owner.Name` (segments) from `table`, dropping a leading self prefix (`Account.Name FROM Account`) */
function resolvePath(ctx: Ctx, table: SObjectTable, aliases: string[], segments: string[], written: string): Resolved {
  let segs = segments;
  if (segs.length > 1 && aliases.some((a) => eq(a, segs[0])) && !table.parents.has(segs[0].toLowerCase())) segs = segs.slice(1);
  const hops: Resolved['hops'] = [];
  let current: SObjectTable | undefined = table;
  let candidates: SObjectTable[] = [table];
  for (const seg of segs.slice(0, -1)) {
    const rel: ParentRelationship | undefined = candidates.map((t) => t.parents.get(seg.toLowerCase())).find((r) => r !== undefined);
    if (!rel) {
      if (candidates.length === 0) break; // unknown target: accept the rest of the path
      throw unknownRelationshipInPath(ctx.soql, seg, written);
    }
    candidates = rel.targets.map((t) => ctx.db.table(t)).filter((t): t is SObjectTable => t !== undefined);
    current = candidates[0];
    hops.push({ rel, table: current });
  }
  const last = segs[segs.length - 1];
  let field: FieldInfo | undefined;
  if (candidates.length === 0) field = anyFieldInfo(last);
  else {
    for (const t of candidates) {
      field = t.field(last);
      if (field) break;
    }
  }
  if (!field) throw noSuchColumn(ctx.soql, last, (current ?? table).name, written);
  const f = field;
  let get: Getter = f.get;
  if (hops.length) {
    const steps = hops.map((h) => ({ idField: h.rel.field.name, lookup: ctx.db.parentRecordLookup(h.rel) }));
    if (steps.length === 1) {
      const [{ idField, lookup }] = steps;
      get = (rec) => {
        const p = lookup(rec[idField]);
        return p ? f.get(p) : null;
      };
    } else {
      get = (rec) => {
        let r: SfSeedRecord | undefined = rec;
        for (const step of steps) {
          r = step.lookup(r[step.idField]);
          if (!r) return null;
        }
        return f.get(r);
      };
    }
  }
  const header = [...hops.map((h) => h.rel.name), f.name].join('.');
  return { hops, field: f, get, header };
}

function addToProjection(ctx: Ctx, q: CompiledQuery, r: Resolved): void {
  let node = q.projection;
  for (const hop of r.hops) {
    let entry = node.byKey.get(hop.rel.name);
    if (!entry || entry.kind !== 'parent') {
      entry = { kind: 'parent', key: hop.rel.name, rel: hop.rel, node: { entries: [], byKey: new Map() }, lookup: ctx.db.parentLookup(hop.rel) };
      node.byKey.set(entry.key, entry);
      node.entries.push(entry);
    }
    node = entry.node;
  }
  if (!node.byKey.has(r.field.name)) {
    const entry: ProjEntry = { kind: 'field', key: r.field.name, get: r.field.get };
    node.byKey.set(entry.key, entry);
    node.entries.push(entry);
  }
  if (!q.columns.some((c) => c.header === r.header)) q.columns.push({ header: r.header, get: r.get, type: r.field.type });
}

function unsupported(what: string): SfApiError {
  return malformed(`${what} is not supported by the zdsf sandbox's SOQL evaluator`);
}

function compile(ctx: Ctx, table: SObjectTable, aliases: string[], query: Query | Subquery, isSub: boolean): CompiledQuery {
  const q = new CompiledQuery(ctx, table);
  if (query.groupBy) throw unsupported('GROUP BY');
  if (query.having) throw unsupported('HAVING');
  if (query.withDataCategory) throw unsupported('WITH DATA CATEGORY');
  if (query.for || query.update) throw unsupported('FOR VIEW / FOR REFERENCE / FOR UPDATE / UPDATE TRACKING');
  if (query.usingScope) throw unsupported('USING SCOPE');

  const fields: FieldType[] = query.fields ?? [];
  for (const f of fields) {
    switch (f.type) {
      case 'Field':
        addToProjection(ctx, q, resolvePath(ctx, table, aliases, f.field.split('.'), f.field));
        break;
      case 'FieldRelationship':
        addToProjection(ctx, q, resolvePath(ctx, table, aliases, [...f.relationships, f.field], f.rawValue ?? [...f.relationships, f.field].join('.')));
        break;
      case 'FieldSubquery': {
        if (isSub) throw malformed('Nesting of semi join sub-selects is not supported: a child subquery cannot contain another subquery');
        const name = f.subquery.relationshipName;
        const child = table.children.get(name.toLowerCase());
        if (!child) throw unknownChildRelationship(ctx.soql, name);
        const childTable = ctx.db.table(child.childObject);
        if (!childTable) throw unknownChildRelationship(ctx.soql, name);
        const sub = compile(ctx, childTable, [child.name, childTable.name, ...(f.subquery.sObjectPrefix ?? [])], f.subquery, true);
        if (!q.projection.byKey.has(child.name)) {
          const entry: ProjEntry = { kind: 'children', key: child.name, sub, child };
          q.projection.byKey.set(child.name, entry);
          q.projection.entries.push(entry);
        }
        q.hasSubquery = true;
        break;
      }
      case 'FieldFunctionExpression': {
        const fn = f.functionName.toUpperCase();
        if (fn === 'COUNT' && f.parameters.length === 0 && fields.length === 1 && !isSub) {
          q.count = true;
        } else if (fn === 'FIELDS' && f.parameters.length === 1 && typeof f.parameters[0] === 'string') {
          const which = f.parameters[0].toUpperCase();
          for (const info of table.fields.values()) {
            const custom = info.name.endsWith('__c');
            if (which === 'ALL' || (which === 'CUSTOM' && custom) || (which === 'STANDARD' && !custom)) {
              addToProjection(ctx, q, { hops: [], field: info, get: info.get, header: info.name });
            }
          }
        } else {
          throw unsupported(`${f.rawValue ?? fn + '()'} in the SELECT list`);
        }
        break;
      }
      default:
        throw unsupported('TYPEOF');
    }
  }
  if (!fields.length) throw malformed('unexpected token: FROM');

  if (query.where) {
    q.filter = compileWhere(ctx, table, aliases, query.where);
    q.stampFloor = stampFloor(query.where);
  }
  const orderBy: OrderByClause[] = query.orderBy ? (Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy]) : [];
  for (const o of orderBy) {
    if (!('field' in o) || typeof o.field !== 'string') throw unsupported('ORDER BY a function');
    const r = resolvePath(ctx, table, aliases, o.field.split('.'), o.field);
    const dir: 1 | -1 = o.order === 'DESC' ? -1 : 1;
    const nullsFirst = o.nulls ? o.nulls === 'FIRST' : dir === 1;
    q.order.push({ key: sortKey(r), dir, nullsFirst });
  }
  q.limit = query.limit;
  q.offset = query.offset;
  return q;
}

function sortKey(r: Resolved): (rec: SfSeedRecord) => string | number | null {
  const get = r.get;
  switch (category(r.field.type)) {
    case 'number':
      return (rec) => {
        const v = get(rec);
        return typeof v === 'number' ? v : null;
      };
    case 'boolean':
      return (rec) => (get(rec) ? 1 : 0);
    case 'temporal':
      return (rec) => toEpoch(get(rec)) ?? null;
    default:
      return (rec) => {
        const v = get(rec);
        return isNullish(v) ? null : lowerStr(v);
      };
  }
}

// ---------------------------------------------------------------- WHERE

/** a comparison (field or function, operator, value or semi-join) */
type Comparison = Exclude<Condition, NegationCondition> | ValueQueryCondition;

type Tok = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'cond'; cond: Comparison };

function isCondition(left: unknown): left is Comparison {
  return !!left && typeof left === 'object' && ('field' in left || 'fn' in left);
}

function flatten(where: WhereClause): Tok[] {
  const out: Tok[] = [];
  let w: WhereClause | undefined = where;
  while (w) {
    const left: unknown = w.left;
    const op = 'operator' in w ? w.operator : undefined;
    if (isCondition(left)) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push({ t: '(' });
      out.push({ t: 'cond', cond: left });
      const close = 'closeParen' in left && typeof left.closeParen === 'number' ? left.closeParen : 0;
      for (let i = 0; i < close; i++) out.push({ t: ')' });
      if (op) out.push({ t: op });
    } else {
      const open = left && typeof left === 'object' && 'openParen' in left && typeof left.openParen === 'number' ? left.openParen : 0;
      for (let i = 0; i < open; i++) out.push({ t: '(' });
      out.push({ t: 'NOT' });
    }
    w = 'right' in w ? (w.right as WhereClause | undefined) : undefined;
  }
  return out;
}

function compileWhere(ctx: Ctx, table: SObjectTable, aliases: string[], where: WhereClause): Predicate {
  const toks = flatten(where);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];

  const parseOr = (): Predicate => {
    const parts: Predicate[] = [parseUnary()];
    let op: 'AND' | 'OR' | undefined;
    for (let t = peek(); t && (t.t === 'AND' || t.t === 'OR'); t = peek()) {
      if (op && op !== t.t) {
        throw malformed(`unexpected token: '${t.t}' (SOQL needs parentheses where AND and OR are mixed)`);
      }
      op = t.t;
      i++;
      parts.push(parseUnary());
    }
    if (parts.length === 1) return parts[0];
    if (op === 'AND') return (r) => parts.every((p) => p(r));
    return (r) => parts.some((p) => p(r));
  };
  const parseUnary = (): Predicate => {
    const t = peek();
    if (!t) throw malformed('unexpected end of WHERE clause');
    if (t.t === 'NOT') {
      i++;
      const inner = parseUnary();
      return (r) => !inner(r);
    }
    if (t.t === '(') {
      i++;
      const inner = parseOr();
      if (peek()?.t !== ')') throw malformed("unexpected token: expecting ')'");
      i++;
      return inner;
    }
    if (t.t === 'cond') {
      i++;
      return compileCondition(ctx, table, aliases, t.cond);
    }
    throw malformed(`unexpected token: '${t.t}'`);
  };
  const pred = parseOr();
  if (i !== toks.length) throw malformed(`unexpected token: '${toks[i].t}'`);
  return pred;
}

/** The largest t of the conditions `SystemModstamp > t` / `>= t` (a datetime literal) that every match must meet:
 * those at the top level of a WHERE whose top-level operators are all AND. Undefined when there is none. */
function stampFloor(where: WhereClause): number | undefined {
  let depth = 0;
  let floor: number | undefined;
  for (const tok of flatten(where)) {
    if (tok.t === '(') depth += 1;
    else if (tok.t === ')') depth -= 1;
    else if (depth === 0 && (tok.t === 'OR' || tok.t === 'NOT')) return undefined;
    else if (depth === 0 && tok.t === 'cond') {
      const c = tok.cond as { field?: unknown; operator?: unknown; value?: unknown; literalType?: unknown; valueQuery?: unknown };
      if (typeof c.field !== 'string' || c.field.toLowerCase() !== 'systemmodstamp' || c.valueQuery !== undefined) continue;
      if ((c.operator !== '>' && c.operator !== '>=') || typeof c.value !== 'string' || String(c.literalType).toUpperCase() !== 'DATETIME') continue;
      const t = toEpoch(c.value);
      // second precision in the literal, milliseconds in the records: the floor is the literal's second
      if (t !== undefined) floor = Math.max(floor ?? -Infinity, t);
    }
  }
  return floor;
}

type Lit =
  | { kind: 'null' }
  | { kind: 'string'; raw: string; value: string; lower: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'range'; range: Range };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** the content of a quoted SOQL string literal, escapes still in place (LIKE reads \\% and \\_ itself) */
function unquote(raw: string): string {
  return raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
}

function unescapeString(inner: string): string {
  return inner.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c);
}

function likeRegex(inner: string): RegExp {
  let re = '';
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k];
    if (c === '\\' && k + 1 < inner.length) {
      const n = inner[++k];
      const lit = ESCAPES[n] ?? n;
      re += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

function literal(ctx: Ctx, type: string | undefined, value: string, fieldName: string): Lit {
  switch (type) {
    case 'NULL':
      return { kind: 'null' };
    case 'STRING': {
      const raw = unquote(value);
      const v = unescapeString(raw);
      return { kind: 'string', raw, value: v, lower: v.toLowerCase() };
    }
    case 'INTEGER':
    case 'DECIMAL':
      return { kind: 'number', value: Number(value) };
    case 'INTEGER_WITH_CURRENCY_PREFIX':
    case 'DECIMAL_WITH_CURRENCY_PREFIX':
      return { kind: 'number', value: Number(value.replace(/^[A-Za-z]+/, '')) };
    case 'BOOLEAN':
      return { kind: 'boolean', value: value.toUpperCase() === 'TRUE' };
    case 'DATE':
    case 'DATETIME': {
      const range = literalRange(type, value);
      if (!range) throw malformed(`${value} is not a valid value for the type xsd:${type === 'DATE' ? 'date' : 'dateTime'}`);
      return { kind: 'range', range };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': {
      const [name, n] = value.split(':');
      const range = dateLiteralRange(name, n === undefined ? undefined : Number(n), ctx.now);
      if (!range) throw unsupported(`the date literal ${value}`);
      return { kind: 'range', range };
    }
    case 'APEX_BIND_VARIABLE':
      throw malformed(`Bind variables only allowed in Apex code (field ${fieldName})`);
    default:
      throw unsupported(`the value ${value}`);
  }
}

const TYPE_NAMES: Record<string, string> = { int: 'int', long: 'long', double: 'double', currency: 'currency', percent: 'double', date: 'date', datetime: 'dateTime', boolean: 'boolean' };

function checkType(ctx: Ctx, cat: Category, field: FieldInfo, written: string, lit: Lit): void {
  if (lit.kind === 'null') return;
  const ok =
    (cat === 'text' && lit.kind === 'string') ||
    (cat === 'number' && lit.kind === 'number') ||
    (cat === 'boolean' && lit.kind === 'boolean') ||
    (cat === 'temporal' && lit.kind === 'range');
  if (ok) return;
  const msg =
    cat === 'text'
      ? `value of filter criterion for field '${written}' must be of type string and should be enclosed in quotes`
      : `value of filter criterion for field '${written}' must be of type ${TYPE_NAMES[field.type] ?? field.type} and should not be enclosed in quotes`;
  throw new SfApiError('INVALID_FIELD', msg);
}

const DAY_MS = 86_400_000;

/** SOQL date functions (UTC; fiscal = calendar year): the value they give for an epoch */
const DATE_FUNCTIONS: Record<string, { type: string; fn: (t: number) => number | string }> = {
  CALENDAR_YEAR: { type: 'int', fn: (t) => new Date(t).getUTCFullYear() },
  CALENDAR_MONTH: { type: 'int', fn: (t) => new Date(t).getUTCMonth() + 1 },
  CALENDAR_QUARTER: { type: 'int', fn: (t) => Math.floor(new Date(t).getUTCMonth() / 3) + 1 },
  FISCAL_YEAR: { type: 'int', fn: (t) => new Date(t).getUTCFullYear() },
  FISCAL_MONTH: { type: 'int', fn: (t) => new Date(t).getUTCMonth() + 1 },
  FISCAL_QUARTER: { type: 'int', fn: (t) => Math.floor(new Date(t).getUTCMonth() / 3) + 1 },
  DAY_IN_MONTH: { type: 'int', fn: (t) => new Date(t).getUTCDate() },
  DAY_IN_WEEK: { type: 'int', fn: (t) => new Date(t).getUTCDay() + 1 },
  DAY_IN_YEAR: { type: 'int', fn: (t) => Math.floor((t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY_MS) + 1 },
  HOUR_IN_DAY: { type: 'int', fn: (t) => new Date(t).getUTCHours() },
  WEEK_IN_MONTH: { type: 'int', fn: (t) => Math.floor((new Date(t).getUTCDate() - 1) / 7) + 1 },
  WEEK_IN_YEAR: { type: 'int', fn: (t) => Math.floor((t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / (7 * DAY_MS)) + 1 },
  DAY_ONLY: { type: 'date', fn: (t) => new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10) },
};

/** the left side of a condition: a field path, or a date function over one */
function conditionOperand(ctx: Ctx, table: SObjectTable, aliases: string[], cond: Comparison): { written: string; field: FieldInfo; get: Getter } {
  if ('field' in cond) {
    const r = resolvePath(ctx, table, aliases, cond.field.split('.'), cond.field);
    return { written: cond.field, field: r.field, get: r.get };
  }
  if (!('fn' in cond)) throw malformed('unexpected token in WHERE');
  const name = (cond.fn.functionName ?? '').toUpperCase();
  const def = DATE_FUNCTIONS[name];
  const param = cond.fn.parameters?.[0];
  if (!def || typeof param !== 'string' || (cond.fn.parameters?.length ?? 0) !== 1) throw unsupported(`${cond.fn.rawValue ?? name} in WHERE`);
  const r = resolvePath(ctx, table, aliases, param.split('.'), param);
  if (category(r.field.type) !== 'temporal') {
    throw new SfApiError('INVALID_FIELD', `${name} can only be used with date or dateTime fields: '${param}' is of type ${r.field.type}`);
  }
  const inner = r.get;
  const written = cond.fn.rawValue ?? `${name}(${param})`;
  const get: Getter = (rec) => {
    const t = toEpoch(inner(rec));
    return t === undefined ? null : def.fn(t);
  };
  return { written, field: { name: written, type: def.type, describe: { name: written, type: def.type }, get }, get };
}

function compileCondition(ctx: Ctx, table: SObjectTable, aliases: string[], cond: Comparison): Predicate {
  const r = conditionOperand(ctx, table, aliases, cond);
  const written = r.written;
  const get = r.get;
  const op = cond.operator.toUpperCase();

  if ('valueQuery' in cond) {
    if (op !== 'IN' && op !== 'NOT IN') throw malformed(`unexpected token: '${cond.operator}' before a semi-join`);
    const inner = compileTop(ctx, cond.valueQuery);
    if (inner.columns.length !== 1 || inner.hasSubquery || inner.count) throw malformed('a semi-join sub-select must select exactly one Id or reference field');
    const col = inner.columns[0];
    const values = new Set<unknown>();
    for (const rec of inner.run()) {
      const v = col.get(rec);
      if (!isNullish(v)) values.add(v);
    }
    return op === 'IN' ? (rec) => values.has(get(rec)) : (rec) => !values.has(get(rec));
  }

  const rawValues = Array.isArray(cond.value) ? cond.value : [cond.value];
  const types = Array.isArray(cond.literalType) ? cond.literalType : rawValues.map(() => cond.literalType as string | undefined);
  const lits = rawValues.map((v, k) => literal(ctx, types[k] as string | undefined, v, written));
  const cat = category(r.field.type);
  for (const l of lits) checkType(ctx, cat, r.field, written, l);
  const lit = lits[0];
  const isList = op === 'IN' || op === 'NOT IN' || op === 'INCLUDES' || op === 'EXCLUDES';
  if (!isList && lits.length !== 1) throw malformed(`unexpected token: '(' after ${cond.operator}`);

  if (op === 'LIKE') {
    if (lit.kind !== 'string') throw new SfApiError('INVALID_FIELD', `invalid operator on field '${written}': LIKE needs a string value`);
    if (cat !== 'text') throw new SfApiError('INVALID_FIELD', `invalid operator on ${r.field.type} field '${written}': LIKE works on text fields only`);
    const re = likeRegex(lit.raw);
    return (rec) => {
      const v = get(rec);
      return !isNullish(v) && re.test(String(v));
    };
  }

  if (isList) {
    const hasNull = lits.some((l) => l.kind === 'null');
    if (op === 'INCLUDES' || op === 'EXCLUDES') {
      const wanted = lits.filter((l): l is Extract<Lit, { kind: 'string' }> => l.kind === 'string').map((l) => l.lower.split(';').map((s) => s.trim()));
      const includes = (rec: SfSeedRecord): boolean => {
        const v = get(rec);
        if (isNullish(v)) return false;
        const have = new Set(lowerStr(v).split(';').map((s) => s.trim()));
        return wanted.some((all) => all.every((x) => have.has(x)));
      };
      return op === 'INCLUDES' ? includes : (rec) => !includes(rec);
    }
    const test = valueTest(cat, get, lits.filter((l) => l.kind !== 'null'));
    const positive = (rec: SfSeedRecord): boolean => {
      const v = get(rec);
      if (isNullish(v) && cat !== 'boolean') return hasNull;
      return test(rec);
    };
    return op === 'IN' ? positive : (rec) => !positive(rec);
  }

  if (lit.kind === 'null') {
    if (op === '=') return (rec) => isNullish(get(rec));
    if (op === '!=') return (rec) => !isNullish(get(rec));
    return () => false;
  }
  return comparison(cat, get, op, lit);
}

/** true when the (non-null) value equals one of the literals */
function valueTest(cat: Category, get: Getter, lits: Lit[]): Predicate {
  switch (cat) {
    case 'text': {
      const set = new Set(lits.map((l) => (l.kind === 'string' ? l.lower : '')));
      return (rec) => set.has(lowerStr(get(rec)));
    }
    case 'number': {
      const set = new Set(lits.map((l) => (l.kind === 'number' ? l.value : NaN)));
      return (rec) => set.has(get(rec) as number);
    }
    case 'boolean': {
      const set = new Set(lits.map((l) => (l.kind === 'boolean' ? l.value : undefined)));
      return (rec) => set.has(get(rec) as boolean);
    }
    default: {
      const ranges = lits.map((l) => (l.kind === 'range' ? l.range : ([0, 0] as Range)));
      return (rec) => {
        const t = toEpoch(get(rec));
        return t !== undefined && ranges.some(([s, e]) => t >= s && t < e);
      };
    }
  }
}

function comparison(cat: Category, get: Getter, op: string, lit: Lit): Predicate {
  if (cat === 'boolean') {
    const want = lit.kind === 'boolean' && lit.value;
    if (op === '=') return (rec) => get(rec) === want;
    if (op === '!=') return (rec) => get(rec) !== want;
    throw new SfApiError('INVALID_FIELD', `invalid operator ${op} on a boolean field`);
  }
  if (cat === 'temporal') {
    const [s, e] = lit.kind === 'range' ? lit.range : [0, 0];
    const at = (rec: SfSeedRecord): number | undefined => toEpoch(get(rec));
    switch (op) {
      case '=':
        return (rec) => {
          const t = at(rec);
          return t !== undefined && t >= s && t < e;
        };
      case '!=':
        return (rec) => {
          const t = at(rec);
          return t === undefined || t < s || t >= e;
        };
      case '<':
        return (rec) => {
          const t = at(rec);
          return t !== undefined && t < s;
        };
      case '<=':
        return (rec) => {
          const t = at(rec);
          return t !== undefined && t < e;
        };
      case '>':
        return (rec) => {
          const t = at(rec);
          return t !== undefined && t >= e;
        };
      case '>=':
        return (rec) => {
          const t = at(rec);
          return t !== undefined && t >= s;
        };
    }
  }
  if (cat === 'number') {
    const n = lit.kind === 'number' ? lit.value : NaN;
    const num = (rec: SfSeedRecord): number | null => {
      const v = get(rec);
      return typeof v === 'number' ? v : null;
    };
    switch (op) {
      case '=':
        return (rec) => num(rec) === n;
      case '!=':
        return (rec) => num(rec) !== n;
      case '<':
        return (rec) => {
          const v = num(rec);
          return v !== null && v < n;
        };
      case '<=':
        return (rec) => {
          const v = num(rec);
          return v !== null && v <= n;
        };
      case '>':
        return (rec) => {
          const v = num(rec);
          return v !== null && v > n;
        };
      case '>=':
        return (rec) => {
          const v = num(rec);
          return v !== null && v >= n;
        };
    }
  }
  const s = lit.kind === 'string' ? lit.lower : '';
  const str = (rec: SfSeedRecord): string | null => {
    const v = get(rec);
    return isNullish(v) ? null : lowerStr(v);
  };
  switch (op) {
    case '=':
      return (rec) => str(rec) === s;
    case '!=':
      return (rec) => str(rec) !== s;
    case '<':
      return (rec) => {
        const v = str(rec);
        return v !== null && v < s;
      };
    case '<=':
      return (rec) => {
        const v = str(rec);
        return v !== null && v <= s;
      };
    case '>':
      return (rec) => {
        const v = str(rec);
        return v !== null && v > s;
      };
    case '>=':
      return (rec) => {
        const v = str(rec);
        return v !== null && v >= s;
      };
  }
  throw malformed(`unexpected token: '${op}'`);
}

// ---------------------------------------------------------------- entry points

function compileTop(ctx: Ctx, parsed: Query): CompiledQuery {
  const object = parsed.sObject;
  if (!object) throw malformed('unexpected token: FROM');
  const table = ctx.db.table(object);
  if (!table) throw unknownObject(ctx.soql, object);
  const aliases = [table.name, ...(parsed.sObjectAlias ? [parsed.sObjectAlias] : [])];
  return compile(ctx, table, aliases, parsed, false);
}

function parse(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : String(e);
    throw malformed(`unexpected token: ${message}`);
  }
}

/** Parses and compiles a SOQL query against the database; throws SfApiError. */
export function compileQuery(db: SfDatabase, soql: string, options: QueryOptions = {}): CompiledQuery {
  const ctx: Ctx = {
    db,
    soql,
    now: options.now ?? new Date(),
    version: options.version ?? '62.0',
    includeDeleted: options.includeDeleted ?? false,
    childPage: options.childPage,
  };
  return compileTop(ctx, parse(soql));
}

/** Runs a query to the end: what a REST query with every page fetched would give. */
export function evaluateQuery(db: SfDatabase, soql: string, options: QueryOptions = {}): { totalSize: number; records: SfRecord[] } {
  const q = compileQuery(db, soql, options);
  const rows = q.run();
  if (q.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => q.render(r)) };
}
