/** CPU accounting from Linux /proc; elsewhere figures simply have no `cpu`. */
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'

export interface CpuSnapshot {
  at: number
  /** Busy jiffies over all CPUs (everything but idle and iowait). */
  busy: number
  /** irq + softirq jiffies and kernel threads' time: mostly loopback networking for our own traffic. */
  kernel: number
  server: number
  database: number
  self: number
  /** Every other user-space process: pid → command and ticks. */
  others: Map<number, { command: string; ticks: number }>
}

/** Percent of one CPU, averaged over the measured run. */
export interface CpuShares {
  server: number
  /** The bench database's PostgreSQL backends and redis-server. */
  database: number
  autocannon: number
  /** Interrupts and kernel threads (network stack, writeback). */
  kernel: number
  /** Every other process: well above zero means the machine was not quiet. */
  other: number
  /** The busiest of those other processes. */
  otherTop: { pid: number; command: string; pct: number }[]
  /** All CPUs busy, as percent of one CPU (max = 100 × CPUs). */
  total: number
  /**
   * CPU time per request in microseconds: the server process, and its database backends
   * plus Redis. Less sensitive to a busy machine than req/s.
   */
  perRequestUs: { server: number; database: number }
}

const HZ = 100
const PF_KTHREAD = 0x00200000

/** A /proc/<pid>/stat line's command and the fields after it (field 3 on: `f[11]` utime, `f[12]` stime). */
function statFields(stat: string): { comm: string; f: string[] } {
  const end = stat.lastIndexOf(')')
  return { comm: stat.slice(stat.indexOf('(') + 1, end), f: stat.slice(end + 2).split(' ') }
}

/** User + system CPU of `pids` in ms, from /proc (ticks are 10 ms); a process that is gone counts 0. */
export function cpuMsOf(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue
    }
    const { f } = statFields(stat)
    ticks += Number(f[11]) + Number(f[12])
  }
  return (ticks * 1000) / HZ
}

export async function cpuSnapshot(serverPid: number | undefined, backends: number[]): Promise<CpuSnapshot | undefined> {
  if (os.platform() !== 'linux') return undefined
  try {
    const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal …
    const busy = line.reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0)
    const snap: CpuSnapshot = {
      at: performance.now(),
      busy,
      kernel: (line[5] ?? 0) + (line[6] ?? 0),
      server: 0,
      database: 0,
      self: 0,
      others: new Map(),
    }
    const db = new Set(backends)
    for (const d of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(d)) continue
      const stat = await fs.readFile(`/proc/${d}/stat`, 'utf8').catch(() => '')
      if (!stat) continue
      const { comm, f } = statFields(stat)
      const ticks = Number(f[11]) + Number(f[12])
      const pid = Number(d)
      if (pid === serverPid) snap.server += ticks
      else if (pid === process.pid) snap.self += ticks
      else if (db.has(pid) || comm === 'redis-server') snap.database += ticks
      else if (Number(f[6]) & PF_KTHREAD) snap.kernel += ticks
      else snap.others.set(pid, { command: comm, ticks })
    }
    return snap
  } catch {
    return undefined
  }
}

export function cpuShares(a: CpuSnapshot, b: CpuSnapshot, requests: number): CpuShares {
  const seconds = (b.at - a.at) / 1000
  const pct = (ticks: number) => Math.round((ticks / HZ / seconds) * 100)
  const server = pct(b.server - a.server)
  const database = pct(b.database - a.database)
  const autocannon = pct(b.self - a.self)
  const kernel = pct(b.kernel - a.kernel)
  const total = pct(b.busy - a.busy)
  const perRequest = (ticks: number) => (requests > 0 ? Math.round(((ticks / HZ) * 1e6) / requests) : 0)
  const otherTop = [...b.others]
    .map(([pid, p]) => ({ pid, command: p.command, pct: pct(p.ticks - (a.others.get(pid)?.ticks ?? 0)) }))
    .filter((p) => p.pct >= 5)
    .sort((x, y) => y.pct - x.pct)
    .slice(0, 3)
  return {
    server,
    database,
    autocannon,
    kernel,
    other: Math.max(0, total - server - database - autocannon - kernel),
    otherTop,
    total,
    perRequestUs: { server: perRequest(b.server - a.server), database: perRequest(b.database - a.database) },
  }
}
