// A pull reader of JSON text arriving in chunks: the caller walks the outer structure (objects, arrays, keys)
// and takes whole inner values, each parsed on its own with JSON.parse. So a document far larger than a
// string may be (a 620 MB plan) is read one value at a time. Line numbers are kept for messages.

export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JsonScanError';
  }
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

export class JsonScanner {
  private buf = '';
  private pos = 0;
  private done = false;
  /** lines before buf[0] */
  private linesBefore = 1;
  private readonly it: AsyncIterator<string>;

  constructor(chunks: AsyncIterable<string>) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** the line of the current position */
  get line(): number {
    let n = this.linesBefore;
    for (let i = 0; i < this.pos && i < this.buf.length; i++) if (this.buf.charCodeAt(i) === 0x0a) n++;
    return n;
  }

  private fail(message: string): never {
    throw new JsonScanError(message, this.line);
  }

  /** more text; false at the end. Drops what was consumed (before `keep`). */
  private async more(keep = this.pos): Promise<boolean> {
    if (this.done) return false;
    const next = await this.it.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    for (let i = 0; i < keep; i++) if (this.buf.charCodeAt(i) === 0x0a) this.linesBefore++;
    this.buf = this.buf.slice(keep) + next.value;
    this.pos -= keep;
    return true;
  }

  /** the next character that is not whitespace (not consumed), or null at the end */
  async peek(): Promise<string | null> {
    for (;;) {
      while (this.pos < this.buf.length && WS.has(this.buf.charCodeAt(this.pos))) this.pos++;
      if (this.pos < this.buf.length) return this.buf[this.pos];
      if (!(await this.more())) return null;
    }
  }

  async expect(ch: string, what: string): Promise<void> {
    const c = await this.peek();
    if (c !== ch) this.fail(c === null ? `the file ends where ${what} was expected (truncated?)` : `${what} was expected, found ${JSON.stringify(c)}`);
    this.pos++;
  }

  /** consumes `,` (true) or the closing `close` (false) */
  async commaOr(close: '}' | ']'): Promise<boolean> {
    const c = await this.peek();
    if (c === ',') {
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    return this.fail(c === null ? `the file ends before "${close}" (truncated?)` : `"," or "${close}" was expected, found ${JSON.stringify(c)}`);
  }

  /** true (consumed) when the next character is `close`: an empty object or array */
  async closes(close: '}' | ']'): Promise<boolean> {
    if ((await this.peek()) === close) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** one whole JSON value (string, number, literal, object or array), parsed on its own */
  async value(): Promise<unknown> {
    const first = await this.peek();
    if (first === null) this.fail('the file ends where a value was expected (truncated?)');
    const scalar = first !== '{' && first !== '[' && first !== '"';
    let i = this.pos;
    let depth = 0;
    let inString = false;
    let escape = false;
    for (;;) {
      const buf = this.buf;
      let end = -1;
      for (; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (inString) {
          if (escape) escape = false;
          else if (c === 0x5c) escape = true;
          else if (c === 0x22) {
            inString = false;
            if (depth === 0) {
              end = i + 1;
              break;
            }
          }
        } else if (scalar) {
          if (c === 0x2c || c === 0x7d || c === 0x5d || WS.has(c)) {
            end = i;
            break;
          }
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            end = i + 1;
            break;
          }
        }
      }
      if (end < 0 && scalar && this.done) end = buf.length;
      if (end >= 0) {
        let v: unknown;
        try {
          v = JSON.parse(buf.slice(this.pos, end));
        } catch (err) {
          return this.fail(`not valid JSON (${(err as Error).message})`);
        }
        this.pos = end;
        return v;
      }
      // the value goes on in the next chunk: keep the buffer from its start
      const offset = i - this.pos;
      if (!(await this.more(this.pos))) {
        if (scalar) continue;
        return this.fail('the file ends in the middle of a value (truncated?)');
      }
      i = this.pos + offset;
    }
  }

  /** a key and its colon */
  async key(): Promise<string> {
    const c = await this.peek();
    if (c !== '"') this.fail(c === null ? 'the file ends where a key was expected (truncated?)' : `a key was expected, found ${JSON.stringify(c)}`);
    const k = await this.value();
    await this.expect(':', '":"');
    return k as string;
  }

  /** throws unless only whitespace is left */
  async end(): Promise<void> {
    const c = await this.peek();
    if (c !== null) this.fail(`unexpected ${JSON.stringify(c)} after the end of the document`);
  }
}
