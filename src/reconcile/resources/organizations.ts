// Organizations: desired (from Accounts) vs Zendesk organizations -> create / update / delete changes.
// DESIGN.md section 3: match by external_id (the Account Id) or by name, adoption by name, duplicate names
// skipped with a warning, zdsf owns only what the config maps, retention deletes, protected records. Pure.
import type { ProtectedRecords, Sync } from '../../model/config.js';
import type { DesiredOrganization, DesiredState } from '../../model/desired.js';
import type { Change, OrganizationAttributes, OrganizationCreate, OrganizationDelete, OrganizationRef, OrganizationUpdate, Warning } from '../../model/plan.js';
import type { SourceData } from '../../model/salesforce.js';
import type { TargetData, ZdOrganization } from '../../model/zendesk.js';
import { normalizeDomains, normalizeName, normalizeText } from '../../map/normalize.js';
import { compact, compareFields, compareScalar, compareTags, emptyComparison, withCreateDiff, groupBy, indexBy, managedAttributes, normalizeLine, normalizedFields } from './resource.js';
import { withUpdateDiff } from '../../model/update-diff.js';
import type { Comparison, FindResult, ManagedAttributes, Resource, ResourcePlugin } from './resource.js';

/** An account whose organization exists in Zendesk or is created by this plan: what users and memberships link to. */
export interface LinkedOrganization {
  accountId: string;
  /** the organization's change key (external_id, or normalised name with match: name): refs.organization */
  key: string;
  /** Zendesk id; null when this plan creates it */
  id: number | null;
  name: string;
}

export interface OrganizationsResult {
  /** creates, updates and (last) the retention deletes */
  changes: Change[];
  /** the retention deletes (also in `changes`) */
  deletes: OrganizationDelete[];
  warnings: Warning[];
  /** by Account Id: organizations users may be linked to (not skipped, not protected, not being deleted) */
  linked: Map<string, LinkedOrganization>;
  /** desired organizations this plan creates (for users.create_for_new_organizations) */
  created: DesiredOrganization[];
  /** Zendesk organization ids that have a Salesforce counterpart (for the orphan report) */
  counterparts: Set<number>;
  /** Zendesk organization ids zdsf must not touch */
  protectedIds: Set<number>;
  /** The Zendesk organization of an account, for users and memberships: the one this pass linked (existing or
   * created); for an account the sync does not cover (no organizations section, or outside its query), an
   * existing organization whose external_id is the Account Id. Skipped, protected or retention-deleted: null. */
  link(accountId: string | null): LinkedOrganization | null;
}

export interface OrganizationsInput {
  sync: Sync;
  desired: DesiredState;
  source: SourceData;
  target: TargetData;
}

// the protected names normalised once per list, not once per record
const protectedNames = new WeakMap<readonly string[], Set<string>>();

export function isProtectedOrganization(p: ProtectedRecords, rec: { external_id?: string | null; name?: string | null }): boolean {
  if (rec.external_id && p.external_ids.length > 0 && p.external_ids.includes(rec.external_id)) return true;
  if (p.names.length === 0) return false;
  let names = protectedNames.get(p.names);
  if (!names) {
    names = new Set(p.names.map((n) => normalizeName(n)));
    protectedNames.set(p.names, names);
  }
  const name = normalizeName(rec.name ?? '');
  return name !== '' && names.has(name);
}

/** The reference a user or membership change holds to this organization. */
export function organizationRef(org: LinkedOrganization): OrganizationRef {
  return { id: org.id, key: org.key, name: org.name };
}

function displayName(o: DesiredOrganization): string {
  return normalizeLine(o.attributes.name) ?? o.attributes.name;
}

function orgKeyOf(sync: Sync, org: ZdOrganization, accountId: string): string {
  return sync.organizations?.match === 'name' ? normalizeName(org.name) : accountId;
}

/** The organization plugin: find / compare / add / update / remove for one sync. */
export class OrganizationPlugin implements ResourcePlugin<DesiredOrganization, ZdOrganization> {
  readonly type = 'organization' as const;
  private readonly byExternalId: Map<string, ZdOrganization>;
  private byNameIndex: Map<string, ZdOrganization[]> | null = null;
  private readonly managed: ManagedAttributes;

  constructor(
    private readonly sync: Sync,
    private readonly target: TargetData,
    desired: DesiredState,
  ) {
    this.byExternalId = indexBy(target.organizations, (o) => o.external_id);
    this.managed = managedAttributes(target.organizationFields, desired.organizationTags, desired.organizations);
  }

  /** Zendesk organizations by normalised name: built on the first look-up by name (with match: external_id and a
   * steady state, every account is found by its external_id and no name is normalised). */
  private get byName(): Map<string, ZdOrganization[]> {
    this.byNameIndex ??= groupBy(this.target.organizations, (o) => normalizeName(o.name));
    return this.byNameIndex;
  }

  get match(): 'external_id' | 'name' {
    return this.sync.organizations?.match ?? 'external_id';
  }

  byAccountId(accountId: string): ZdOrganization | undefined {
    return this.byExternalId.get(accountId);
  }

