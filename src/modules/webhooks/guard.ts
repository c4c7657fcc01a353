import type { RequestOptions } from 'node:https'
import ipaddr from 'ipaddr.js'
import { deliverySettings, type Resolver } from './settings.js'

/**
 * The SSRF guard. A webhook URL is resolved and every address it resolves to is checked;
 * the delivery then connects to the address that was checked (http.ts), so a DNS answer
 * that changes between check and connect (rebinding) has nothing to aim at.
 */

export type Destination = { url: URL; hostname: string; address: string; family: 4 | 6; loopback: boolean }
export class RefusedDestination extends Error {
  override name = 'RefusedDestination'
}

/** Why an address is not one a webhook may reach, or undefined when it is a public unicast address. */
export function refusalOf(address: string, opts: { allowLoopback: boolean }): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6
  try {
    ip = ipaddr.parse(address)
  } catch {
    return `${address} is not an IP address`
  }
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6
    const range = v6.range()
    // Addresses that carry an IPv4 address inside are judged by that address.
    if (range === 'ipv4Mapped') return refusalOf(v6.toIPv4Address().toString(), opts)
    if (range === 'rfc6052' || range === '6to4' || range === 'teredo') {
      const embedded = embeddedIPv4(v6, range)
      const inner = refusalOf(embedded, opts)
      return inner && `${address} embeds ${embedded} (${range}): ${inner}`
    }
    if (range === 'loopback' && opts.allowLoopback) return undefined
    return range === 'unicast' ? undefined : `${address} is a ${describe(range)} address`
  }
  const range = (ip as ipaddr.IPv4).range()
  if (range === 'loopback' && opts.allowLoopback) return undefined
  return range === 'unicast' ? undefined : `${address} is a ${describe(range)} address`
}

function embeddedIPv4(v6: ipaddr.IPv6, range: 'rfc6052' | '6to4' | 'teredo'): string {
  const bytes = v6.toByteArray()
  // NAT64 (64:ff9b::/96) ends with the address; 6to4 (2002::/16) holds it in bytes 2–5;
  // Teredo holds the client's address, inverted, in the last four bytes.
  const four =
    range === 'rfc6052' ? bytes.slice(12) : range === '6to4' ? bytes.slice(2, 6) : bytes.slice(12).map((b) => b ^ 0xff)
  return four.join('.')
}

const rangeNames: Record<string, string> = {
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (CGNAT)',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  reserved: 'reserved',
  uniqueLocal: 'unique-local (private)',
}
const describe = (range: string) => rangeNames[range] ?? `non-public (${range})`

/**
 * Checks a webhook URL and answers where to connect. The URL parser has already turned a
 * decimal, octal or hex spelling of an IPv4 address (`http://2130706433/`, `http://0x7f.1/`)
 * into its dotted form, so such a host is judged as the address it spells.
 */
export async function checkDestination(
  raw: string,
  opts: { allowLoopback: boolean; resolve: Resolver },
): Promise<Destination> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new RefusedDestination('is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RefusedDestination('must be http or https')
  if (url.username || url.password) throw new RefusedDestination('must not carry credentials')
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  let addresses: string[]
  if (ipaddr.isValid(hostname)) addresses = [hostname]
  else {
    try {
      addresses = await opts.resolve(hostname)
    } catch (err) {
      throw new RefusedDestination(`host ${hostname} could not be resolved (${(err as Error).message})`)
    }
    if (addresses.length === 0) throw new RefusedDestination(`host ${hostname} resolves to no address`)
  }
  // Every address must pass: connecting to the first is safe only if none is refused.
  for (const address of addresses) {
    const refusal = refusalOf(address, opts)
    if (refusal)
      throw new RefusedDestination(addresses[0] === hostname ? refusal : `host ${hostname} resolves to ${refusal}`)
  }
  const address = addresses[0]!
  const ip = ipaddr.process(address)
  return {
    url,
    hostname,
    address: ip.toString(),
    family: ip.kind() === 'ipv6' ? 6 : 4,
    loopback: ip.range() === 'loopback',
  }
}

/**
 * The request options that connect to the checked address and no other: no second DNS query
 * happens, while the URL's host stays in the Host header and is the TLS server name, so
 * certificates are checked against it. Callers add method, headers and agent.
 */
export function pinnedTo(destination: Destination): RequestOptions & { headers: { host: string } } {
  const { url } = destination
  return {
    protocol: url.protocol,
    hostname: destination.address,
    family: destination.family,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: { host: url.host },
    servername: url.protocol === 'https:' ? destination.hostname : undefined,
  }
}

/**
 * The check a webhook endpoint's URL passes, with this process's delivery settings (localhost
 * only in development mode), for other modules that send signed requests to a tenant's URL.
 */
export const checkDeliveryUrl = (raw: string): Promise<Destination> => checkDestination(raw, deliverySettings())
