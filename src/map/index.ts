// map: Salesforce rows -> the Zendesk records the config asks for (DESIGN.md sections 2-3). Pure: plain data
// in, plain data out, no I/O. Values that cannot be used become `invalid_value` warnings and the attribute is
// left out for that record; nothing here throws for bad data.
//
// Decisions:
// - Organizations: external_id is always the Account Id (also with match: name, so a matched org gets it).
//   An account whose name mapping gives nothing is skipped with a `missing_name` warning (Zendesk requires one).
// - People: with match: external_id, the key and external_id are the Contact/Lead Id. With match: email,
//   external_id is NOT set: an existing user's external_id may belong to another system (single sign-on
//   identifies users by it), and contacts sharing an email would fight over it. A person without a usable
//   email keeps email null (and key null with match: email); reconcile reports those (missing_email), map does not.
//   A person whose name mapping gives nothing is named by their email (then by their Id), as Zendesk requires a name.
// - users.create_for_new_organizations reads its child relationship on the account record; children without a
//   valid email are dropped silently (they matter only if the organization gets created), duplicates by email
//   are kept once; a missing name falls back to the email.
// - domain_names: URLs and `@domain` entries become host names; entries that are still not host names are
//   dropped with an `invalid_value` warning (Zendesk would refuse the organization for them).
import type { Mapping, OrganizationSync, Scalar, Sync, UserSync } from '../model/config.js';
import type { DesiredOrganization, DesiredPerson, DesiredState } from '../model/desired.js';
import type { Warning } from '../model/plan.js';
import type { SfRecord, SourceData } from '../model/salesforce.js';
import type { TargetData, ZdFieldDef } from '../model/zendesk.js';
import { evaluateMapping, MapValueError, toScalar, type MapContext } from './mapping.js';
import { normalizeEmail, normalizeName, normalizeText } from './normalize.js';
import { childRecords, readPath } from './path.js';
import { tagOwnership, tagsFor } from './tags.js';
import { cleanDomains, toZendeskFieldValue, type LookupContext } from './values.js';
import { measure } from '../util/timings.js';
import { idCaseCollisions } from './id-case.js';

export * from './normalize.js';
export * from './path.js';
export * from './mapping.js';
export * from './tags.js';
export * from './values.js';
export * from './field-types.js';

/** The record being mapped, for warnings (the label is only built when a warning is). */
interface Subject {
  object: string;
  record: SfRecord;
  name?: string | null;
}

/** Individual invalid_value warnings per mapping; beyond this many, the rest of that mapping's records are
 * folded into one warning that lists them all (a plan with 100k identical lines helps nobody). */
export const MAX_VALUE_WARNINGS_PER_MAPPING = 20;

class Collector {
  readonly warnings: Warning[] = [];
  private readonly overflow = new Map<string, { records: string[]; example: string }>();
  private readonly counts = new Map<string, number>();

  invalid(subject: Subject, mapping: Mapping, reason: string, what: string): void {
    const { object, record, name } = subject;
    const label = name ? `${object} ${record.Id} (${name})` : `${object} ${record.Id}`;
    const count = (this.counts.get(mapping.name) ?? 0) + 1;
    this.counts.set(mapping.name, count);
    if (count > MAX_VALUE_WARNINGS_PER_MAPPING) {
      const o = this.overflow.get(mapping.name);
      if (o) o.records.push(record.Id);
      else this.overflow.set(mapping.name, { records: [record.Id], example: `${label}: ${reason}${what}` });
      return;
    }
    this.warnings.push({
      code: 'invalid_value',
      message: `${label}: ${mapping.name}: ${reason}${what}; left out for this record`,
      records: [record.Id],
    });
  }

  finish(): Warning[] {
    for (const [mapping, { records, example }] of this.overflow) {
      this.warnings.push({
        code: 'invalid_value',
        message: `${mapping}: ${records.length} more record${records.length === 1 ? ' has a value' : 's have values'} that cannot be used (e.g. ${example}); left out for ${records.length === 1 ? 'it' : 'them'}`,
        records,
      });
    }
    this.overflow.clear();
    return this.warnings;
  }
}

/** Evaluates a mapping; a MapValueError becomes a warning and `undefined`. */
function evaluate(mapping: Mapping, subject: Subject, ctx: MapContext, out: Collector): Scalar | undefined {
  try {
    return evaluateMapping(mapping, subject.record, ctx);
  } catch (e) {
    if (e instanceof MapValueError) {
      out.invalid(subject, mapping, e.message, '');
      return undefined;
    }
    throw e;
  }
}