  find(d: DesiredOrganization): FindResult<ZdOrganization> {
    if (this.match === 'external_id') {
      const hit = this.byExternalId.get(d.accountId);
      if (hit) return { kind: 'found', record: hit, via: 'external_id' };
    }
    const name = normalizeName(d.attributes.name);
    const sameName = this.byName.get(name) ?? [];
    if (sameName.length > 1) {
      return {
        kind: 'skip',
        warning: {
          code: 'duplicate_organization_name',
          message:
            `Zendesk has ${sameName.length} organizations named "${displayName(d)}" (ids ${sameName.map((o) => o.id).join(', ')}); ` +
            `account ${d.accountId} is skipped until only one remains (rename or merge them in Zendesk)`,
          records: [...sameName.map((o) => String(o.id)), d.accountId],
        },
      };
    }
    const candidate = sameName[0];
    if (!candidate) return { kind: 'none' };
    if (this.match === 'name') return { kind: 'found', record: candidate, via: 'name' };
    if (this.sync.organizations?.adopt_by_name && !candidate.external_id) {
      return { kind: 'found', record: candidate, via: 'adopt_by_name' };
    }
    // Zendesk organization names are unique: creating this one would fail.
    const why = candidate.external_id
      ? `it is linked to another account (external_id ${candidate.external_id})`
      : 'it has no external_id and adopt_by_name is off (set organizations.adopt_by_name: true to adopt it)';
    return {
      kind: 'skip',
      warning: {
        code: 'organization_name_taken',
        message: `account ${d.accountId} "${displayName(d)}" cannot be created: Zendesk organization ${candidate.id} already has that name and ${why}`,
        records: [d.accountId, String(candidate.id)],
      },
    };
  }

  compare(d: DesiredOrganization, o: ZdOrganization): Comparison {
    const c = emptyComparison();
    const a = d.attributes;
    compareScalar(c, 'name', a.name, o.name, normalizeLine);
    compareScalar(c, 'external_id', a.external_id, o.external_id, normalizeText);
    if (a.domain_names !== undefined) {
      compareScalar(c, 'domain_names', a.domain_names, o.domain_names, normalizeDomains);
    }
    if (a.notes !== undefined) compareScalar(c, 'notes', a.notes, o.notes, normalizeText);
    if (a.details !== undefined) compareScalar(c, 'details', a.details, o.details, normalizeText);
    compareFields(c, 'organization_fields', a.organization_fields, o.organization_fields, this.managed.defs);
    compareTags(c, o.tags, d.tags, this.managed.owns);
    return c;
  }

  add(d: DesiredOrganization): OrganizationCreate {
    const a = d.attributes;
    const after: OrganizationAttributes = compact({
      name: normalizeLine(a.name) ?? a.name,
      external_id: a.external_id,
      domain_names: a.domain_names === undefined ? undefined : normalizeDomains(a.domain_names),
      notes: a.notes === undefined ? undefined : normalizeText(a.notes),
      details: a.details === undefined ? undefined : normalizeText(a.details),
      organization_fields: normalizedFields(a.organization_fields, this.managed.defs),
      tags: [...d.tags].sort(),
    });
    const head = { type: 'organization', action: 'create', key: d.key, zendesk_id: null, label: displayName(d), before: null, after } as const;
    return withCreateDiff(head, { sources: [d.accountId] });
  }

  update(d: DesiredOrganization, o: ZdOrganization, c: Comparison): OrganizationUpdate {
    const head = {
      type: 'organization' as const,
      action: 'update' as const,
      key: d.key,
      zendesk_id: o.id,
      label: displayName(d),
      before: c.before as OrganizationAttributes,
      after: c.after as OrganizationAttributes,
    };
    // the diff is computed when read (src/model/update-diff.ts): reconcile built it from before / after
    return withUpdateDiff(head, c.diff, { sources: [d.accountId] });
  }

  remove(o: ZdOrganization, reason: string): OrganizationDelete {
    const accountId = o.external_id ?? '';
    return {
      type: 'organization',
      action: 'delete',
      key: orgKeyOf(this.sync, o, accountId),
      zendesk_id: o.id,
      label: normalizeLine(o.name) ?? o.name,
      before: { id: o.id, name: o.name, external_id: o.external_id ?? null },
      after: null,
      diff: [],
      reason,
      sources: accountId ? [accountId] : [],
    };
  }
}

function protectedWarning(what: string, records: string[]): Warning {
  return {
    code: 'protected_skipped',
    message: `${what} is protected (sync protected: list) and was left untouched`,
    records,
  };
}

/** The organizations pass of one sync (see OrganizationsResult). */
export function reconcileOrganizations(input: OrganizationsInput): OrganizationsResult {
  const result = planOrganizations(input);
  result.changes.push(...result.deletes);
  return { ...result, link: organizationLinker(input, result) };
}

