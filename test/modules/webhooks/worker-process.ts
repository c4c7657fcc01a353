/**
 * A worker process for the fault tests: what `showrunner worker` runs (the runtime and every
 * module's workers and background work), configured from the environment, without the CLI
 * around it, so the tests do not depend on how the CLI handles signals.
 */
import pino from 'pino'
import { loadConfig } from '../../../src/config.js'
import { startRuntime, startWorkers } from '../../../src/runtime.js'

const config = loadConfig()
const log = pino({ level: config.LOG_LEVEL })
const runtime = await startRuntime(config, log, { migrate: false })
await startWorkers(runtime, log)
process.on('SIGTERM', () => {
  runtime.close().then(() => process.exit(0))
})
