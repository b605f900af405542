// The real adapters at the edges, wired for the commands. Tests wire fakes or the sandbox instead.
import type { SalesforceInstance, ZendeskInstance } from '../model/config.js';
import type { Logger, SalesforceWriter, SourceReader, TargetReader, TargetWriter } from '../model/ports.js';
import type { TicketSource } from '../cases/pipeline.js';
import { createSalesforceReader, type SalesforceReader } from '../salesforce/reader.js';
import { createSalesforceWriter } from '../salesforce/writer.js';
import { createTransportPool } from '../zendesk/pool.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { readTicketExport } from '../zendesk/tickets.js';
import type { TransportOptions, ZendeskTransport } from '../zendesk/transport.js';
import { createZendeskWriter } from '../zendesk/writer.js';

export interface Adapters {
  source: SourceReader;
  target: TargetReader;
  writerFor(instance: ZendeskInstance): TargetWriter;
  /** the run's transport for a Zendesk instance (one request budget): incremental reads (the exports, the
   * membership reads of changed users) send through it, as the full reader and the writer do */
  transportFor?(instance: ZendeskInstance, logger?: Logger): ZendeskTransport;
  /** the Salesforce reader behind `source`, for the raw SOQL of incremental reads */
  salesforce?: Pick<SalesforceReader, 'read' | 'query'>;
  /** Cases (issue 18): the writer of a Salesforce instance (one per instance for the run) */
  salesforceWriterFor?(instance: SalesforceInstance): SalesforceWriter;
  /** Cases: the incremental ticket export of a Zendesk instance (its own rate limit, on the instance's transport) */
  ticketsFor?(instance: ZendeskInstance): TicketSource;
}

/** One transport per Zendesk instance for the whole run: reads (full or incremental) and writes share its request
 * budget. `transport` options are for tests (a counting fetch). */
export function liveAdapters(transport: TransportOptions = {}): Adapters & Required<Pick<Adapters, 'transportFor' | 'salesforce'>> {
  const pool = createTransportPool(transport);
  const salesforce = createSalesforceReader();
  const writers = new Map<string, SalesforceWriter>();
  return {
    source: salesforce,
    target: createZendeskReader({ transportFactory: pool.get }),
    writerFor: (instance) => createZendeskWriter(instance, { transport: pool.get(instance) }),
    transportFor: pool.get,
    salesforce,
    salesforceWriterFor: (instance) => {
      let w = writers.get(instance.name);
      if (!w) writers.set(instance.name, (w = createSalesforceWriter(instance)));
      return w;
    },
    ticketsFor: (instance) => (start) => readTicketExport(pool.get(instance), { start }),
  };
}
