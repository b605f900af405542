// The plan's seal: `seal: "sha256:<hex>"` guards a saved plan against accidental edits and corruption. It is
// NOT a signature: anyone can recompute it (the guard in src/apply/guard.ts is what stops a hostile plan).
//
// Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does) at every level, no
// whitespace, members whose value is undefined left out, strings and numbers as JSON.stringify writes them,
// encoded as UTF-8.
//
// So that a plan of a million changes can be sealed and checked while it streams, the seal is defined over the
// plan with each sync's `changes` array replaced by a digest of it:
//
//   changes_digest(sync) = "sha256:" + hex(SHA-256( canonical(c1) + "\n" + canonical(c2) + "\n" + ... ))
//   seal                 = "sha256:" + hex(SHA-256( canonical(plan without "seal", every sync's "changes"
//                                                    replaced by changes_digest(sync)) ))
//
// (an empty `changes` digests the empty string). In Python:
//   canon = lambda v: json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
//   for s in plan['syncs']: s['changes'] = 'sha256:' + sha256(''.join(canon(c) + '\n' for c in s['changes']).encode()).hexdigest()
//   del plan['seal']; seal = 'sha256:' + sha256(canon(plan).encode()).hexdigest()
import { createHash, type Hash } from 'node:crypto';

/** The canonical JSON text of a value (see above). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Digests a sync's changes one at a time (while they are written or read). */
export class ChangesDigest {
  private readonly hash: Hash = createHash('sha256');

  add(change: unknown): void {
    this.hash.update(`${canonicalJson(change)}\n`, 'utf8');
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

export function changesDigest(changes: Iterable<unknown>): string {
  const d = new ChangesDigest();
  for (const c of changes) d.add(c);
  return d.digest();
}

/**
 * The seal of a plan given its head (every member but `seal` and `syncs`), and its syncs each without
 * `changes` plus the digest of those changes.
 */
export function sealOf(head: Record<string, unknown>, syncs: { sync: Record<string, unknown>; changesDigest: string }[]): string {
  const { seal: _ignored, syncs: _syncs, ...rest } = head;
  const doc = { ...rest, syncs: syncs.map((s) => ({ ...s.sync, changes: s.changesDigest })) };
  return `sha256:${createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex')}`;
}

/** The seal of a plan held in memory. */
export function computeSeal(plan: { syncs: { changes: unknown[] }[] } & Record<string, unknown>): string {
  const { syncs, ...head } = plan;
  return sealOf(
    head,
    syncs.map((s) => {
      const { changes, ...sync } = s as { changes: unknown[] } & Record<string, unknown>;
      return { sync, changesDigest: changesDigest(changes) };
    }),
  );
}
