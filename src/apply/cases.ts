// Apply's checks of case changes (issue 18), the Salesforce counterpart of guard.ts and stale.ts:
// - caseConfigProblems: what the config forbids (before any request): a sync without cases, another key field,
//   a field the config does not map, a Status the status_map never gives, a key that is not the ticket's id;
// - checkCaseChanges: each change against the Cases read again by the ticket id field: pending (Salesforce still
//   looks as the plan saw it), done (already as the plan wants: a re-run after an apply stopped half-way) or
//   stale (changed since the plan: the apply is refused, nothing written). Pure.
import type { Sync } from '../model/config.js';
import type { CaseChange, CaseValue, Change } from '../model/plan.js';
import { sameCaseValue } from '../cases/map.js';
import { writtenFields } from '../cases/pipeline.js';
import type { ChangeCheck } from './stale.js';
import { isPlainObject } from './compare.js';

const SALESFORCE_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** The problems of one case change against the sync's config (empty: allowed). */
export function caseConfigProblems(c: CaseChange, config: Sync): string[] {
  const cases = config.cases;
  if (!cases) return ['the sync has no cases section'];
  const out: string[] = [];
  if (c.action !== 'create' && c.action !== 'update') return [`zdsf has no case ${String((c as { action: unknown }).action)}`];
  if (c.key_field !== cases.ticket_id_field) out.push(`the key field ${JSON.stringify(c.key_field)} is not the config's ticket_id_field ${JSON.stringify(cases.ticket_id_field)}`);
  if (typeof c.zendesk_id !== 'number' || c.key !== String(c.zendesk_id)) out.push('the key is not the ticket id');
  if (!isPlainObject(c.after)) return [...out, 'a case change needs the record it sends'];
  if (String(c.after[cases.ticket_id_field] ?? '') !== c.key) out.push(`the record's ${cases.ticket_id_field} is not the ticket id ${c.key}`);
  const allowed = new Set([...writtenFields(cases), cases.ticket_id_field].map((f) => f.toLowerCase()));
  const unmapped = (fields: string[], what: string): void => {
    const bad = fields.filter((f) => !allowed.has(f.toLowerCase()));
    if (bad.length > 0) out.push(`${what} ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not mapped by the config`);
  };
  unmapped(Object.keys(c.after), 'Case field');
  if (c.action === 'update') {
    if (!isPlainObject(c.before)) out.push('an update needs the values the plan saw');
    else unmapped(Object.keys(c.before), 'Case field (before)');
    if (typeof c.salesforce_id !== 'string' || !SALESFORCE_ID.test(c.salesforce_id)) out.push('an update needs the Case Id');
  } else if (c.salesforce_id !== null) out.push('a create has no Case Id');
  const status = c.after.Status;
  if (status !== undefined && !Object.values(cases.status_map).includes(status as string)) {
    out.push(`Status ${JSON.stringify(status)} is no value of status_map`);
  }
  if (c.after.AccountId !== undefined && c.after.AccountId !== null && (typeof c.after.AccountId !== 'string' || !SALESFORCE_ID.test(c.after.AccountId))) {
    out.push('AccountId is not a Salesforce Id');
  }
  return out;
}

/** A Case as read again by apply. */
export type LiveCase = { Id: string } & Record<string, unknown>;

function field(rec: LiveCase, name: string): unknown {
  if (name in rec) return rec[name];
  const l = name.toLowerCase();
  const k = Object.keys(rec).find((x) => x.toLowerCase() === l);
  return k === undefined ? undefined : rec[k];
}

/** The Case of each ticket id (`keyField`'s value). */
export function casesByKey(current: readonly LiveCase[], keyField: string): Map<string, LiveCase[]> {
  const out = new Map<string, LiveCase[]>();
  for (const c of current) {
    const k = field(c, keyField);
    if (k === null || k === undefined || k === '') continue;
    const key = typeof k === 'number' ? String(Math.trunc(k)) : String(k).trim();
    out.set(key, [...(out.get(key) ?? []), c]);
  }
  return out;
}

const show = (v: unknown): string => JSON.stringify(v ?? null);

export function differing(fields: Record<string, CaseValue>, live: LiveCase, skip: string): string[] {
  return Object.entries(fields)
    .filter(([f, v]) => f !== skip && !sameCaseValue(field(live, f), v))
    .map(([f, v]) => `${f} ${show(v)} in the plan, ${show(field(live, f))} in Salesforce`);
}

/** Classifies each case change against the Cases read again (pure). */
export function checkCaseChanges(changes: readonly CaseChange[], current: readonly LiveCase[]): ChangeCheck[] {
  const byKey = new Map<string, Map<string, LiveCase[]>>();
  return changes.map((change): ChangeCheck => {
    let index = byKey.get(change.key_field);
    if (!index) byKey.set(change.key_field, (index = casesByKey(current, change.key_field)));
    const found = index.get(change.key) ?? [];
    const name = `case for ticket #${change.key}`;
    const stale = (reason: string): ChangeCheck => ({ change: change as Change, status: 'stale', reason: `${name}: ${reason}` });
    if (found.length > 1) return stale(`${found.length} Cases (${found.map((c) => c.Id).join(', ')}) now have ${change.key_field} = ${change.key}`);
    const live = found[0];
    if (change.action === 'create') {
      if (!live) return { change, status: 'pending' };
      const diffs = differing(change.after, live, change.key_field);
      if (diffs.length === 0) return { change, status: 'done', reason: `Case ${live.Id} already exists` };
      return stale(`would be created, but Case ${live.Id} now exists and differs: ${diffs.join('; ')}`);
    }
    if (!live) return stale(`Case ${change.salesforce_id} no longer has ${change.key_field} = ${change.key} (deleted, or its key changed)`);
    if (live.Id !== change.salesforce_id) return stale(`the ticket's Case is now ${live.Id}, the plan saw ${change.salesforce_id}`);
    const changedSincePlan = Object.entries(change.before).filter(([f, v]) => !sameCaseValue(field(live, f), v));
    if (changedSincePlan.length === 0) return { change, status: 'pending' };
    if (differing(change.after, live, change.key_field).length === 0) return { change, status: 'done', reason: `Case ${live.Id}: update already applied` };
    return stale(`Case ${live.Id} ${changedSincePlan.map(([f, v]) => `${f} changed since the plan: ${show(v)} -> ${show(field(live, f))}`).join('; ')}`);
  });
}

/** The fields apply reads again: those the changes write or saw. */
export function caseFieldsToRead(changes: readonly CaseChange[]): string[] {
  const out = new Set<string>();
  for (const c of changes) for (const f of [...Object.keys(c.after), ...Object.keys(c.before ?? {})]) out.add(f);
  return [...out];
}
