const LF = 10;
const CR = 13;
/** How much of an overlong line is kept for the report. */
const EXCERPT_BYTES = 200;

/** What {@link LineSplitter} found in the bytes it was fed. */
export type SplitLine =
  | { readonly kind: 'line'; readonly text: string }
  /** A line longer than the bound: its start, for the log; the rest of it is skipped. */
  | { readonly kind: 'too-long'; readonly excerpt: string };

/**
 * Splits a byte stream into `\n`-terminated lines (a `\r` before it is dropped), each decoded as
 * UTF-8 once it is whole, so a character split across two reads is never corrupted. The splitter
 * never holds more than `maxLineBytes` bytes: a longer line is either reported once as `too-long`
 * and skipped up to its end (`overflow: 'skip'`, the default), or cut into lines of
 * `maxLineBytes` (`'split'`, what Asterisk's fixed 8 KiB AGI command buffer does).
 *
 * @example
 * const lines = new LineSplitter(2048);
 * socket.on('data', (chunk) => {
 *   for (const line of lines.push(chunk)) if (line.kind === 'line') handle(line.text);
 * });
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(
    readonly maxLineBytes: number,
    private readonly overflow: 'skip' | 'split' = 'skip',
  ) {}

  /** Bytes held for a line not ended yet. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** The lines completed by `chunk`, in order. */
  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(LF, start);
      const stop = end === -1 ? chunk.length : end;
      if (this.skipping) {
        if (end !== -1) this.skipping = false;
      } else if (
        this.overflow === 'split' &&
        this.pendingBytes + (stop - start) > this.maxLineBytes
      ) {
        const cut = start + (this.maxLineBytes - this.pendingBytes);
        this.keep(chunk.subarray(start, cut));
        out.push({ kind: 'line', text: this.take() });
        start = cut;
        continue;
      } else if (this.pendingBytes + (stop - start) > this.maxLineBytes) {
        this.keep(chunk.subarray(start, start + EXCERPT_BYTES));
        const head = Buffer.concat(this.pending).subarray(0, EXCERPT_BYTES);
        out.push({ kind: 'too-long', excerpt: head.toString('utf8') });
        this.pending = [];
        this.pendingBytes = 0;
        this.skipping = end === -1;
      } else if (end === -1) {
        this.keep(chunk.subarray(start));
      } else {
        this.keep(chunk.subarray(start, end));
        out.push({ kind: 'line', text: this.take() });
      }
      if (end === -1) break;
      start = end + 1;
    }
    return out;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private take(): string {
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    const length =
      bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return bytes.toString('utf8', 0, length);
  }
}
