/**
 * Validation against schemas/sync.schema.json with ajv, and translation of ajv's errors into
 * one message per problem, addressed by the path of the offending node.
 *
 * ajv reports every branch of a failed `oneOf`; that is noise for a person. Here each failed
 * `oneOf` is re-examined: the branch the data was meant for (by its `method`-like constant, or
 * the one with fewest errors) is validated alone and only its errors are reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { Segment } from './diagnostics.js';

export interface SchemaIssue {
  segments: Segment[];
  message: string;
  /** point at the key of the node rather than its value */
  atKey: boolean;
  /** for a missing required property: its name */
  missing?: string;
  /** for an unknown property: the known name it is closest to */
  guess?: string;
}

type JsonObject = Record<string, unknown>;

let rootSchema: JsonObject | undefined;
let ajv: AjvClass | undefined;
let rootValidator: ValidateFunction | undefined;
const branchValidators = new WeakMap<object, ValidateFunction>();

/** Location of schemas/sync.schema.json, found upwards from this module (works from src/ and dist/src/). */
export function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas', 'sync.schema.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('schemas/sync.schema.json not found next to the zdsf installation');
}

export function loadSchema(): JsonObject {
  if (!rootSchema) rootSchema = JSON.parse(readFileSync(schemaPath(), 'utf8')) as JsonObject;
  return rootSchema;
}

export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false } as const;
const require = createRequire(import.meta.url);

// ajv is loaded on first need: a valid config is checked by the validator precompiled at build time
// (scripts/schema-validator.ts), which spares loading ajv and compiling the schema on every run.
function getAjv(): AjvClass {
  if (!ajv) {
    const { Ajv } = require('ajv') as { Ajv: new (options: object) => AjvClass };
    ajv = new Ajv(AJV_OPTIONS);
    ajv.addVocabulary(['x-error']);
  }
  return ajv;
}

function precompiled(): ValidateFunction | undefined {
  try {
    const mod = require('./sync-schema.validate.cjs') as { default?: ValidateFunction; schemaHash?: string } & ValidateFunction;
    const hash = createHash('sha256').update(readFileSync(schemaPath(), 'utf8')).digest('hex');
    return mod.schemaHash === hash ? (mod.default ?? mod) : undefined;
  } catch {
    return undefined; // from src/ (tests), or not built: compile at run time
  }
}

function rootValidate(): ValidateFunction {
  rootValidator ??= precompiled() ?? getAjv().compile(loadSchema());
  return rootValidator;
}

function branchValidate(branch: JsonObject): ValidateFunction {
  let v = branchValidators.get(branch);
  if (!v) {
    v = getAjv().compile({ ...branch, definitions: loadSchema().definitions });
    branchValidators.set(branch, v);
  }
  return v;
}

/** Follows `#/definitions/x` references. */
function resolve(schema: unknown): JsonObject {
  let s = isObject(schema) ? schema : {};
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    const defs = loadSchema().definitions;
    if (!m || !isObject(defs) || !isObject(defs[m[1]])) break;
    s = defs[m[1]] as JsonObject;
  }
  return s;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Turns string segments that index arrays into numbers, following the data. */
function toSegments(base: Segment[], pointer: string, data: unknown): Segment[] {
  const out: Segment[] = [];
  let cur = data;
  for (const s of parsePointer(pointer)) {
    if (Array.isArray(cur)) {
      const n = Number(s);
      out.push(n);
      cur = cur[n];
    } else {
      out.push(s);
      cur = isObject(cur) ? cur[s] : undefined;
    }
  }
  return [...base, ...out];
}

function signature(e: ErrorObject, prefix: string): string {
  return `${prefix}${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}|${e.propertyName ?? ''}`;
}

/** Validates config data against the schema; [] when valid. */
export function schemaIssues(data: unknown): SchemaIssue[] {
  return explain(rootValidate(), data, [], data);
}