/** A custom field mapping with its Zendesk definition (undefined when the key does not exist). */
interface FieldPlan {
  key: string;
  mapping: Mapping;
  def: ZdFieldDef | undefined;
}

function planFields(fields: Record<string, Mapping>, defs: ZdFieldDef[]): FieldPlan[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  return Object.entries(fields).map(([key, mapping]) => ({ key, mapping, def: byKey.get(key) }));
}

function customFields(
  fields: FieldPlan[],
  what: 'organization' | 'user',
  subject: Subject,
  ctx: MapContext,
  out: Collector,
  lookups?: LookupContext,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, mapping, def } of fields) {
    const raw = evaluate(mapping, subject, ctx, out);
    if (raw === undefined) continue;
    const v = toZendeskFieldValue(raw, def, lookups);
    if (v.ok) result[key] = v.value;
    else out.invalid(subject, mapping, v.reason, ` for Zendesk ${what} field "${key}" (${def?.type ?? 'unknown'})`);
  }
  return result;
}

function textAttr(mapping: Mapping | undefined, subject: Subject, ctx: MapContext, out: Collector): string | null | undefined {
  if (!mapping) return undefined;
  const raw = evaluate(mapping, subject, ctx, out);
  return raw === undefined ? undefined : normalizeText(raw);
}

function mapOrganization(
  orgs: OrganizationSync,
  users: UserSync | undefined,
  account: SfRecord,
  fields: FieldPlan[],
  ctx: MapContext,
  out: Collector,
  lookups?: LookupContext,
): DesiredOrganization | null {
  const subject: Subject = { object: 'Account', record: account };
  const rawName = evaluate(orgs.name, subject, ctx, out);
  const name = rawName === undefined ? null : normalizeText(rawName);
  if (name === null) {
    out.warnings.push({
      code: 'missing_name',
      message: `Account ${account.Id}: ${orgs.name.name} gives no name; the account is skipped (Zendesk organizations need a name)`,
      records: [account.Id],
    });
    return null;
  }
  subject.name = name;
  const attributes: DesiredOrganization['attributes'] = {
    name,
    external_id: account.Id,
    organization_fields: customFields(fields, 'organization', subject, ctx, out, lookups),
  };
  if (orgs.domain_names) {
    const raw = evaluate(orgs.domain_names, subject, ctx, out);
    if (raw !== undefined) {
      const { domains, invalid } = cleanDomains(raw);
      attributes.domain_names = domains;
      if (invalid.length > 0) {
        out.invalid(subject, orgs.domain_names, `${invalid.map((d) => JSON.stringify(d)).join(', ')} ${invalid.length === 1 ? 'is not a domain name' : 'are not domain names'}`, '');
      }
    }
  }
  const notes = textAttr(orgs.notes, subject, ctx, out);
  if (notes !== undefined) attributes.notes = notes;
  const details = textAttr(orgs.details, subject, ctx, out);
  if (details !== undefined) attributes.details = details;

  const newOrganizationUsers: DesiredOrganization['newOrganizationUsers'] = [];
  const cfo = users?.create_for_new_organizations;
  if (cfo) {
    const seen = new Set<string>();
    for (const child of childRecords(account, cfo.from)) {
      const email = normalizeEmail(readPath(child, cfo.email));
      if (email === null || seen.has(email)) continue;
      seen.add(email);
      const childName = normalizeText(toScalar(readPath(child, cfo.name)));
      newOrganizationUsers.push({ email, name: childName ?? email, sourceId: String(child.Id ?? '') });
    }
  }

  return {
    accountId: account.Id,
    key: orgs.match === 'name' ? normalizeName(name) : account.Id,
    attributes,
    tags: tagsFor(orgs.tags, account, ctx),
    newOrganizationUsers,
  };
}

const PEOPLE_OBJECTS = ['Contact', 'Lead'] as const;
const CONTACT_CONTEXT: MapContext = { objectName: 'Contact', ownPrefixes: PEOPLE_OBJECTS };
const LEAD_CONTEXT: MapContext = { objectName: 'Lead', ownPrefixes: PEOPLE_OBJECTS };

function personObject(record: SfRecord): 'Contact' | 'Lead' {
  const type = record.attributes?.type;
  if (type === 'Lead' || type === 'Contact') return type;
  return record.Id.startsWith('00Q') ? 'Lead' : 'Contact';
}

function stringOrNull(value: unknown): string | null {
  const v = toScalar(value);
  return v === null || v === '' ? null : String(v);
}

