// Reads everything one sync needs from a Zendesk instance: organizations, users (every role: reconcile
// must see agents and admins to leave them alone), memberships, organization and user field
// definitions, and the account's multiple-organizations setting. Cursor pages of 100, no request per record.
import type { ZendeskInstance } from '../model/config.js';
import type { Logger, Progress, TargetReader, TargetReaderOptions } from '../model/ports.js';
import { beginTask, silentProgress } from '../model/ports.js';
import type { TargetData } from '../model/zendesk.js';
import { ZdsfError } from '../util/errors.js';
import { createZendeskApi } from './client.js';
import { paginate, toFieldDef, toMembership, toOrganization, toUser } from './pagination.js';
import type { TransportOptions } from './transport.js';
import { ZendeskTransport } from './transport.js';
import { isRecord } from '../util/data.js';
import { readTicketActivity } from './ticket-counts.js';
import { readCurrentUser } from './current-user.js';

export interface ZendeskReaderOptions extends TransportOptions {
  /** the transport for an instance (a run's TransportPool shares one with the writer; tests inject one);
   * default new ZendeskTransport(instance, options) */
  transportFactory?: (instance: ZendeskInstance, logger?: Logger) => ZendeskTransport;
}


export interface ZendeskReader extends TargetReader {
  /** the transport of the last read (request counts, observed rate limit) */
  readonly lastTransport: ZendeskTransport | null;
}

export function createZendeskReader(options: ZendeskReaderOptions = {}): ZendeskReader {
  let lastTransport: ZendeskTransport | null = null;
  const { transportFactory, ...transportOptions } = options;

  async function readAll<T>(
    transport: ZendeskTransport,
    progress: Progress,
    label: string,
    path: string,
    key: string,
    convert: (raw: unknown) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    // its own task: the Salesforce read runs at the same time on the same progress
    const task = beginTask(progress, `Reading Zendesk ${label} (${transport.instance.name})`);
    await paginate(transport, path, key, (items) => {
      for (const item of items) out.push(convert(item));
      task.tick(items.length);
    });
    task.done(`Read ${out.length} Zendesk ${out.length === 1 ? label.replace(/ships$/, 'ship').replace(/s$/, '') : label} from ${transport.instance.name}`);
    return out;
  }

  return {
    get lastTransport() {
      return lastTransport;
    },
    async ticketActivity({ instance, logger, query }) {
      // the read's transport when it was this instance (one rate-limit budget), else a new one
      const transport =
        lastTransport && lastTransport.instance.name === instance.name
          ? lastTransport
          : transportFactory
            ? transportFactory(instance)
            : new ZendeskTransport(instance, { logger, ...transportOptions });
      return readTicketActivity(transport, query);
    },
    async currentUser({ instance, logger }) {
      const transport =
        lastTransport && lastTransport.instance.name === instance.name
          ? lastTransport
          : transportFactory
            ? transportFactory(instance)
            : new ZendeskTransport(instance, { logger, ...transportOptions });
      return readCurrentUser(transport);
    },
    async read({ instance, progress = silentProgress, logger }: TargetReaderOptions): Promise<TargetData> {
      const transport = transportFactory ? transportFactory(instance, logger) : new ZendeskTransport(instance, { logger, ...transportOptions });
      lastTransport = transport;

      // Settings first: it is one small request and fails fast on a wrong URL or bad credentials.
      // node-zendesk's accountsettings.show serves here (GET /account/settings.json, unwraps `settings`).
      const shown = (await createZendeskApi(transport).accountSettings()).result;
      const settings = isRecord(shown) && isRecord(shown.settings) ? shown.settings : shown;
      if (!isRecord(settings) || !isRecord(settings.user))
        throw new ZdsfError(
          `Zendesk instance ${instance.name} (${instance.url}): GET /api/v2/account/settings did not return settings.user; cannot tell whether users may belong to multiple organizations.`,
          'zendesk_unexpected',
        );
      const multipleOrganizations = settings.user.multiple_organizations === true;

      const organizationFields = await readAll(transport, progress, 'organization fields', '/organization_fields', 'organization_fields', toFieldDef);
      const userFields = await readAll(transport, progress, 'user fields', '/user_fields', 'user_fields', toFieldDef);
      const organizations = await readAll(transport, progress, 'organizations', '/organizations', 'organizations', toOrganization);
      const users = await readAll(transport, progress, 'users', '/users', 'users', toUser);
      const memberships = await readAll(transport, progress, 'organization memberships', '/organization_memberships', 'organization_memberships', toMembership);

      logger?.debug(`zendesk ${instance.name}: ${transport.requestCount} requests, limit ${transport.observedLimitPerMinute ?? 'unknown'}/min`);
      return {
        organizations,
        users,
        memberships,
        organizationFields,
        userFields,
        settings: { multipleOrganizations },
        rateLimitPerMinute: transport.observedLimitPerMinute,
      };
    },
  };
}
