import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/**
 * Every setting the process reads from its environment. Validated once at start so a
 * typo fails loudly with the variable's name instead of surfacing as a runtime surprise.
 */
const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'Address to bind; the image sets 0.0.0.0' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  DATA_DIR: Type.String({ default: '.showrunner' }),
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329 }),
  QUEUE_PREFIX: Type.String({ default: 'showrunner', pattern: '^[a-z][a-z0-9_]*$' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  WEBHOOK_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 500,
    default: 4,
    description: 'Webhook jobs one worker process runs at once; each delivery holds a pool connection while it waits',
  }),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86400, default: 900 }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 600 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10000 }),
  SALES_REFRESH_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 60,
    description:
      'Selection re-learns from real orders at most once per this many seconds per tenant (a paid order, cancel, return or dispute shows in recommendations about this long after it commits)',
  }),
  RECOMMENDATION_CACHE: Type.Union([Type.Literal('on'), Type.Literal('candidates'), Type.Literal('off')], {
    default: 'on',
    description:
      'on keeps recommendation results and candidate lists in the process, candidates keeps only the candidate lists (every request ranks), off keeps nothing',
  }),
  TRANSCODER: Type.Union([Type.Literal('local'), Type.Literal('http')], {
    default: 'local',
    description: 'Who transcodes media: local runs ffmpeg in the worker, http hands jobs to TRANSCODER_URL',
  }),
  TRANSCODER_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TRANSCODER_SECRET: Type.Optional(
    Type.String({
      pattern: '^whsec_[A-Za-z0-9+/=]{24,}$',
      description: 'Standard Webhooks secret the transcoder signs its callbacks with',
    }),
  ),
  FFMPEG_PATH: Type.String({ default: 'ffmpeg' }),
  MEDIA_MAX_SOURCE_BYTES: Type.Integer({ minimum: 1, default: 2 * 1024 * 1024 * 1024 }),
  MEDIA_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 1800 }),
  INTERACTION_INBOX_RETENTION_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 90 * 86400,
    default: 86400,
    description:
      'How long a moved interaction stays in the inbox before the purge deletes it; a re-sent event_id is a no-op within this window',
  }),
})

export type Config = Static<typeof ConfigSchema> & { publicUrl: string }

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const integerKeys = new Set(
  Object.entries(ConfigSchema.properties)
    .filter(([, s]) => JSON.stringify(s).includes('"integer"'))
    .map(([k]) => k),
)

/** Reads and validates configuration; throws ConfigError naming every bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key]
    if (value === undefined || value === '') continue
    raw[key] = integerKeys.has(key) && /^-?\d+$/.test(value) ? Number(value) : value
  }
  const withDefaults = Value.Default(ConfigSchema, raw) as Record<string, unknown>
  const candidate: Record<string, unknown> = { ...withDefaults, ...overrides }
  const errors = Value.Errors(ConfigSchema, candidate)
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const name =
        e.instancePath.replace(/^\//, '') ||
        String(
          (e.params as { additionalProperties?: string[]; requiredProperties?: string[] }).requiredProperties?.[0] ??
            '?',
        )
      return `  ${name}=${JSON.stringify(env[name] ?? candidate[name])}: ${e.message}`
    })
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`)
  }
  // Value.Check above proved the shape; the converted record's static type does not show it.
  const cfg = candidate as unknown as Static<typeof ConfigSchema>
  // The HTTP transcoder is unusable without both: jobs would have nowhere to go, callbacks nothing to verify.
  if (cfg.TRANSCODER === 'http' && (!cfg.TRANSCODER_URL || !cfg.TRANSCODER_SECRET))
    throw new ConfigError(
      'invalid configuration:\n  TRANSCODER="http" needs TRANSCODER_URL and TRANSCODER_SECRET (a whsec_… secret)',
    )
  return { ...cfg, publicUrl: (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/$/, ''), ...overrides }
}
