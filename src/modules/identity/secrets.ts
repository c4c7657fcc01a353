import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>

export function newClientSecret(): string {
  return `sk_${randomBytes(32).toString('base64url')}`
}

/**
 * SHA-256 of the secret. A client secret is 256 random bits, not a password: nobody can
 * search that space, so a slow or salted hash buys nothing and only lets anyone who knows a
 * client id burn CPU with wrong secrets. Plain SHA-256 rather than an HMAC with a server
 * key: the key would add nothing against a 2^256 search and would be one more secret whose
 * loss locks every client out.
 */
export function hashSecret(secret: string): string {
  return `sha256$${digest(secret).toString('base64url')}`
}

const digest = (secret: string) => createHash('sha256').update(secret).digest()

/** Stored before SHA-256; kept readable so existing clients keep working until their next token. */
export const isLegacyHash = (stored: string) => stored.startsWith('scrypt$')

/** Constant time in the secret: the comparison never stops at the first differing byte. */
export function verifySecret(secret: string, stored: string): boolean {
  const [alg, hash] = stored.split('$')
  if (alg !== 'sha256' || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = digest(secret)
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}

/** An scrypt hash from before SHA-256 (`scrypt$salt$hash`); verified once, then re-stored. */
export async function verifyLegacySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length)
  return timingSafeEqual(actual, expected)
}

/** The old format, for the test that proves existing clients still authenticate. */
export async function legacyHashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(secret, salt, 32)
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`
}
