// The plan-time check of a `cases` section against describe of Case (issue 18, "Bad input"): before anything
// is read or written, every mapped Case field must exist and be writable, the ticket id field must be an
// External ID, and every status_map value must be a Status the picklist offers. Each problem names the mapping
// and its sync.yaml line. Pure: the describe comes from the Salesforce adapter (src/salesforce/case-writer.ts).
import type { CaseSync, Mapping, SourcePos } from '../model/config.js';
import type { SfFieldDescribe, SfObjectDescribe } from '../model/salesforce.js';
import { ZdsfError } from '../util/errors.js';

export interface CaseConfigProblem {
  /** config path, e.g. syncs.global.cases.fields.Foo__c */
  path: string;
  pos?: SourcePos;
  message: string;
}

const NUMERIC = new Set(['int', 'double', 'currency', 'percent', 'long']);
const KEY_TYPES = new Set(['string', 'int', 'double', 'long', 'email', 'phone', 'url']);

function findField(describe: SfObjectDescribe, name: string): SfFieldDescribe | undefined {
  const l = name.toLowerCase();
  return describe.fields.find((f) => f.name.toLowerCase() === l);
}

function nearest(describe: SfObjectDescribe, name: string): string {
  const l = name.toLowerCase().replace(/__c$/, '');
  const hits = describe.fields
    .map((f) => f.name)
    .filter((n) => {
      const m = n.toLowerCase().replace(/__c$/, '');
      return m.includes(l) || (m.length >= 4 && l.includes(m));
    });
  return hits.length > 0 ? ` (did you mean ${hits.slice(0, 3).join(', ')}?)` : '';
}

/** Why zdsf cannot write `field` on create and update, or null. */
function notWritable(f: SfFieldDescribe): string | null {
  if (f.calculated === true) return 'is a formula field';
  if (f.autoNumber === true) return 'is an auto number';
  if (f.createable === false && f.updateable === false) return 'is not writable (neither createable nor updateable for the integration user)';
  if (f.createable === false) return 'is not createable (the integration user cannot set it on a new Case)';
  if (f.updateable === false) return 'is not updateable (the integration user cannot change it)';
  return null;
}

function constantProblem(m: Mapping, f: SfFieldDescribe): string | null {
  const values: unknown[] = m.kind === 'value' ? [m.value] : m.kind === 'field' && m.map ? [...Object.values(m.map), ...(m.default !== undefined ? [m.default] : [])] : [];
  for (const v of values) {
    if (v === null) continue;
    if (f.type === 'boolean' && typeof v !== 'boolean') return `${f.name} is a checkbox: ${JSON.stringify(v)} is not true or false`;
    if (NUMERIC.has(f.type) && !(typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))))) return `${f.name} is a number (${f.type}): ${JSON.stringify(v)} is not one`;
    if (f.type === 'picklist' && f.picklistValues && f.picklistValues.length > 0) {
      const allowed = f.picklistValues.filter((p) => p.active !== false).map((p) => p.value);
      if (!allowed.includes(String(v))) return `${JSON.stringify(v)} is not a value of the ${f.name} picklist (${allowed.join(', ')})`;
    }
  }
  return null;
}

/** Every problem of `cases` against describe of Case (empty when zdsf can write what the config says). */
export function caseDescribeProblems(syncName: string, cases: CaseSync, describe: SfObjectDescribe, instanceName: string): CaseConfigProblem[] {
  const base = `syncs.${syncName}.cases`;
  const out: CaseConfigProblem[] = [];
  const add = (path: string, pos: SourcePos | undefined, message: string) => out.push({ path, pos, message });
  const where = `Case in Salesforce instance ${instanceName}`;

  const keyPos = cases.positions.ticket_id_field ?? cases.pos;
  const key = findField(describe, cases.ticket_id_field);
  if (!key) add(`${base}.ticket_id_field`, keyPos, `${where} has no field ${cases.ticket_id_field}${nearest(describe, cases.ticket_id_field)}; create it as a Text External ID field (Unique), e.g. Zendesk_Ticket_Id__c`);
  else {
    if (key.externalId !== true) add(`${base}.ticket_id_field`, keyPos, `${key.name} on ${where} is not an External ID field: upserts are keyed by it; tick "External ID" (and "Unique") on the field`);
    if (!KEY_TYPES.has(key.type)) add(`${base}.ticket_id_field`, keyPos, `${key.name} on ${where} is of type ${key.type}: a ticket id needs a text or number field`);
    const why = notWritable(key);
    if (why) add(`${base}.ticket_id_field`, keyPos, `${key.name} on ${where} ${why}`);
  }

  for (const [name, m] of Object.entries(cases.fields)) {
    const f = findField(describe, name);
    if (!f) {
      add(m.name, m.pos, `${where} has no field ${name}${nearest(describe, name)}`);
      continue;
    }
    const why = notWritable(f);
    if (why) {
      add(m.name, m.pos, `${f.name} on ${where} ${why}`);
      continue;
    }
    if (f.type === 'reference' || f.type === 'id') {
      add(m.name, m.pos, `${f.name} on ${where} is a lookup (${f.type}): zdsf writes only AccountId and ContactId itself`);
      continue;
    }
    const problem = constantProblem(m, f);
    if (problem) add(m.name, m.pos, problem);
  }

  const status = findField(describe, 'Status');
  const statusPos = (s: string) => cases.positions[`status_map.${s}`] ?? cases.pos;
  if (!status) add(`${base}.status_map`, cases.pos, `${where} has no Status field`);
  else {
    const why = notWritable(status);
    if (why) add(`${base}.status_map`, cases.pos, `Status on ${where} ${why}`);
    const allowed = (status.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value);
    if (allowed.length > 0) {
      for (const [s, v] of Object.entries(cases.status_map)) {
        if (v !== undefined && !allowed.includes(v)) add(`${base}.status_map.${s}`, statusPos(s), `"${v}" is not a Case Status in Salesforce instance ${instanceName} (values: ${allowed.join(', ')})`);
      }
    }
  }
  for (const [flag, field] of [['account', 'AccountId'], ['contact', 'ContactId']] as const) {
    if (!cases[flag]) continue;
    const f = findField(describe, field);
    const pos = cases.positions[flag] ?? cases.pos;
    if (!f) add(`${base}.${flag}`, pos, `${where} has no ${field} field; set ${flag}: false`);
    else {
      const why = notWritable(f);
      if (why) add(`${base}.${flag}`, pos, `${field} on ${where} ${why}; set ${flag}: false or grant the integration user edit access`);
    }
  }
  return out;
}

/** `sync.yaml:12:9: syncs.global.cases.fields.Foo__c: Case ... has no field Foo__c` */
export function formatCaseProblem(p: CaseConfigProblem): string {
  const where = p.pos ? `${p.pos.file}:${p.pos.line}:${p.pos.col}: ` : '';
  return `${where}${p.path}: ${p.message}`;
}

/** Throws a ZdsfError (config_invalid) listing every problem, so plan stops before reading or writing anything. */
export function assertCaseConfig(syncName: string, cases: CaseSync, describe: SfObjectDescribe, instanceName: string): void {
  const problems = caseDescribeProblems(syncName, cases, describe, instanceName);
  if (problems.length === 0) return;
  throw new ZdsfError(
    `The cases section of sync ${syncName} does not fit describe of Case in Salesforce instance ${instanceName} (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was written:\n${problems.map(formatCaseProblem).join('\n')}`,
    'config_invalid',
  );
}
