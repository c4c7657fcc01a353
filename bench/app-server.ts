/**
 * Child entry: the real Showrunner app (buildApp on startRuntime) on 127.0.0.1 and a free
 * port, plus the bench-only plugins it was given, registered before listen. Started by
 * `startAppChild()` in bench/lib/server.ts; stops when the parent says so or goes away.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyPluginAsync } from 'fastify'
import { BENCH_DIR } from './lib/paths.js'
import { childFailed, childInput, childReady, onStop, startShowrunner, type AppChildInput } from './lib/server.js'

async function main() {
  const input = childInput<AppChildInput>()
  const plugins: { plugin: FastifyPluginAsync<any>; options?: unknown }[] = []
  for (const p of input.plugins ?? []) {
    const mod = (await import(pathToFileURL(path.resolve(BENCH_DIR, p.module)).href)) as {
      default: FastifyPluginAsync<any>
    }
    plugins.push({ plugin: mod.default, options: p.options })
  }
  const running = await startShowrunner({ databaseUrl: input.databaseUrl, env: input.env, plugins })
  onStop(() => running.close())
  childReady(running.url, { pid: process.pid, dbPoolMax: running.config.DB_POOL_MAX })
}

main().catch(childFailed)
