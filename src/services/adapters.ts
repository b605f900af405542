// The real adapters at the edges, wired for the commands. Tests wire fakes or the sandbox instead.
import type { ZendeskInstance } from '../model/config.js';
import type { SourceReader, TargetReader, TargetWriter } from '../model/ports.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { createZendeskWriter } from '../zendesk/writer.js';

export interface Adapters {
  source: SourceReader;
  target: TargetReader;
  writerFor(instance: ZendeskInstance): TargetWriter;
}

export function liveAdapters(): Adapters {
  return {
    source: createSalesforceReader(),
    target: createZendeskReader(),
    writerFor: (instance) => createZendeskWriter(instance),
  };
}
