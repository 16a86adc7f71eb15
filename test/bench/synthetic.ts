// Deterministic inputs shared by the benchmarks that build synthetic logs.

/** mulberry32: a seeded generator in [0, 1), so every run builds the same log. */
export function seededRandom(seed: number): () => number {
  let s = seed | 0
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Marie',
  'Lise',
  'Emmy',
  'Niels',
  'Rosalind',
  'Carl',
  'Hedy',
  'Tu',
  'Chien',
] as const

export const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Curie',
  'Meitner',
  'Noether',
  'Bohr',
  'Franklin',
  'Gauss',
  'Lamarr',
  'Youyou',
  'Wu',
] as const