function organizationLinker(input: OrganizationsInput, result: Omit<OrganizationsResult, 'link'>): OrganizationsResult['link'] {
  const { sync, desired, source, target } = input;
  const desiredAccounts = new Set(sync.organizations ? desired.organizations.map((o) => o.accountId) : []);
  const deleted = new Set(result.deletes.flatMap((c) => c.sources ?? []));
  const retention = new Set(source.retention);
  const byExternalId = indexBy(target.organizations, (o) => o.external_id);
  return (accountId) => {
    if (!accountId) return null;
    const linked = result.linked.get(accountId);
    if (linked) return linked;
    if (desiredAccounts.has(accountId) || deleted.has(accountId) || retention.has(accountId)) return null;
    const o = byExternalId.get(accountId);
    if (!o || result.protectedIds.has(o.id)) return null;
    const key = sync.organizations?.match === 'name' ? normalizeName(o.name) : accountId;
    return { accountId, key, id: o.id, name: normalizeLine(o.name) ?? o.name };
  };
}

/** The organization resource (registered in reconcile/registry.ts). */
export const organizationResource: Resource<'organization', OrganizationsResult> = {
  type: 'organization',
  needs: [],
  reconcile: (input) => reconcileOrganizations(input),
};

function planOrganizations(input: OrganizationsInput): Omit<OrganizationsResult, 'link'> {
  const { sync, desired, source, target } = input;
  const result: Omit<OrganizationsResult, 'link'> = {
    changes: [],
    deletes: [],
    warnings: [],
    linked: new Map(),
    created: [],
    counterparts: new Set(),
    protectedIds: new Set(),
  };
  for (const o of target.organizations) {
    if (isProtectedOrganization(sync.protected, o)) result.protectedIds.add(o.id);
  }
  if (!sync.organizations) return result;
  const plugin = new OrganizationPlugin(sync, target, desired);
  const retention = new Set(source.retention);

  // Two accounts with one name: Zendesk names are unique, so neither can be synced safely.
  const byName = groupBy(desired.organizations, (d) => normalizeName(d.attributes.name));
  const duplicates = new Set<string>();
  for (const [, list] of [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (list.length < 2) continue;
    const ids = list.map((d) => d.accountId).sort();
    ids.forEach((id) => duplicates.add(id));
    result.warnings.push({
      code: 'duplicate_account_name',
      message: `${ids.length} accounts are named "${displayName(list[0])}" (${ids.join(', ')}); they are skipped until their names differ`,
      records: ids,
    });
  }

  const ordered = [...desired.organizations].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  for (const d of ordered) {
    // Counterparts are recorded even for skipped accounts: the org is not an orphan.
    const existing = plugin.find(d);
    if (existing.kind === 'found') result.counterparts.add(existing.record.id);
    if (retention.has(d.accountId)) continue; // handled by the retention pass, never also updated or created
    if (duplicates.has(d.accountId)) continue;
    if (isProtectedOrganization(sync.protected, { external_id: d.accountId, name: d.attributes.name })) {
      result.warnings.push(protectedWarning(`account ${d.accountId} "${displayName(d)}"`, [d.accountId]));
      continue;
    }
    if (existing.kind === 'skip') {
      result.warnings.push(existing.warning);
      continue;
    }
    if (existing.kind === 'none') {
      if (normalizeText(d.attributes.name) === null) {
        result.warnings.push({
          code: 'missing_name',
          message: `account ${d.accountId} has no name; its organization cannot be created`,
          records: [d.accountId],
        });
        continue;
      }
      result.changes.push(plugin.add(d));
      result.created.push(d);
      result.linked.set(d.accountId, { accountId: d.accountId, key: d.key, id: null, name: displayName(d) });
      continue;
    }
    const org = existing.record;
    if (result.protectedIds.has(org.id)) {
      result.warnings.push(protectedWarning(`organization ${org.id} "${org.name}" (account ${d.accountId})`, [d.accountId, String(org.id)]));
      continue;
    }
    const c = plugin.compare(d, org);
    if (c.diff.length > 0) {
      const change = plugin.update(d, org, c);
      if (existing.via === 'adopt_by_name') change.reason = 'adopted by name';
      result.changes.push(change);
    }
    result.linked.set(d.accountId, { accountId: d.accountId, key: d.key, id: org.id, name: displayName(d) });
  }

  // Retention: accounts matching delete_when whose organization exists are deleted (apply needs --allow-delete).
  const rule = sync.organizations.retention?.delete_when ?? '';
  const desiredById = new Map(desired.organizations.map((d) => [d.accountId, d]));
  for (const accountId of [...retention].sort()) {
    let org = plugin.byAccountId(accountId);
    if (!org && plugin.match === 'name') {
      const d = desiredById.get(accountId);
      const found = d ? plugin.find(d) : undefined;
      if (found?.kind === 'found') org = found.record;
    }
    if (!org) continue;
    result.counterparts.add(org.id);
    if (result.protectedIds.has(org.id) || sync.protected.external_ids.includes(accountId)) {
      result.warnings.push(protectedWarning(`organization ${org.id} "${org.name}" (account ${accountId}, due for retention delete)`, [accountId, String(org.id)]));
      continue;
    }
    const change = plugin.remove(org, `retention: ${rule}`);
    if (plugin.match === 'external_id') change.key = accountId;
    change.sources = [accountId];
    result.deletes.push(change);
  }
  return result;
}
