// The real adapters at the edges, wired for the commands. Tests wire fakes or the sandbox instead.
import type { SalesforceInstance, ZendeskInstance } from '../model/config.js';
import type { SalesforceWriter, SourceReader, TargetReader, TargetWriter } from '../model/ports.js';
import type { TicketSource } from '../cases/pipeline.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { createSalesforceWriter } from '../salesforce/writer.js';
import { createTransportPool } from '../zendesk/pool.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { readTicketExport } from '../zendesk/tickets.js';
import { createZendeskWriter } from '../zendesk/writer.js';

export interface Adapters {
  source: SourceReader;
  target: TargetReader;
  writerFor(instance: ZendeskInstance): TargetWriter;
  /** Cases (issue 18): the writer of a Salesforce instance (one per instance for the run) */
  salesforceWriterFor?(instance: SalesforceInstance): SalesforceWriter;
  /** Cases: the incremental ticket export of a Zendesk instance (its own rate limit, on the instance's transport) */
  ticketsFor?(instance: ZendeskInstance): TicketSource;
}

/** One transport per Zendesk instance for the whole run: reads and writes share its request budget. */
export function liveAdapters(): Adapters {
  const pool = createTransportPool();
  const salesforce = new Map<string, SalesforceWriter>();
  return {
    source: createSalesforceReader(),
    target: createZendeskReader({ transportFactory: pool.get }),
    writerFor: (instance) => createZendeskWriter(instance, { transport: pool.get(instance) }),
    salesforceWriterFor: (instance) => {
      let w = salesforce.get(instance.name);
      if (!w) salesforce.set(instance.name, (w = createSalesforceWriter(instance)));
      return w;
    },
    ticketsFor: (instance) => (start) => readTicketExport(pool.get(instance), { start }),
  };
}
