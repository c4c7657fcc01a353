/**
 * Graceful shutdown for the long-running commands. SIGTERM and SIGINT both drain: the HTTP
 * server stops accepting, in-flight requests and running jobs finish, pools close, and the
 * embedded PostgreSQL stops last. A fatal error drains too, then exits 1.
 *
 * Ctrl-C under `npm start` delivers SIGINT twice: once from the terminal to the whole
 * foreground process group, and once more from npm, which forwards SIGINT and SIGTERM to its
 * script. A repeat of the same signal within `repeatWindowMs` is therefore the same request;
 * a later one (a user pressing Ctrl-C again) stops at once with exit 1.
 */
export function onShutdown(
  opts: {
    timeoutMs: number
    log: { info(o: object, m: string): void; error(o: object, m: string): void }
    repeatWindowMs?: number
  },
  close: () => Promise<void>,
): void {
  const repeatWindowMs = opts.repeatWindowMs ?? 1000
  let first: { signal: string; at: number } | undefined

  const run = async (reason: { signal?: string; err?: unknown }) => {
    const timer = setTimeout(() => {
      opts.log.error({ timeoutMs: opts.timeoutMs }, 'shutdown took too long; exiting')
      process.exit(1)
    }, opts.timeoutMs)
    timer.unref()
    let code = reason.err ? 1 : 0
    try {
      await close()
    } catch (err) {
      opts.log.error({ err }, 'shutdown failed')
      code = 1
    }
    clearTimeout(timer)
    process.exit(code)
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = { signal, at: Date.now() }
      opts.log.info({ signal }, 'shutting down: draining requests and jobs')
      void run({ signal })
      return
    }
    if (signal === first.signal && Date.now() - first.at < repeatWindowMs) return
    opts.log.error({ signal }, 'second signal during shutdown; exiting now')
    process.exit(1)
  }

  const onFatal = (err: unknown) => {
    if (first) {
      opts.log.error({ err }, 'error during shutdown; exiting now')
      process.exit(1)
    }
    first = { signal: 'error', at: Date.now() }
    opts.log.error({ err }, 'shutting down after an error')
    void run({ err })
  }

  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, onSignal)
  process.on('uncaughtException', onFatal)
  process.on('unhandledRejection', onFatal)
}
