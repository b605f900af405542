import { once } from 'node:events';
import { redactText } from './redact.js';

/**
 * Writes a document produced in chunks (render's jsonChunks / textChunks) to a stream, 64 KiB at a time,
 * waiting for the stream to drain: a plan of hundreds of thousands of changes never becomes one string.
 * Every buffer goes through the redaction pass (src/util/redact.ts).
 */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 65_536) {
      if (!stream.write(redactText(buffer))) await once(stream, 'drain');
      buffer = '';
    }
  }
  if (buffer && !stream.write(redactText(buffer))) await once(stream, 'drain');
}
