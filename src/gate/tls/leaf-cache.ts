/** Options for {@link createLeafCache}. */
export interface LeafCacheOptions<T> {
  /** Makes the value for a host on a miss (mints a leaf). */
  mint(host: string): Promise<T>;
  /** By default, 1,024 hosts: a bottle reaches tens; the bound keeps a hostile agent from filling memory. */
  max?: number;
  /** By default, 12 hours: well inside a leaf's 24-hour life, so a cached leaf is never served expired. */
  ttlMs?: number;
  now?: () => number;
}

/** Leaves by host: minted once, reused until they age out or are evicted. */
export interface LeafCache<T> {
  get(host: string): Promise<T>;
  /** How many hosts are cached now. */
  readonly size: number;
}

/**
 * A bounded LRU cache of minted leaves. Concurrent first requests for one host share
 * one mint (the promise is cached); a failed mint is forgotten so the next request
 * tries again. A `Map` keeps insertion order: a hit moves its host to the end, and
 * the first host is the least recently used one.
 */
export function createLeafCache<T>(options: LeafCacheOptions<T>): LeafCache<T> {
  const max = options.max ?? 1_024;
  const ttl = options.ttlMs ?? 12 * 3_600_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Promise<T>; expires: number }>();

  return {
    get(host) {
      const key = host.toLowerCase();
      const hit = entries.get(key);
      entries.delete(key);
      if (hit !== undefined && hit.expires > now()) {
        entries.set(key, hit);
        return hit.value;
      }
      const value = options.mint(key);
      const entry = { value, expires: now() + ttl };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
