import { and, asc, desc, gt, isNull, lte, or, sql } from 'drizzle-orm'
import { exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload, type CryptoKey } from 'jose'
import { createPrivateKey, randomUUID, sign as signDigest, type JsonWebKeyInput, type KeyObject } from 'node:crypto'
import type { Database } from '../../db/client.js'
import { signingKeys } from '../../db/schema.js'
import { newId } from '../../lib/ids.js'

const ALG = 'ES256'

/**
 * The active private key as a node:crypto KeyObject, with its JWS protected header already
 * encoded: signing is one synchronous `crypto.sign`, where jose's WebCrypto path costs a
 * promise chain and a thread-pool hop per token (most of the token endpoint's CPU).
 */
interface SigningKey {
  kid: string
  key: KeyObject
  encodedHeader: string
}
const CACHE_MS = 30_000
const base64url = (text: string) => Buffer.from(text).toString('base64url')
/** Verified tokens remembered until they expire; clients reuse one token for many calls. */
const VERIFIED_MAX = 10_000

/**
 * The key of the verified-token cache: the signature (86 characters) rather than the whole token
 * (hundreds), as the key is hashed on every request; a hit still needs the whole token to match.
 */
const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1)

export interface AccessTokenClaims {
  sub: string
  client_id: string
  scope: string
  org: string
  org_kind: string
  tenant: string
  ins?: string
}

/**
 * Signing keys live in the database so every API process signs and verifies with the same
 * set. A rotated-in key is published in the JWKS `leadSeconds` before it signs anything,
 * and a retired key stays published until every token it signed has expired.
 */
export class KeyStore {
  private cache?: { at: number; signing?: SigningKey; verify: Map<string, CryptoKey>; jwks: JWK[] }
  private readonly verified = new Map<string, { token: string; claims: JWTPayload & AccessTokenClaims }>()

  constructor(
    private readonly db: Database,
    private readonly opts: { issuer: string; audience: string; tokenTtlSeconds: number },
  ) {}

  /** Makes sure some key can sign now; called at start. */
  async ensureSigningKey(): Promise<void> {
    const [active] = await this.db
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(and(isNull(signingKeys.retiredAt), lte(signingKeys.activatesAt, sql`now()`)))
      .limit(1)
    if (!active) await this.addKey(0)
    this.cache = undefined
  }

  /** Adds a key that starts signing after `leadSeconds`; the older keys retire then. */
  async rotate(leadSeconds: number): Promise<{ kid: string; activatesAt: Date }> {
    const kid = await this.addKey(leadSeconds)
    this.cache = undefined
    const [row] = await this.db
      .select({ activatesAt: signingKeys.activatesAt })
      .from(signingKeys)
      .where(sql`${signingKeys.kid} = ${kid}`)
    return { kid, activatesAt: row!.activatesAt }
  }

  private async addKey(leadSeconds: number): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true })
    const kid = newId('signingKey')
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG }
    await this.db.transaction(async (tx) => {
      await tx.insert(signingKeys).values({
        kid,
        alg: ALG,
        publicJwk,
        privateJwk,
        activatesAt: sql`now() + make_interval(secs => ${leadSeconds})`,
      })
      // Older keys stop signing once the new one activates, but stay published (see load()).
      await tx
        .update(signingKeys)
        .set({ retiredAt: sql`now() + make_interval(secs => ${leadSeconds})` })
        .where(and(isNull(signingKeys.retiredAt), sql`${signingKeys.kid} <> ${kid}`))
    })
    return kid
  }

  private async load() {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(
        or(
          isNull(signingKeys.retiredAt),
          gt(signingKeys.retiredAt, sql`now() - make_interval(secs => ${this.opts.tokenTtlSeconds + 60})`),
        ),
      )
      .orderBy(desc(signingKeys.activatesAt))
    const now = Date.now()
    const verify = new Map<string, CryptoKey>()
    let signing: SigningKey | undefined
    for (const row of rows) {
      verify.set(row.kid, (await importJWK(row.publicJwk as JWK, ALG)) as CryptoKey)
      const active = row.activatesAt.getTime() <= now && (!row.retiredAt || row.retiredAt.getTime() > now)
      if (active && !signing)
        signing = {
          kid: row.kid,
          key: createPrivateKey({ key: row.privateJwk as JsonWebKeyInput['key'], format: 'jwk' }),
          encodedHeader: base64url(JSON.stringify({ alg: ALG, kid: row.kid, typ: 'at+jwt' })),
        }
    }
    this.cache = { at: now, signing, verify, jwks: rows.map((r) => r.publicJwk as JWK) }
    return this.cache
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.load()).jwks }
  }

  async sign(claims: AccessTokenClaims): Promise<{ token: string; expiresIn: number }> {
    let { signing } = await this.load()
    if (!signing) {
      // First token of a new deployment (or a cache older than an activation): make sure.
      await this.ensureSigningKey()
      signing = (await this.load()).signing
    }
    if (!signing) throw new Error('no active signing key')
    const ttl = this.opts.tokenTtlSeconds
    const iat = Math.floor(Date.now() / 1000)
    const payload = {
      ...claims,
      iss: this.opts.issuer,
      aud: this.opts.audience,
      iat,
      exp: iat + ttl,
      jti: randomUUID(),
    }
    // RFC 7515 compact serialization; RFC 7518 §3.4: an ES256 signature is R || S, 64 bytes, not DER.
    const input = `${signing.encodedHeader}.${base64url(JSON.stringify(payload))}`
    const signature = signDigest('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' })
    return { token: `${input}.${signature.toString('base64url')}`, expiresIn: ttl }
  }

  /**
   * Verifies signature, `typ`, `iss`, `aud` and expiry; `alg: none` never matches ES256.
   * A token already verified is only checked for expiry again: the signature cannot
   * change, and revocation is checked on every request by the caller, not here.
   */
  async verify(token: string): Promise<JWTPayload & AccessTokenClaims> {
    const known = this.verifiedClaims(token)
    if (known) return known
    const claims = await this.verifySignature(token)
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!)
    this.verified.set(signatureOf(token), { token, claims })
    return claims
  }

  /** The claims of a token this process verified already and that has not expired, without a promise. */
  verifiedClaims(token: string): (JWTPayload & AccessTokenClaims) | undefined {
    const key = signatureOf(token)
    const known = this.verified.get(key)
    if (!known) return undefined
    if (known.token === token && known.claims.exp! * 1000 > Date.now()) return known.claims
    if (known.token === token) this.verified.delete(key)
    return undefined
  }

  private async verifySignature(token: string): Promise<JWTPayload & AccessTokenClaims> {
    const getKey = async (header: { kid?: string }) => {
      let key = header.kid ? (await this.load()).verify.get(header.kid) : undefined
      if (!key && header.kid) {
        // A key rotated in by another process since our cache was filled.
        this.cache = undefined
        key = (await this.load()).verify.get(header.kid)
      }
      if (!key) throw new Error('unknown signing key')
      return key
    }
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: [ALG],
      typ: 'at+jwt',
      issuer: this.opts.issuer,
      audience: this.opts.audience,
    })
    return payload as JWTPayload & AccessTokenClaims
  }

  /** Keys in creation order, for operators. */
  async list() {
    return this.db
      .select({ kid: signingKeys.kid, activatesAt: signingKeys.activatesAt, retiredAt: signingKeys.retiredAt })
      .from(signingKeys)
      .orderBy(asc(signingKeys.createdAt))
  }
}
