import pino, { type LevelWithSilent, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { Config } from '../config.js'

/** Where log lines go: process.stdout unless a test passes its own stream. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean }

/**
 * Human-readable lines only for a person watching a terminal in development; anything else
 * (production, tests, a pipe to a log collector, `> file`) gets pino's JSON, one object a line.
 */
export function wantsPrettyLogs(nodeEnv: Config['NODE_ENV'], destination: LogDestination = process.stdout): boolean {
  return nodeEnv === 'development' && destination.isTTY === true
}

interface RequestCompletedLine {
  res?: { method?: string; url?: string; statusCode?: number }
  responseTime?: number
  reqId?: string
}

/**
 * The process logger the CLI gives to the runtime and the app. In pretty mode a request is
 * one line, `GET /v1/apps 200 4ms (req_…)`: Fastify's "incoming request" line is dropped and
 * the completion line carries the method and URL (Fastify's own `res` serializer holds only
 * the status code).
 */
export function createLogger(
  config: { NODE_ENV: Config['NODE_ENV']; LOG_LEVEL: LevelWithSilent },
  opts: { level?: LevelWithSilent; destination?: LogDestination } = {},
): Logger {
  const level = opts.level ?? config.LOG_LEVEL
  const destination = opts.destination ?? process.stdout
  if (!wantsPrettyLogs(config.NODE_ENV, destination)) {
    return opts.destination ? pino({ level }, opts.destination) : pino({ level })
  }
  const stream = pretty({
    destination,
    colorize: destination.isTTY === true && !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime,reqId',
    messageFormat: (log, messageKey) => {
      const line = log as RequestCompletedLine
      const message = line.res?.method
        ? `${line.res.method} ${line.res.url} ${line.res.statusCode} ${Math.round(line.responseTime ?? 0)}ms`
        : String(log[messageKey] ?? '')
      return line.reqId ? `${message} (${line.reqId})` : message
    },
  })
  return pino(
    {
      level,
      hooks: {
        logMethod(args, method) {
          if (args[1] === 'incoming request') return
          // The error handler's note on a 4xx, folded into one line above the request's own.
          const refusal = args[0] as { code?: unknown; detail?: unknown } | undefined
          if (args[1] === 'request refused' && refusal?.code)
            return method.apply(this, [`refused: ${String(refusal.code)}: ${String(refusal.detail)}`])
          method.apply(this, args)
        },
      },
      serializers: {
        res: (reply: { statusCode?: number; request?: { method?: string; url?: string } }) => ({
          statusCode: reply.statusCode,
          method: reply.request?.method,
          url: reply.request?.url,
        }),
      },
    },
    stream,
  )
}
