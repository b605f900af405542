// The real adapters at the edges, wired for the commands. Tests wire fakes or the sandbox instead.
import type { ZendeskInstance } from '../model/config.js';
import type { SourceReader, TargetReader, TargetWriter } from '../model/ports.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { createTransportPool } from '../zendesk/pool.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { createZendeskWriter } from '../zendesk/writer.js';

export interface Adapters {
  source: SourceReader;
  target: TargetReader;
  writerFor(instance: ZendeskInstance): TargetWriter;
}

/** One transport per Zendesk instance for the whole run: reads and writes share its request budget. */
export function liveAdapters(): Adapters {
  const pool = createTransportPool();
  return {
    source: createSalesforceReader(),
    target: createZendeskReader({ transportFactory: pool.get }),
    writerFor: (instance) => createZendeskWriter(instance, { transport: pool.get(instance) }),
  };
}
