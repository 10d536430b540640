/**
 * Call records as JSON, read as they stream in: the API's own page (`{"items": [record, …]}`) or
 * an array of records (`[record, …]`). Each record object is cut out of the byte stream and parsed
 * on its own, so a 150 MB file never becomes one string or one object tree. Anything outside the
 * records (other keys, `Link`s, whitespace) is skipped.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
/** A key of the top-level object longer than this is no `items`: not kept. */
const MAX_KEY_BYTES = 64;

export interface JsonRecordSink {
  record(record: Record<string, unknown>): void;
  /** An element of the record array that is not an object, or an object that is not valid JSON. */
  broken(detail: string): void;
}

/** Whether a stream whose first bytes are `start` holds JSON rather than CSV: it opens with `{` or `[`. */
export function looksLikeJson(start: Buffer): boolean | undefined {
  for (let i = 0; i < start.length; i++) {
    const c = start[i];
    if (c === 0xef || c === 0xbb || c === 0xbf || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === OPEN_OBJECT || c === OPEN_ARRAY;
  }
  return undefined;
}

export class JsonRecordScanner {
  /** Open containers, outermost first: `{` or `[`. */
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  /** Depth of the array whose elements are the records, once found. */
  private recordArrayDepth = -1;
  /** Bytes of the record being cut out; undefined between records. */
  private parts: Buffer[] | undefined;
  private partStart = 0;
  /** The last string read directly in the top-level object, and the key it became. */
  private topString: number[] | undefined;
  private topKey = '';
  /** Inside an element of the record array that is no object (a number, a string…), reported once. */
  private inOtherElement = false;
  /** Whether a record array was found at all (an empty one included). */
  found = false;

  constructor(private readonly sink: JsonRecordSink) {}

  write(chunk: Buffer): void {
    if (this.parts !== undefined) this.partStart = 0;
    const stack = this.stack;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        else if (this.topString !== undefined && this.topString.length < MAX_KEY_BYTES) this.topString.push(c);
        continue;
      }
      if (stack.length === this.recordArrayDepth && this.parts === undefined) {
        // Between records: a comma, whitespace, the array's end, a record's start, or something else.
        if (c === 0x2c) {
          this.inOtherElement = false;
          continue;
        }
        if (c !== OPEN_OBJECT && c !== CLOSE_ARRAY && c > 0x20 && !this.inOtherElement) {
          this.inOtherElement = true;
          this.sink.broken('an element of the array is not a record');
        }
      }
      if (c === QUOTE) {
        this.inString = true;
        this.topString = stack.length === 1 && stack[0] === OPEN_OBJECT ? [] : undefined;
      } else if (c === COLON) {
        if (this.topString !== undefined) this.topKey = Buffer.from(this.topString).toString('utf8');
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (c === OPEN_OBJECT && stack.length === this.recordArrayDepth && this.parts === undefined) {
          this.parts = [];
          this.partStart = i;
        } else if (c === OPEN_ARRAY && this.recordArrayDepth < 0 && this.isRecordArray()) {
          this.recordArrayDepth = stack.length + 1;
          this.found = true;
        }
        stack.push(c);
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        stack.pop();
        if (c === CLOSE_OBJECT && stack.length === this.recordArrayDepth && this.parts !== undefined) {
          this.parts.push(chunk.subarray(this.partStart, i + 1));
          this.emit(Buffer.concat(this.parts));
          this.parts = undefined;
        } else if (c === CLOSE_ARRAY && stack.length === this.recordArrayDepth - 1) {
          this.recordArrayDepth = -1;
        }
      }
    }
    if (this.parts !== undefined) this.parts.push(chunk.subarray(this.partStart));
  }

  /** Whether the array opening now holds the records: the top level itself, or the top-level object's `items`. */
  private isRecordArray(): boolean {
    if (this.stack.length === 0) return true;
    return this.stack.length === 1 && this.stack[0] === OPEN_OBJECT && this.topKey.toLowerCase() === 'items';
  }

  private emit(bytes: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      this.sink.broken(`not valid JSON (${(error as Error).message})`);
      return;
    }
    this.sink.record(value as Record<string, unknown>);
  }

  /** A record still open at the end was cut short. */
  end(): void {
    if (this.parts !== undefined) {
      this.parts = undefined;
      this.sink.broken('the file ends inside this record');
    }
  }
}