function mapPerson(users: UserSync, record: SfRecord, fields: FieldPlan[], out: Collector, lookups?: LookupContext): DesiredPerson {
  const object = personObject(record);
  const ctx: MapContext = object === 'Lead' ? LEAD_CONTEXT : CONTACT_CONTEXT;
  const email = normalizeEmail(readPath(record, users.email, ctx));
  const subject: Subject = { object, record };
  const rawName = evaluate(users.name, subject, ctx, out);
  const name = (rawName === undefined ? null : normalizeText(rawName)) ?? email ?? record.Id;
  subject.name = name;
  const attributes: DesiredPerson['attributes'] = {
    name,
    email,
    user_fields: customFields(fields, 'user', subject, ctx, out, lookups),
  };
  if (users.match === 'external_id') attributes.external_id = record.Id;
  const phone = textAttr(users.phone, subject, ctx, out);
  if (phone !== undefined) attributes.phone = phone;
  const notes = textAttr(users.notes, subject, ctx, out);
  if (notes !== undefined) attributes.notes = notes;
  const details = textAttr(users.details, subject, ctx, out);
  if (details !== undefined) attributes.details = details;

  const isContact = object === 'Contact';
  return {
    sourceId: record.Id,
    object,
    createdDate: stringOrNull(readPath(record, 'CreatedDate', ctx)) ?? '',
    accountId: isContact ? stringOrNull(readPath(record, 'AccountId', ctx)) : null,
    accountName: isContact ? normalizeText(toScalar(readPath(record, 'Account.Name', ctx))) : null,
    email,
    key: users.match === 'external_id' ? record.Id : email,
    attributes,
    tags: tagsFor(users.tags, record, ctx),
  };
}

/**
 * The Zendesk records a sync asks for, from what was read in Salesforce. `target` gives the custom field
 * definitions (values are normalised for each field's type; unusable ones become `invalid_value` warnings).
 * Run checkFieldTypes first: mapSync assumes the mappings themselves are sound.
 */
export function mapSync(sync: Sync, source: SourceData, target: MapTarget): DesiredState {
  return measure(`map (${sync.name})`, () => mapSyncNow(sync, source, target));
}

/** What map reads of Zendesk: the field definitions, and the organizations when a mapping fills a lookup. */
export type MapTarget = Pick<TargetData, 'organizationFields' | 'userFields'> & { organizations?: TargetData['organizations'] };

function usesLookups(fields: Record<string, Mapping>, defs: ZdFieldDef[]): boolean {
  return defs.some((d) => d.type === 'lookup' && fields[d.key] !== undefined);
}

/** Account Id -> organization id, built only when a mapped field is a lookup (issue 17). */
function lookupContext(sync: Sync, source: SourceData, target: MapTarget): LookupContext | undefined {
  const needed =
    (sync.organizations && usesLookups(sync.organizations.fields, target.organizationFields)) || (sync.users && usesLookups(sync.users.fields, target.userFields));
  if (!needed) return undefined;
  const byExternal = new Map<string, number>();
  for (const o of target.organizations ?? []) if (o.external_id) byExternal.set(o.external_id.toLowerCase(), o.id);
  const synced = new Set(source.accounts.map((a) => a.Id.toLowerCase()));
  return {
    organizationId(accountId) {
      const k = accountId.toLowerCase();
      return byExternal.get(k) ?? (synced.has(k) && sync.organizations ? 'pending' : undefined);
    },
  };
}

function mapSyncNow(sync: Sync, source: SourceData, target: MapTarget): DesiredState {
  const out = new Collector();
  const lookups = lookupContext(sync, source, target);
  const organizations: DesiredOrganization[] = [];
  const people: DesiredPerson[] = [];
  const orgs = sync.organizations;
  if (orgs) {
    const children = orgs.include.map((i) => i.relationship);
    if (sync.users?.create_for_new_organizations) children.push(sync.users.create_for_new_organizations.from);
    const ctx: MapContext = { objectName: 'Account', childRelationships: children };
    const fields = planFields(orgs.fields, target.organizationFields);
    const collisions = idCaseCollisions(source.accounts.map((a) => a.Id));
    out.warnings.push(...collisions.warnings);
    for (const account of source.accounts) {
      if (collisions.skipped.has(account.Id)) continue;
      const org = mapOrganization(orgs, sync.users, account, fields, ctx, out, lookups);
      if (org) organizations.push(org);
    }
  }
  if (sync.users) {
    const fields = planFields(sync.users.fields, target.userFields);
    for (const record of source.people) people.push(mapPerson(sync.users, record, fields, out, lookups));
  }
  return {
    organizations,
    people,
    organizationTags: tagOwnership(orgs?.tags),
    userTags: tagOwnership(sync.users?.tags),
    warnings: out.finish(),
  };
}