function explain(validate: ValidateFunction, data: unknown, base: Segment[], root: unknown): SchemaIssue[] {
  if (validate(data)) return [];
  let errors: ErrorObject[] = [...(validate.errors ?? [])];
  const issues: SchemaIssue[] = [];
  const dataAt = (pointer: string): unknown => {
    let cur: unknown = data;
    for (const s of parsePointer(pointer)) cur = Array.isArray(cur) ? (cur[Number(s)] as unknown) : isObject(cur) ? cur[s] : undefined;
    return cur;
  };

  // outermost first: shorter paths, and at one path the later error (ajv reports a oneOf after its branches)
  const oneOfs = errors
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.e.instancePath.length - b.e.instancePath.length || b.i - a.i)
    .map(({ e }) => e);
  for (const o of oneOfs) {
    if (!errors.includes(o)) continue;
    const branches = (Array.isArray(o.schema) ? o.schema : []) as JsonObject[];
    const parent = isObject(o.parentSchema) ? o.parentSchema : {};
    const here = dataAt(o.instancePath);
    const segs = toSegments(base, o.instancePath, data);
    const results = branches.map((b) => {
      const v = branchValidate(b);
      v(here);
      return [...(v.errors ?? [])];
    });
    // drop what the branches reported from the main list (and the oneOf error itself)
    const drop = new Map<string, number>();
    for (const r of results) for (const e of r) {
      const k = signature(e, o.instancePath);
      drop.set(k, (drop.get(k) ?? 0) + 1);
    }
    errors = errors.filter((e) => {
      if (e === o) return false;
      const k = signature(e, '');
      const n = drop.get(k) ?? 0;
      if (n > 0) {
        drop.set(k, n - 1);
        return false;
      }
      return true;
    });

    const requiredOnly = branches.every((b) => {
      const keys = Object.keys(b);
      return keys.length === 1 && Array.isArray(b.required) && b.required.length === 1;
    });
    if (requiredOnly) {
      const names = branches.map((b) => String((b.required as unknown[])[0]));
      const present = isObject(here) ? names.filter((n) => n in here) : [];
      if (present.length > 1) issues.push({ segments: segs, message: `set only one of ${names.join(', ')}`, atKey: true });
      else issues.push({ segments: segs, message: `needs one of ${names.join(', ')}`, atKey: true });
      continue;
    }
    const passing = (o.params as { passingSchemas?: unknown }).passingSchemas;
    if (Array.isArray(passing)) {
      issues.push({ segments: segs, message: String(parent['x-error'] ?? 'matches more than one allowed form'), atKey: false });
      continue;
    }

    // a discriminating constant (e.g. auth `method`)?
    const resolved = branches.map(resolve);
    const discriminator = discriminatorOf(resolved);
    let chosen = -1;
    if (discriminator) {
      const values = resolved.map((b) => (b.properties as JsonObject)[discriminator] as JsonObject).map((p) => p.const);
      if (!isObject(here)) continue; // the parent's `type: object` reports it
      if (!(discriminator in here)) continue; // the parent's `required` reports it
      chosen = values.findIndex((v) => v === here[discriminator]);
      if (chosen < 0) {
        issues.push({
          segments: [...segs, discriminator],
          message: `must be one of ${values.map(String).join(', ')}`,
          atKey: false,
        });
        continue;
      }
    } else {
      let best = Number.POSITIVE_INFINITY;
      let tie = false;
      results.forEach((r, i) => {
        if (r.some((e) => e.instancePath === '' && e.keyword === 'type')) return;
        if (r.length < best) {
          best = r.length;
          chosen = i;
          tie = false;
        } else if (r.length === best) tie = true;
      });
      if (chosen < 0 || tie) {
        const described = String(parent['x-error'] ?? 'does not match any allowed form');
        issues.push({ segments: segs, message: described, atKey: false });
        continue;
      }
    }
    issues.push(...explain(branchValidate(branches[chosen]), here, segs, root));
  }

  for (const e of errors) {
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue;
    const issue = translate(e, base, data);
    if (issue) issues.push(issue);
  }
  // `sync:` for `syncs:` is one mistake, not two: drop "missing syncs" when an unknown key is a near miss of it
  const guesses = new Set(issues.map((i) => i.guess && `${JSON.stringify(i.segments.slice(0, -1))}|${i.guess}`).filter(Boolean));
  return issues.filter((i) => !(i.missing && guesses.has(`${JSON.stringify(i.segments)}|${i.missing}`)));
}

