/** TLS record content types a client may send: change_cipher_spec, alert, handshake, application_data. */
const CLIENT_TYPES = new Set([20, 21, 22, 23]);
/** RFC 8446 §5.2: a ciphertext record is at most 2^14 + 256 bytes (TLS 1.2 allows 2^14 + 2048). */
const MAX_RECORD = 16_384 + 2_048;

/**
 * Follows the TLS record framing of one direction of a tunnel across chunks. After a
 * valid ClientHello a client could switch to plaintext (an HTTP request, SSH) to an
 * allowed host's port; every byte must instead sit inside a well-formed record, so a
 * tunnel stays TLS for its whole life. Costs a few comparisons per record.
 */
export class TlsRecordGuard {
  /** Bytes of the current record's body still to come. */
  #remaining = 0;
  /** A record header split over chunks. */
  #header: number[] = [];

  /** False once a byte falls outside well-formed records: the tunnel must close. */
  accept(chunk: Uint8Array): boolean {
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining > 0) {
        const step = Math.min(this.#remaining, chunk.length - at);
        this.#remaining -= step;
        at += step;
        continue;
      }
      this.#header.push(chunk[at]!);
      at++;
      if (this.#header.length < 5) continue;
      const [type, major, minor, high, low] = this.#header as [number, number, number, number, number];
      this.#header = [];
      if (!CLIENT_TYPES.has(type) || major !== 3 || minor > 4) return false;
      const length = (high << 8) | low;
      if (length === 0 && type !== 23) return false;
      if (length > MAX_RECORD) return false;
      this.#remaining = length;
    }
    return true;
  }
}
