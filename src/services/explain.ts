// `zdsf explain EMAIL|ACCOUNT_ID|ZENDESK_ID`: one record's story. Reads both sides as plan does, runs the same map
// and reconcile (reconcileDetailed keeps each person's relationship decision), and keeps what concerns the record:
// the Salesforce rows behind it, the mapping that produced each managed value (with its sync.yaml line), the cell
// of the relationship table (DESIGN.md section 5) that decided its organization and memberships, and the changes
// the next apply would make, printed as plan prints them.
import type { Config, Mapping, SourcePos, Sync } from '../model/config.js';
import type { DesiredOrganization, DesiredPerson } from '../model/desired.js';
import type { Change, Warning } from '../model/plan.js';
import type { SfRecord } from '../model/salesforce.js';
import type { ZdOrganization, ZdUser } from '../model/zendesk.js';
import type { Logger, SourceReader, TargetReader } from '../model/ports.js';
import { checkFieldTypes, mapSync, normalizeEmail } from '../map/index.js';
import { planFieldChanges } from '../reconcile/resources/fields.js';
import { checkPreconditions, reconcileDetailed, type PersonOutcome } from '../reconcile/index.js';
import { changeLines, formatValue } from '../render/lines.js';
import { ZdsfError } from '../util/errors.js';
import { selectSyncs } from './plan.js';

export interface ExplainOptions {
  config: Config;
  /** an email, a Salesforce Id (Account, Contact or Lead) or a Zendesk organization or user id */
  query: string;
  syncNames?: string[];
  source: SourceReader;
  target: TargetReader;
  logger?: Logger;
}

export interface ValueOrigin {
  /** the Zendesk attribute: name, notes, organization_fields.health, tags ... */
  attribute: string;
  value: unknown;
  /** how the config produces it: `from Owner.Name, map {...}, default "unknown"`, `value "x"`, `template "..."` */
  rule: string;
  pos?: SourcePos;
}

export interface ExplainRecord {
  kind: 'organization' | 'user';
  /** what a person reads: the organization name or the email */
  label: string;
  rows: SfRecord[];
  /** the Zendesk record it matches today (null: none, the plan creates it) */
  zendesk: ZdOrganization | ZdUser | null;
  values: ValueOrigin[];
  /** users: the relationship decision (null when skipped; then `skipped` says why) */
  relationship?: { outcome: PersonOutcome; text: string[] };
  changes: Change[];
  warnings: Warning[];
}

export interface ExplainSync {
  name: string;
  records: ExplainRecord[];
}

export interface ExplainResult {
  query: string;
  syncs: ExplainSync[];
}

type QueryKind = 'email' | 'salesforce_id' | 'zendesk_id';

export function queryKind(query: string): QueryKind {
  if (query.includes('@')) return 'email';
  if (/^\d+$/.test(query)) return 'zendesk_id';
  if (/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(query)) return 'salesforce_id';
  throw new ZdsfError(`"${query}" is not an email, a Salesforce Id (15 or 18 characters) or a Zendesk id (digits)`, 'explain_query');
}

/** The config's rule for one mapping, as a person reads it. */
export function describeMapping(m: Mapping): string {
  if (m.kind === 'value') return `value ${formatValue(m.value)}`;
  if (m.kind === 'template') return `template ${JSON.stringify(m.template)}`;
  const parts = [`from ${m.from}`];
  if (m.aggregate) parts.push(`aggregate ${m.aggregate}${m.separator !== undefined ? ` (separator ${JSON.stringify(m.separator)})` : ''}`);
  if (m.map) parts.push(`map ${JSON.stringify(m.map)}`);
  if (m.default !== undefined) parts.push(`default ${formatValue(m.default)}`);
  return parts.join(', ');
}

function mappedValues(
  mappings: Record<string, Mapping | undefined>,
  custom: Record<string, Mapping>,
  prefix: string,
  attributes: Record<string, unknown>,
  customValues: Record<string, unknown>,
): ValueOrigin[] {
  const out: ValueOrigin[] = [];
  for (const [attr, m] of Object.entries(mappings)) {
    if (m) out.push({ attribute: attr, value: attributes[attr], rule: describeMapping(m), pos: m.pos });
  }
  for (const [key, m] of Object.entries(custom)) out.push({ attribute: `${prefix}.${key}`, value: customValues[key], rule: describeMapping(m), pos: m.pos });
  return out;
}

function tagOrigin(rule: { prefix: string; from: string[]; static: string[]; pos?: SourcePos } | undefined, tags: string[]): ValueOrigin[] {
  if (!rule) return [];
  const how = [rule.from.length ? `from ${rule.from.join(', ')}` : '', rule.prefix ? `prefix "${rule.prefix}"` : '', rule.static.length ? `static ${rule.static.join(', ')}` : '']
    .filter(Boolean)
    .join(', ');
  return [{ attribute: 'tags (managed)', value: tags, rule: how, pos: rule.pos }];
}

const OUTCOME_WORDS = { '✓': 'yes', '✗': 'no', '–': 'not applicable' } as const;

