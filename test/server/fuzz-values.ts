/**
 * Building blocks of the server fuzz test: a seeded generator and mutations of request bodies, ids, headers and
 * image bytes. Deterministic: the same seed gives the same requests.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** Values that have broken servers: the database's limits, JSON's odd corners, sizes. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  0.5,
  1.5,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 53,
  1e308,
  -1e308,
  5e-324,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '😀',
  'x'.repeat(65),
  'x'.repeat(3000),
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2024-01-01T00:00:00+16:00',
  '2024-01-01T00:00:00-14:01',
  '2024-02-30T00:00:00Z',
  '2024-01-01T00:00:00.123456789Z',
  '2024-01-01',
  'NaN',
  '1e309',
  "'; DROP TABLE sessions; --",
  '../../etc/passwd',
  '%00',
  '__proto__',
  [],
  [null],
  [1, 2, 3],
  Array.from({ length: 700 }, () => 0),
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  { a: { b: { c: { d: { e: 'deep' } } } } },
];

/** A deep copy of JSON data. */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(at);
      if (out.length < 4000) paths(child, at, out);
    }
  }
  return out;
}

/**
 * Applies 1–3 random mutations to a copy of `body`: replace a value by a hostile one, delete a key, add an unknown
 * key, or duplicate an array item.
 */
export function mutateBody(random: Random, body: unknown): unknown {
  const copy = clone(body) as Record<string, unknown>;
  const rounds = 1 + Math.floor(random() * 3);
  for (let r = 0; r < rounds; r++) {
    const all = paths(copy);
    if (all.length === 0) return pick(random, HOSTILE_VALUES);
    const at = pick(random, all);
    let parent = copy as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const key = at[at.length - 1]!;
    const choice = random();
    if (choice < 0.6) parent[key] = clone(pick(random, HOSTILE_VALUES));
    else if (choice < 0.75 && !Array.isArray(parent)) delete parent[key];
    else if (choice < 0.85 && !Array.isArray(parent)) parent[`extra_${r}`] = pick(random, HOSTILE_VALUES);
    else if (Array.isArray(parent)) parent.push(clone(parent[key as number]));
    else parent[key] = [parent[key], parent[key]];
  }
  return copy;
}

/** Ids for path parameters: valid ones, reused ones, and ones the contract refuses. */
export function fuzzId(random: Random, known: readonly string[]): string {
  const choice = random();
  if (choice < 0.4 && known.length > 0) return pick(random, known);
  if (choice < 0.7) return `fz-${Math.floor(random() * 50)}`;
  return pick(random, [
    '',
    '-x',
    'a'.repeat(129),
    'a b',
    'a%00b',
    '%E2%80%AE',
    '..',
    'ü',
    'a/b',
    'a.b',
    '%2e%2e',
  ]);
}

/** Image bytes: a clean photo, its bit flips, truncations, prefixes, garbage and crafted files. */
export function mutateImage(random: Random, clean: Uint8Array, crafted: readonly Uint8Array[]): Uint8Array {
  const choice = random();
  if (choice < 0.15) return clean;
  if (choice < 0.3) return pick(random, crafted);
  const bytes = Uint8Array.from(clean);
  if (choice < 0.6) {
    const flips = 1 + Math.floor(random() * 8);
    // Flips near the start hit the headers; anywhere else, the entropy-coded data.
    for (let i = 0; i < flips; i++) {
      const at =
        random() < 0.7
          ? Math.floor(random() * Math.min(bytes.length, 700))
          : Math.floor(random() * bytes.length);
      bytes[at] = Math.floor(random() * 256);
    }
    return bytes;
  }
  if (choice < 0.8) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (choice < 0.9)
    return Uint8Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256));
  return Uint8Array.from([
    ...bytes.subarray(0, 4),
    ...Array.from({ length: 200 }, () => 0xff),
    ...bytes.subarray(4),
  ]);
}
