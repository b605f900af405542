// Checks of the config file's bytes before YAML parsing (issue 14): a config is a small UTF-8 text file. Files
// that are not (too large, another encoding, invalid UTF-8, NUL bytes, CR-only line endings) get one clear error
// at the offending line, at once, instead of a parser's confusion or a hang.
import type { Diagnostic } from './diagnostics.js';

/** A sync.yaml of 1,000 lines is about 30 KB; these bounds leave room for long protected lists and embedded keys. */
export const MAX_CONFIG_BYTES = 256 * 1024;
export const MAX_CONFIG_LINES = 10_000;

function position(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/** The offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Problems with the file's bytes, as diagnostics (empty when the file is fit to parse). */
export function sourceProblems(file: string, bytes: Buffer): Diagnostic[] {
  const at = (offset: number, message: string): Diagnostic[] => {
    const p = position(bytes, offset);
    return [{ file, line: p.line, col: p.col, path: '', message, severity: 'error' }];
  };
  if (bytes.length > MAX_CONFIG_BYTES) {
    return at(
      MAX_CONFIG_BYTES,
      `the config file is ${Math.ceil(bytes.length / 1024)} KiB; zdsf reads configs of up to ${MAX_CONFIG_BYTES / 1024} KiB (is this the right file?)`,
    );
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return at(0, 'the config file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8');
  }
  const nul = bytes.indexOf(0);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0 && (nul < 0 || bad < nul)) {
    return at(
      bad,
      `the config file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}): save it as UTF-8; zdsf does not guess encodings`,
    );
  }
  if (nul >= 0) return at(nul, 'the config file contains a NUL byte: it is not a text file (or is UTF-16/32): save it as UTF-8 text');
  const hasLf = bytes.includes(0x0a);
  const cr = bytes.indexOf(0x0d);
  if (!hasLf && cr >= 0) {
    return at(0, 'the config file\'s lines end with CR only (classic Mac line endings): YAML needs LF or CRLF; convert it (e.g. `tr "\\r" "\\n"`)');
  }
  let lines = 1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && ++lines > MAX_CONFIG_LINES) {
      return at(i + 1, `the config file has more than ${MAX_CONFIG_LINES} lines; zdsf reads configs of up to ${MAX_CONFIG_LINES} lines (is this the right file?)`);
    }
  }
  return [];
}
