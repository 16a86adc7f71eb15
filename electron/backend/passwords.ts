import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// Account passwords (docs/security.md): scrypt (Node's crypto) with a random 16-byte salt per
// password; the cost is stored with the hash (`scrypt$N$r$p$salt$hash`, base64url), so a later,
// higher default does not lock out passwords set before it. The default below is what the app
// uses; tests pass a cheap cost into openBackend.

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number
  readonly r: number
  readonly p: number
}

/** 2^15 × 8 × 128 bytes = 32 MiB and some tens of milliseconds per check. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 }

const KEY_LENGTH = 32
const SALT_LENGTH = 16

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  }
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

export async function hashPassword(
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, cost)
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Parses a stored hash; null when it is not one this version wrote. */
function parse(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (
    ![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) ||
    (N & (N - 1)) !== 0 ||
    N > 2 ** 20 ||
    r > 32 ||
    p > 16
  )
    return null
  const salt = Buffer.from(parts[4]!, 'base64url')
  const key = Buffer.from(parts[5]!, 'base64url')
  return salt.length > 0 && key.length === KEY_LENGTH ? { cost: { N, r, p }, salt, key } : null
}

/** True when the password is the one the stored hash was made from (compared in constant time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored)
  if (!h) return false
  const key = await derive(password, h.salt, h.cost)
  return timingSafeEqual(key, h.key)
}

/**
 * A hash no password matches, at the given cost: a sign-in naming no account is checked against it,
 * so it takes as long as one naming an account (the answer does not tell which names exist).
 */
export async function decoyHash(cost: ScryptCost): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64url'), cost)
}
