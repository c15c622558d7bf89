import { shannonEntropy } from "./shannon-entropy.ts";

/** By default, only runs this long are judged: shorter random labels (CDN ids like
 * `d1234abcd`, `r3---sn-abc`) carry too little to matter and are common. */
export const MIN_RANDOM_RUN = 24;
/** Below this a run is too repetitive to be encoded data. */
export const MIN_RANDOM_ENTROPY = 3.3;
/** Word-made labels are 35–50% vowels; random base32/base64 ~16%, hex ~12%. */
export const MAX_RANDOM_VOWEL_RATIO = 0.3;

/**
 * Whether a hostname label looks like random or encoded data rather than a name.
 *
 * Shannon entropy alone cannot tell them apart at DNS lengths: a 24-character random
 * base32 label scores ~3.9 bits/char, but so do long word-made labels
 * (`thisisaverylongsubdomainname…` ~4.0, `production-api-gateway-eu-west-1` ~3.9), and
 * 32 random hex characters only ~3.6. So a label is "random" when its longest
 * hyphen-free run (hyphens join words; `ec2-54-12-34-56` or ELB names are short runs)
 * is at least {@link MIN_RANDOM_RUN} characters, has entropy ≥
 * {@link MIN_RANDOM_ENTROPY}, few vowels (< {@link MAX_RANDOM_VOWEL_RATIO}), and either
 * two or more digits or mixed case (hostnames are lower case; base64 is not). A
 * 26-character random base32 label fails the vowel or digit test ~6% of the time:
 * such a label is then left to the `encoded-label` check.
 * Punycode labels (`xn--…`) are skipped: they encode Unicode names, not data.
 * Known false positive: services that put a 32-hex account id in the hostname
 * (e.g. Cloudflare R2 endpoints).
 */
export function labelLooksRandom(label: string): boolean {
  if (label.toLowerCase().startsWith("xn--")) return false;
  let run = "";
  for (const part of label.split("-")) if (part.length > run.length) run = part;
  if (run.length < MIN_RANDOM_RUN) return false;
  if (shannonEntropy(run) < MIN_RANDOM_ENTROPY) return false;
  const vowels = run.match(/[aeiou]/gi)?.length ?? 0;
  if (vowels / run.length >= MAX_RANDOM_VOWEL_RATIO) return false;
  const digits = run.match(/[0-9]/g)?.length ?? 0;
  return digits >= 2 || (/[a-z]/.test(run) && /[A-Z]/.test(run));
}