function relationshipText(outcome: PersonOutcome): string[] {
  const d = outcome.decision;
  if (!d) return [`skipped: ${outcome.skipped ?? 'no decision'} (see the warnings)`];
  return [
    `relationship table (docs/relationships.md), row ${d.scenario}, column "${d.column}": A ${d.A}  M ${d.M}  F ${d.F}${d.created ? ' (a new user)' : ''}`,
    `A (organization_id set by the standard account sync): ${OUTCOME_WORDS[d.A]}`,
    `M (membership of the contact's account created): ${OUTCOME_WORDS[d.M]}`,
    `F (mapped fields synced): ${OUTCOME_WORDS[d.F]}`,
    ...(d.makeDefault ? ["the account's membership becomes the default organization (the user has none)"] : []),
    `sync record: ${outcome.syncRecordId}${outcome.sourceIds.length > 1 ? ` (of ${outcome.sourceIds.join(', ')}, sharing the email: the oldest wins)` : ''}`,
  ];
}

function concerns(change: Change, keys: Set<string>): boolean {
  if (keys.has(change.key)) return true;
  if (change.type === 'membership') {
    const [user, org] = change.key.split(' -> ');
    return keys.has(user) || keys.has(org);
  }
  return (change.sources ?? []).some((s) => keys.has(s));
}

function warningsFor(warnings: Warning[], ids: Set<string>): Warning[] {
  return warnings.filter((w) => w.records.some((r) => ids.has(r) || ids.has(r.toLowerCase())));
}

async function explainSync(sync: Sync, options: ExplainOptions): Promise<ExplainSync> {
  const { config } = options;
  const zdInstance = config.zendesk[sync.to];
  const [source, target] = await Promise.all([
    options.source.read({ instance: config.salesforce[sync.from], sync, logger: options.logger }),
    options.target.read({ instance: zdInstance, logger: options.logger }),
  ]);
  // with manage_fields, the fields and options plan would create count as there (issue 17)
  const fields = planFieldChanges({ sync, describe: source.describe, organizationFields: target.organizationFields, userFields: target.userFields });
  const schema = { ...target, organizationFields: fields.organizationFields, userFields: fields.userFields };
  const problems = [...checkPreconditions(sync, zdInstance, target), ...fields.problems, ...checkFieldTypes(sync, source.describe, schema.organizationFields, schema.userFields)];
  if (problems.length > 0) throw new ZdsfError(`sync "${sync.name}" cannot be planned:\n  ${problems.join('\n  ')}`, 'config_mismatch');
  const desired = mapSync(sync, source, schema);
  const { plan, people } = reconcileDetailed({ sync, zendesk: zdInstance, desired, source, target: schema, fields }, true);

  const kind = queryKind(options.query);
  const q = kind === 'email' ? (normalizeEmail(options.query) ?? options.query.toLowerCase()) : options.query;
  let orgs: DesiredOrganization[] = [];
  let persons: DesiredPerson[] = [];
  let zdOrg: ZdOrganization | undefined;
  let zdUser: ZdUser | undefined;
  if (kind === 'email') {
    persons = desired.people.filter((p) => p.email === q);
    zdUser = target.users.find((u) => normalizeEmail(u.email) === q);
  } else if (kind === 'salesforce_id') {
    const id15 = q.slice(0, 15);
    orgs = desired.organizations.filter((o) => o.accountId.slice(0, 15) === id15);
    const person = desired.people.find((p) => p.sourceId.slice(0, 15) === id15);
    if (person?.email) persons = desired.people.filter((p) => p.email === person.email);
    else if (person) persons = [person];
  } else {
    const id = Number(q);
    zdOrg = target.organizations.find((o) => o.id === id);
    zdUser = target.users.find((u) => u.id === id);
    if (zdOrg) orgs = desired.organizations.filter((o) => o.accountId === zdOrg?.external_id || o.attributes.name === zdOrg?.name);
    const email = normalizeEmail(zdUser?.email);
    if (email) persons = desired.people.filter((p) => p.email === email);
  }

  const records: ExplainRecord[] = [];
  for (const org of orgs) {
    const keys = new Set([org.key, org.accountId]);
    const changes = plan.changes.filter((c) => concerns(c, keys));
    // matched by external_id, or adopted by name (the plan's update names its id)
    const adoptedId = changes.find((c) => c.type === 'organization' && c.zendesk_id !== null)?.zendesk_id;
    const existing = zdOrg ?? target.organizations.find((o) => o.external_id === org.accountId) ?? target.organizations.find((o) => o.id === adoptedId) ?? null;
    const ids = new Set([org.accountId, ...(existing ? [String(existing.id)] : [])]);
    const o = sync.organizations;
    records.push({
      kind: 'organization',
      label: org.attributes.name,
      rows: source.accounts.filter((a) => a.Id === org.accountId),
      zendesk: existing,
      values: o
        ? [
            ...mappedValues({ name: o.name, domain_names: o.domain_names, notes: o.notes, details: o.details }, o.fields, 'organization_fields', org.attributes, org.attributes.organization_fields),
            { attribute: 'external_id', value: org.attributes.external_id, rule: 'the Account Id (organizations match on external_id)' },
            ...tagOrigin(o.tags, org.tags),
          ]
        : [],
      changes,
      warnings: warningsFor(plan.warnings, ids),
    });
  }
  if (persons.length > 0 || zdUser) {
    const email = persons[0]?.email ?? normalizeEmail(zdUser?.email) ?? q;
    const outcome = people.find((p) => p.email === email);
    const syncRecord = persons.find((p) => p.sourceId === outcome?.syncRecordId) ?? persons[0];
    const existing = zdUser ?? target.users.find((u) => normalizeEmail(u.email) === email) ?? null;
    const keys = new Set([email, ...(outcome ? [outcome.userKey] : []), ...persons.map((p) => p.sourceId)]);
    const ids = new Set([email, ...persons.map((p) => p.sourceId), ...(existing ? [String(existing.id)] : [])]);
    const u = sync.users;
    records.push({
      kind: 'user',
      label: email,
      rows: [
        ...source.people.filter((r) => persons.some((p) => p.sourceId === r.Id)),
        // AccountContactRelation rows: where secondary memberships come from
        ...source.relations
          .filter((rel) => persons.some((p) => p.sourceId === rel.ContactId))
          .map((rel) => ({ attributes: { type: 'AccountContactRelation' }, ...rel }) as SfRecord),
      ],
      zendesk: existing,
      values:
        u && syncRecord
          ? [
              ...mappedValues({ name: u.name, phone: u.phone, notes: u.notes, details: u.details }, u.fields, 'user_fields', syncRecord.attributes, syncRecord.attributes.user_fields),
              { attribute: 'email', value: syncRecord.attributes.email, rule: `from ${u.email} (normalised: trimmed, lowercase)`, pos: u.pos },
              ...tagOrigin(u.tags, syncRecord.tags),
            ]
          : [],
      relationship: outcome ? { outcome, text: relationshipText(outcome) } : undefined,
      changes: plan.changes.filter((c) => concerns(c, keys)),
      warnings: warningsFor(plan.warnings, ids),
    });
  }
  return { name: sync.name, records };
}

