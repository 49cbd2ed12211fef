/**
 * Line-protocol lines as UTF-8 bytes in one growing buffer, with where each line ends: what a write request
 * sends, built without a string per line. The bytes live outside the JavaScript heap (an ArrayBuffer), so a
 * batch of thousands of lines costs the garbage collector nothing to keep while it is sent.
 */
export class LineBuffer {
  private data: Uint8Array;
  private used = 0;
  /** `ends[i]`: the offset just after line i's newline. */
  private readonly ends: number[] = [];
  /** The last millions {@link putDigits} wrote, and their digits. */
  private lastMillions = -1;
  private lastMillionsDigits: Uint8Array = new Uint8Array(0);

  constructor(initialBytes = 64 * 1024) {
    this.data = new Uint8Array(initialBytes);
  }

  /** Lines held. */
  get lines(): number {
    return this.ends.length;
  }

  /**
   * The bytes of lines `from` (inclusive) to `to` (exclusive), newline-separated, without a newline after the
   * last one: a view of the buffer, not a copy (valid until the buffer is written to again).
   */
  bytes(from: number, to: number): Uint8Array {
    const start = from === 0 ? 0 : this.ends[from - 1]!;
    return this.data.subarray(start, this.ends[to - 1]! - 1);
  }

  /** Room for `n` more bytes (the buffer doubles as needed). */
  reserve(n: number): Uint8Array {
    if (this.used + n > this.data.length) {
      const bigger = new Uint8Array(Math.max(this.data.length * 2, this.used + n));
      bigger.set(this.data.subarray(0, this.used));
      this.data = bigger;
    }
    return this.data;
  }

  /** Where the line being written is (its bytes so far end here). */
  get offset(): number {
    return this.used;
  }

  /** Appends `bytes` to the line being written. */
  put(bytes: Uint8Array): void {
    const data = this.reserve(bytes.length);
    let at = this.used;
    if (bytes.length > 32) data.set(bytes, at);
    else for (let i = 0; i < bytes.length; i++) data[at++] = bytes[i]!;
    this.used += bytes.length;
  }

  /** Appends one ASCII byte. */
  putByte(byte: number): void {
    this.reserve(1)[this.used++] = byte;
  }

  /** Appends the decimal digits of a whole number 0 <= n <= 2^53, left-padded with zeros to `width`. */
  putDigits(n: number, width = 1): void {
    if (n >= 1_000_000) {
      // epoch times: the millions (about 17 minutes, the same for a batch's readings nearly always) are kept
      // as bytes from the last call; the six digits below them are small integers
      const millions = Math.floor(n / 1_000_000);
      if (millions !== this.lastMillions) {
        this.lastMillions = millions;
        this.lastMillionsDigits = digitsOf(millions);
      }
      const digits = this.lastMillionsDigits;
      if (digits.length + 6 < width) this.putZeros(width - digits.length - 6);
      this.put(digits);
      this.putSmall(n - millions * 1_000_000, 6);
      return;
    }
    this.putSmall(n, width);
  }

  /** Digits of 0 <= n < 10^6 (or any n, slower), left-padded with zeros to `width`. */
  private putSmall(n: number, width: number): void {
    let count = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) count++;
    if (count < width) count = width;
    const data = this.reserve(count);
    let x = n;
    for (let i = this.used + count - 1; i >= this.used; i--) {
      const d = x % 10;
      data[i] = 48 + d;
      x = (x - d) / 10;
    }
    this.used += count;
  }

  private putZeros(count: number): void {
    for (let i = 0; i < count; i++) this.putByte(48);
  }

  /** Ends the line being written (a newline). */
  endLine(): void {
    this.putByte(10);
    this.ends.push(this.used);
  }

  /** Drops what was written of the current line since `offset` (a line that turned out not writable). */
  rewind(offset: number): void {
    this.used = offset;
  }
}

/** The ASCII digits of a whole number 0 <= n <= 2^53. */
function digitsOf(n: number): Uint8Array {
  const text = String(n);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
