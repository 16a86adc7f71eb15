// Row <-> domain conversions shared by every query file.

/** SQLite 0/1/NULL to boolean/null: NULL stays "unknown", it never becomes false. */
export function toBool(v: number | null): boolean | null {
  return v === null ? null : v === 1
}

export function fromBool(v: boolean | null): number | null {
  return v === null ? null : v ? 1 : 0
}
