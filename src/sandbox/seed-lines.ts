// Reads a seed file in the layout writeSeed (src/seedgen/generate.ts) writes: one record per line, so that a seed
// larger than the longest string V8 allows (about 512 MB; the 100k accounts / 500k contacts steady seed is about
// 850 MB) can still be loaded. The file is read as a stream of lines, and each line is parsed on its own:
//
//   {
//     "salesforce": {
//       "Account": [
//         {...},
//         {...}
//       ],
//       "auth": {...}
//     },
//     "zendesk": { ... }
//   }
//
// A file in any other layout (pretty-printed JSON, YAML) gives null, and the caller reads it as one string.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

type Json = unknown;

/** the value of one `"key": value` line, or undefined when the line is not one */
function keyValue(line: string): [string, Json] | undefined {
  try {
    const obj = JSON.parse(`{${line}}`) as Record<string, Json>;
    const keys = Object.keys(obj);
    return keys.length === 1 ? [keys[0], obj[keys[0]]] : undefined;
  } catch {
    return undefined;
  }
}

const OPEN = /^("(?:[^"\\]|\\.)*")\s*:\s*([[{])$/;

/**
 * Parses the lines of a seed in writeSeed's layout; null when a line does not fit it. Exported for tests; loadSeed
 * is the entry point.
 */
export async function parseSeedLines(lines: AsyncIterable<string>): Promise<Record<string, Json> | null> {
  const top: Record<string, Json> = {};
  let section: Record<string, Json> | undefined;
  let array: Json[] | undefined;
  let started = false;
  let ended = false;
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (ended) return null;
    if (!started) {
      if (line !== '{') return null;
      started = true;
      continue;
    }
    const bare = line.endsWith(',') ? line.slice(0, -1) : line;
    if (array) {
      if (bare === ']') {
        array = undefined;
        continue;
      }
      try {
        array.push(JSON.parse(bare));
      } catch {
        return null;
      }
      continue;
    }
    const open = OPEN.exec(bare);
    if (section) {
      if (bare === '}') {
        section = undefined;
        continue;
      }
      if (open && open[2] === '[') {
        array = [];
        section[JSON.parse(open[1]) as string] = array;
        continue;
      }
      const kv = keyValue(bare);
      if (!kv) return null;
      section[kv[0]] = kv[1];
      continue;
    }
    if (bare === '}') {
      ended = true;
      continue;
    }
    if (open && open[2] === '{') {
      section = {};
      top[JSON.parse(open[1]) as string] = section;
      continue;
    }
    const kv = keyValue(bare);
    if (!kv) return null;
    top[kv[0]] = kv[1];
  }
  return ended ? top : null;
}

/** Reads a seed file in writeSeed's layout as a stream of lines; null when it is in another layout. */
export async function readSeedLines(path: string): Promise<Record<string, Json> | null> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    return await parseSeedLines(rl);
  } finally {
    rl.close();
    input.destroy();
  }
}
