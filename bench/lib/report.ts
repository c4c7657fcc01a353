/** What a bench prints and writes: machine details, tables, JSON files. */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Figures } from './load.js'

export function machineInfo() {
  const cpus = os.cpus()
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  }
}

/** A fixed-width table; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ')
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n)
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
}

/** The usual columns for a set of measured targets. */
export function figuresTable(figures: Figures[]): string {
  const cpu = figures.some((f) => f.cpu)
  return formatTable(
    [
      'target',
      'req/s',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'mean ms',
      'errors',
      'non-2xx',
      ...(cpu ? ['cpu µs/req srv+db', 'cpu % srv/db/ac/kern/other'] : []),
    ],
    figures.map((f) => [
      f.name,
      Math.round(f.rps),
      f.latencyMs.p50,
      f.latencyMs.p97_5,
      f.latencyMs.p99,
      f.latencyMs.mean,
      f.errors + f.timeouts,
      f.non2xx,
      ...(cpu
        ? f.cpu
          ? [
              `${f.cpu.perRequestUs.server}+${f.cpu.perRequestUs.database}`,
              `${f.cpu.server}/${f.cpu.database}/${f.cpu.autocannon}/${f.cpu.kernel}/${f.cpu.other}`,
            ]
          : ['-', '-']
        : []),
    ]),
  )
}

export async function writeJson(file: string, data: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify(data, null, 2)}\n`)
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T
  } catch {
    return undefined
  }
}
