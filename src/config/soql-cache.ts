// What the SOQL parser said about each condition, kept on disk between runs: loading the parser costs about half a
// second of CPU (it builds its grammar at import), which `zdsf validate` in a pre-commit hook would otherwise pay on
// every commit for conditions that have not changed. Parsing is deterministic for one parser version, so the
// cache is keyed by the parser's and zdsf's versions and the exact text. Any cache error is ignored (it is only a
// cache). Location: $ZDSF_CACHE_DIR, else $XDG_CACHE_HOME/zdsf, else ~/.cache/zdsf; ZDSF_CACHE_DIR=off disables it
// (and it is off under vitest unless ZDSF_CACHE_DIR is set).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** bump with the parser (package.json pins @jetstreamapp/soql-parser-js) or with how problems are worded */
const CACHE_VERSION = 'soql-parser-js-6.3.1.v1';

type Entry = string | null;

let loaded: Map<string, Entry> | null = null;
let file: string | null | undefined;

function cacheFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.ZDSF_CACHE_DIR;
  if (dir === 'off' || (dir === undefined && env.VITEST)) return null;
  const base = dir ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zdsf');
  return join(base, `soql-conditions-${CACHE_VERSION}.json`);
}

function entries(): Map<string, Entry> {
  if (loaded) return loaded;
  loaded = new Map();
  file = cacheFile();
  if (!file) return loaded;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
    for (const [k, v] of Object.entries(data)) if (v === null || typeof v === 'string') loaded.set(k, v);
  } catch {
    // no cache yet, or unreadable: start empty
  }
  return loaded;
}

const keyOf = (query: string): string => createHash('sha256').update(query).digest('hex').slice(0, 32);

/** undefined: not cached; null: parses; a string: the problem. */
export function cachedProblem(query: string): Entry | undefined {
  return entries().get(keyOf(query));
}

export function rememberProblem(query: string, problem: Entry): void {
  const map = entries();
  map.set(keyOf(query), problem);
  if (!file) return;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    // the most recent 5,000 conditions are plenty for any set of configs
    writeFileSync(tmp, JSON.stringify(Object.fromEntries([...map].slice(-5000))));
    renameSync(tmp, file);
  } catch {
    // read-only home, full disk: run without the cache
  }
}

/** For tests: forget what was loaded (the next call reads the environment and the file again). */
export function resetSoqlCache(): void {
  loaded = null;
  file = undefined;
}