/** Reads what plan reads and explains the record in every selected sync. */
export async function explainRecord(options: ExplainOptions): Promise<ExplainResult> {
  queryKind(options.query);
  const syncs: ExplainSync[] = [];
  for (const sync of selectSyncs(options.config, options.syncNames)) syncs.push(await explainSync(sync, options));
  return { query: options.query, syncs };
}

function where(pos: SourcePos | undefined): string {
  return pos ? `  (${pos.file}:${pos.line}:${pos.col})` : '';
}

function rowText(row: SfRecord): string[] {
  const type = row.attributes?.type ?? 'Record';
  const fields = Object.entries(row).filter(([k]) => k !== 'attributes');
  return [`${type} ${row.Id}:`, ...fields.filter(([k]) => k !== 'Id').map(([k, v]) => `    ${k} = ${formatValue(isChild(v) ? `${v.records.length} child rows` : v)}`)];
}

function isChild(v: unknown): v is { records: unknown[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { records?: unknown }).records);
}

export function renderExplainText(result: ExplainResult): string {
  const out: string[] = [];
  const found = result.syncs.some((s) => s.records.length > 0);
  for (const sync of result.syncs) {
    out.push(`Sync "${sync.name}":`);
    if (sync.records.length === 0) out.push(`  nothing in this sync matches ${result.query}`, '');
    for (const r of sync.records) {
      out.push(`  ${r.kind} ${JSON.stringify(r.label)}${r.zendesk ? ` (Zendesk id ${r.zendesk.id})` : ' (not in Zendesk yet)'}`, '');
      out.push('  Salesforce rows:');
      if (r.rows.length === 0) out.push('    none read (the record is not selected by the sync\'s where conditions)');
      for (const row of r.rows) out.push(...rowText(row).map((l) => `    ${l}`));
      out.push('', '  Values and the mapping that produced each:');
      const width = Math.max(0, ...r.values.map((v) => v.attribute.length));
      for (const v of r.values) out.push(`    ${v.attribute.padEnd(width)} = ${formatValue(v.value)}   <- ${v.rule}${where(v.pos)}`);
      if (r.relationship) {
        out.push('', '  Organization and memberships:');
        for (const l of r.relationship.text) out.push(`    ${l}`);
      }
      out.push('', '  The next apply:');
      if (r.changes.length === 0) out.push('    no change');
      for (const c of r.changes) for (const l of changeLines(c, 2)) out.push(`${'  '.repeat(l.indent)}${l.sign === '' ? '' : `${l.sign} `}${l.text}`);
      if (r.warnings.length > 0) {
        out.push('', '  Warnings:');
        for (const w of r.warnings) out.push(`    ! ${w.code}: ${w.message}`);
      }
      out.push('');
    }
  }
  if (!found) out.push(`No record matches ${result.query} in ${result.syncs.map((s) => `"${s.name}"`).join(', ')}.`);
  return `${out.join('\n')}\n`;
}
