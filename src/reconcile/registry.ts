// The resource registry and the driver that runs it (issue 11, item 5: one per-resource shape, as the
// github/safe-settings plugins). Every ChangeType has exactly one resource here: RESOURCES is keyed by
// ChangeType, so a new ChangeType without a resource (or a resource under the wrong key) does not compile.
// The shape a resource implements, and how to add one, is in resources/resource.ts' opening comment.
//
// Run order is RESOURCES' key order: a resource reads the results of those before it (its `needs`; a test
// checks that they come earlier). Pure.
import type { Change, ChangeType, Warning } from '../model/plan.js';
import { membershipResource, type MembershipsResult } from './resources/memberships.js';
import { organizationResource, type OrganizationsResult } from './resources/organizations.js';
import type { Resource, ResourceInput } from './resources/resource.js';
import { userResource, type UsersResult } from './resources/users.js';
import { fieldOptionResource, fieldResource, type FieldsResult } from './resources/fields.js';
import { caseResource, type CasesResult } from './resources/cases.js';

/** What each resource's pass returns, by ChangeType. */
export interface ResourceResults {
  field: FieldsResult;
  field_option: FieldsResult;
  organization: OrganizationsResult;
  user: UsersResult;
  membership: MembershipsResult;
  case: CasesResult;
}

type Registry = { readonly [T in ChangeType]: Resource<T, ResourceResults[T]> };

/** Every resource, in run order. */
export const RESOURCES: Registry = {
  field: fieldResource,
  field_option: fieldOptionResource,
  organization: organizationResource,
  user: userResource,
  membership: membershipResource,
  case: caseResource,
};

export const RESOURCE_ORDER = Object.keys(RESOURCES) as ChangeType[];

export interface ResourcesOutcome {
  results: ResourceResults;
  /** every resource's changes, in run order (not yet ordered for the plan) */
  changes: Change[];
  /** every resource's warnings, in run order */
  warnings: Warning[];
}

/** Runs every registered resource for one sync, each with the results of those before it. */
export function runResources(input: ResourceInput): ResourcesOutcome {
  const results: Partial<ResourceResults> = {};
  const changes: Change[] = [];
  const warnings: Warning[] = [];
  for (const type of RESOURCE_ORDER) {
    // registry order guarantees that what a resource needs is in `results` already
    const result = RESOURCES[type].reconcile(input, results as ResourceResults);
    (results as Record<ChangeType, unknown>)[type] = result;
    for (const c of result.changes) changes.push(c); // not push(...): a pass may hold 100k+ changes
    for (const w of result.warnings) warnings.push(w);
  }
  return { results: results as ResourceResults, changes, warnings };
}