function discriminatorOf(branches: JsonObject[]): string | undefined {
  const first = branches[0]?.properties;
  if (!isObject(first)) return undefined;
  for (const key of Object.keys(first)) {
    if (branches.every((b) => isObject(b.properties) && isObject(b.properties[key]) && 'const' in (b.properties[key] as JsonObject)))
      return key;
  }
  return undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

function describeType(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => TYPE_NAMES[String(x)] ?? String(x)).join(' or ');
}

function translate(e: ErrorObject, base: Segment[], data: unknown): SchemaIssue | undefined {
  const segs = toSegments(base, e.instancePath, data);
  const parent = isObject(e.parentSchema) ? e.parentSchema : {};
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    const what = typeof parent.description === 'string' ? parent.description : 'invalid name';
    return { segments: [...segs, e.propertyName], message: `"${e.propertyName}" is not a valid name: ${what}`, atKey: true };
  }
  switch (e.keyword) {
    case 'required':
      return { segments: segs, message: `missing required property "${String(params.missingProperty)}"`, atKey: true, missing: String(params.missingProperty) };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = isObject(parent.properties) ? Object.keys(parent.properties) : [];
      const guess = closest(name, known);
      const hint = guess ? ` (did you mean "${guess}"?)` : known.length > 0 ? `; allowed here: ${known.join(', ')}` : '';
      return { segments: [...segs, name], message: `unknown property "${name}"${hint}`, atKey: true, guess };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { segments: segs, message: `must be one of ${allowed.join(', ')}`, atKey: false };
    }
    case 'const': {
      const allowed = params.allowedValue;
      if (segs.length === 1 && segs[0] === 'version') return { segments: segs, message: 'must be 1 (the only version of this format)', atKey: false };
      return { segments: segs, message: `must be ${JSON.stringify(allowed)}`, atKey: false };
    }
    case 'type': {
      const expected = describeType(params.type);
      let hint = '';
      if (params.type === 'string' && typeof e.data === 'number') {
        const asWritten = segs[segs.length - 1] === 'api_version' && Number.isInteger(e.data) ? `${e.data}.0` : String(e.data);
        hint = ` (quote it: "${asWritten}")`;
      }
      if (params.type === 'string' && typeof e.data === 'boolean') hint = ` (quote it: "${String(e.data)}")`;
      const got = e.data === null ? 'is empty' : `got ${Array.isArray(e.data) ? 'a list' : isObject(e.data) ? 'a mapping' : JSON.stringify(e.data)}`;
      return { segments: segs, message: `must be ${expected}, ${got}${hint}`, atKey: false };
    }
    case 'pattern': {
      const what = typeof parent.description === 'string' ? `: ${parent.description}` : ` (must match ${String(params.pattern)})`;
      return { segments: segs, message: `"${String(e.data)}" is not valid${what}`, atKey: false };
    }
    case 'minLength':
      return { segments: segs, message: 'must not be empty', atKey: false };
    case 'minItems':
      return { segments: segs, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, atKey: false };
    case 'minProperties':
      return { segments: segs, message: `must declare at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`, atKey: false };
    case 'minimum':
      return { segments: segs, message: `must be at least ${String(params.limit)}`, atKey: false };
    case 'uniqueItems':
      return { segments: segs, message: `lists the same value twice (items ${String(params.j)} and ${String(params.i)})`, atKey: false };
    default:
      return { segments: segs, message: e.message ?? `fails ${e.keyword}`, atKey: false };
  }
}

/** The known name nearest to `name` (edit distance at most 2, or a case difference), if any. */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0 : distance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.min(2, Math.max(1, Math.floor(name.length / 3))) ? best : undefined;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
