/**
 * Summarises a V8 CPU profile (`BENCH_CPU_PROF=<dir>` writes one per server process) by
 * phase of a request: each sample is charged to the innermost frame on its stack that
 * belongs to a known phase (the auth plugin, the tenant transaction, drizzle, postgres.js,
 * the serializer, …), so a phase's share includes the library code it calls unless that
 * library is itself a phase.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [from-s to-s [requests]]
 *
 * `from-s`/`to-s` keep only the samples in that window (seconds since the profile
 * started), e.g. one target's measured seconds and not the app's start-up; `--timeline`
 * instead prints how busy each second was, to find the windows. With `requests` (the
 * requests answered in the window), each phase is also shown in µs of CPU per request.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Ordered: the first rule a frame matches names its phase. */
const PHASES: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_u, fn) => fn === '(idle)'],
  ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
  ['auth: JWT verify (jose)', (u) => u.includes('/node_modules/jose/')],
  ['auth: plugin (revocation lookup, scopes, ctx)', (u) => u.includes('/src/plugins/auth.ts')],
  ['rate limit (plugin, ioredis)', (u) => /\/(rate-limit\.ts|@fastify\/rate-limit|ioredis|redis-parser)\b/.test(u)],
  ['serialization (fast-json-stringify)', (u) => u.includes('/fast-json-stringify/')],
  ['validation (ajv)', (u) => u.includes('/node_modules/ajv')],
  ['logging (pino)', (u) => u.includes('/node_modules/pino')],
  ['drizzle (query building, row mapping)', (u) => u.includes('/drizzle-orm/')],
  ['postgres.js (protocol)', (u) => u.includes('/node_modules/postgres/')],
  ['tenant transaction (src/db)', (u) => u.includes('/src/db/')],
  ['request id (typeid)', (u) => u.includes('/typeid-js/') || u.includes('/uuidv7')],
  ['app code (src/)', (u) => u.includes('/src/')],
  [
    'fastify (routing, hooks, reply)',
    (u) => /\/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request)\//.test(u),
  ],
]
const NODE_PHASES: typeof PHASES = [
  ['node: http, net, streams', (u) => /^node:(_http|http|net|stream|internal\/(http|net|stream|streams))/.test(u)],
]

function summarise(file: string, from = 0, to = Number.POSITIVE_INFINITY, requests?: number) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  // Node's own frames (sockets, streams, timers) are charged to the library that called
  // them, so a socket write made by postgres.js counts as postgres.js; only what no
  // library on the stack asked for stays with node.
  const phaseOf = new Map<number, string | null>()
  const libraryPhase = (id: number): string | null => {
    if (phaseOf.has(id)) return phaseOf.get(id)!
    const { url, functionName } = byId.get(id)!.callFrame
    const own = PHASES.find(([, test]) => test(url, functionName))?.[0]
    const up = parent.get(id)
    const phase = own ?? (up === undefined ? null : libraryPhase(up))
    phaseOf.set(id, phase)
    return phase
  }
  const classify = (id: number): string => {
    const phase = libraryPhase(id)
    if (phase) return phase
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame
      const own = NODE_PHASES.find(([, test]) => test(url, functionName))?.[0]
      if (own) return own
    }
    return 'other (node internals, program)'
  }
  const totals = new Map<string, number>()
  let all = 0
  let clock = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    clock += dt
    if (clock < from * 1e6 || clock >= to * 1e6) return
    all += dt
    const phase = classify(id)
    totals.set(phase, (totals.get(phase) ?? 0) + dt)
  })
  const busy = all - (totals.get('idle') ?? 0)
  const rows = [...totals].filter(([p]) => p !== 'idle').sort((a, b) => b[1] - a[1])
  console.log(`${file}\n  ${(all / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy`)
  for (const [phase, us] of rows) {
    const share = `${((us / busy) * 100).toFixed(1)} %`.padStart(7)
    const perRequest = requests ? `  ${(us / requests).toFixed(1).padStart(7)} µs/request` : ''
    console.log(`  ${share}${perRequest}  ${phase}`)
  }
}

function timeline(file: string) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
  const seconds: { all: number; idle: number }[] = []
  let clock = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    clock += dt
    const second = Math.floor(clock / 1e6)
    seconds[second] ??= { all: 0, idle: 0 }
    const s = seconds[second]
    s.all += dt
    if (idleIds.has(id)) s.idle += dt
  })
  console.log(seconds.map((s, i) => `${i}s ${Math.round(100 - (s.idle / s.all) * 100)}%`).join('  '))
}

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
if (!file)
  throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [from-s to-s [requests]] | --timeline')
if (args.includes('--timeline')) timeline(file)
else {
  const [from, to, requests] = args.filter((a) => a !== file).map(Number)
  summarise(file, from, to, requests)
}
