// node-zendesk 6, wired to our transport. Its requests go through ZendeskTransport (auth, pacing,
// retries, errors); node-zendesk contributes the endpoint paths and body shapes where it gets them right.
//
// ZendeskApi is a typed facade over the few node-zendesk methods zdsf uses: node-zendesk's typings say
// `organizations.createMany(organizations: object[])`, `users.createOrUpdateMany(users: object[])`, but
// the implementation posts its argument as the body as is, and Zendesk wants `{ organizations: [...] }` /
// `{ users: [...] }`; the facade takes the body Zendesk wants and casts at this one place.
import zendesk from 'node-zendesk';
import type { ZendeskTransport } from './transport.js';

export type NodeZendeskClient = ReturnType<typeof zendesk.createClient>;

/** What node-zendesk resolves with: the transport's response, and the body (unwrapped of its resource key). */
export interface NzResult {
  status: number;
  result: unknown;
}

export interface ZendeskApi {
  /** GET /account/settings.json -> the `settings` object */
  accountSettings(): Promise<NzResult>;
  /** POST /organizations/create_many.json { organizations } -> { job_status } */
  organizationsCreateMany(body: { organizations: object[] }): Promise<NzResult>;
  /** PUT /organizations/update_many.json { organizations } -> { job_status } */
  organizationsUpdateMany(body: { organizations: object[] }): Promise<NzResult>;
  /** DELETE /organizations/destroy_many.json?ids=1,2 -> { job_status } */
  organizationsDestroyMany(ids: number[]): Promise<NzResult>;
  /** POST /users/create_or_update_many.json { users } -> { job_status } */
  usersCreateOrUpdateMany(body: { users: object[] }): Promise<NzResult>;
  /** POST /users/create_or_update.json { user } -> 201 created / 200 updated, the user */
  usersCreateOrUpdate(body: { user: object }): Promise<NzResult>;
  /** PUT /users/update_many.json { users } -> { job_status } (node-zendesk's users.updateMany picks its
   * body from a different argument depending on how many are given, so the generic put is used) */
  usersUpdateMany(body: { users: object[] }): Promise<NzResult>;
  /** POST /organization_memberships/create_many.json { organization_memberships } -> { job_status } */
  membershipsCreateMany(items: { user_id: number; organization_id: number }[]): Promise<NzResult>;
  /** PUT /users/{user_id}/organization_memberships/{id}/make_default.json */
  membershipMakeDefault(userId: number, membershipId: number): Promise<NzResult>;
  /** GET /job_statuses/{id}.json -> { job_status } */
  jobStatus(id: string): Promise<NzResult>;
}

function toResult(value: unknown): NzResult {
  if (typeof value === 'object' && value !== null && 'result' in value) {
    const v = value as { result: unknown; response?: unknown };
    const response = v.response as { status?: unknown } | undefined;
    return { status: typeof response?.status === 'number' ? response.status : 200, result: v.result };
  }
  return { status: 200, result: value };
}

export function createNodeZendeskClient(transport: ZendeskTransport): NodeZendeskClient {
  return zendesk.createClient({
    endpointUri: transport.baseUrl,
    // node-zendesk insists on credentials to build its own Authorization header; the transport drops that
    // header and sends the real one, so the real token is never handed to node-zendesk.
    oauth: true,
    token: 'set-by-zdsf-transport',
    throwOriginalException: true,
    debug: false,
    transportConfig: transport.nodeZendeskTransportConfig(),
  });
}

export function createZendeskApi(transport: ZendeskTransport): ZendeskApi {
  const c = createNodeZendeskClient(transport);
  const asArray = (body: object): object[] => body as unknown as object[];
  return {
    accountSettings: async () => toResult(await c.accountsettings.show()),
    organizationsCreateMany: async (body) => toResult(await c.organizations.createMany(asArray(body))),
    organizationsUpdateMany: async (body) => toResult(await c.organizations.updateMany(asArray(body))),
    organizationsDestroyMany: async (ids) => toResult(await c.organizations.bulkDelete(ids)),
    usersCreateOrUpdateMany: async (body) => toResult(await c.users.createOrUpdateMany(asArray(body))),
    usersCreateOrUpdate: async (body) => toResult(await c.users.createOrUpdate(body)),
    usersUpdateMany: async (body) => toResult(await c.users.put(['users', 'update_many'], body)),
    membershipsCreateMany: async (items) => toResult(await c.organizationmemberships.createMany(items)),
    membershipMakeDefault: async (userId, membershipId) => toResult(await c.organizationmemberships.makeDefault(userId, membershipId)),
    jobStatus: async (id) => toResult(await c.jobstatuses.show(id)),
  };
}
