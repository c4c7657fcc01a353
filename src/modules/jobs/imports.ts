import { parse } from 'csv-parse/sync'
import { Type, type TSchema, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import type { JobDefinition } from '../../lib/jobs.js'
import { Id } from '../../lib/schemas.js'
import {
  finishJob,
  isFinished,
  loadJob,
  markRunning,
  recordProgress,
  resetProgress,
  rowProblem,
  startJob,
  type FinishedJobState,
  type RowErrorReport,
} from './service.js'

export type ImportFormat = 'csv' | 'jsonl'
export interface ImportRow<T = Record<string, unknown>> {
  line: number
  record: T
}

/** The payload of an import job: its job row, and whether it only validates. */
export const ImportJobPayload = Type.Object({ jobId: Id('job'), dry_run: Type.Optional(Type.Boolean()) })

/**
 * Starts an import job for an uploaded file: the file is checked first (a bad file is refused
 * before any job exists), then the job resource is recorded and queued.
 */
export function startImport(
  ctx: Ctx,
  job: JobDefinition<Static<typeof ImportJobPayload>>,
  requiredColumns: string[],
  upload: { contentType: string | undefined; body: unknown; dryRun: boolean },
) {
  const checked = inspectUpload(upload.contentType, upload.body, requiredColumns)
  return startJob(ctx, job, {
    input: checked.input,
    inputFormat: checked.format,
    total: checked.total,
    payload: { dry_run: upload.dryRun },
  })
}

/** The `?dry_run=true` query of an import operation. */
export const ImportQuery = Type.Object(
  {
    dry_run: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Validate every row and report row errors without writing anything; the job ends as it would have, and its result says dry_run: true',
      }),
    ),
  },
  { additionalProperties: false },
)

/** A value of an import row as JSON lines carry it; CSV writes lists with `|` and objects as JSON text. */
export type ImportValue = string | number | boolean | string[] | Record<string, unknown>
const csvText = (v: ImportValue) =>
  Array.isArray(v) ? v.join('|') : typeof v === 'object' ? JSON.stringify(v) : String(v)

/** A CSV text of the header and example rows, for an import's template download. */
export function csvTemplate(columns: string[], examples: Record<string, ImportValue>[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
  return `${[columns, ...examples.map((e) => columns.map((c) => (e[c] === undefined ? '' : csvText(e[c]))))].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}

/** The same example rows as a file in each accepted media type: the request examples of an import operation. */
export function uploadExamples(columns: string[], examples: Record<string, ImportValue>[]): Record<string, string> {
  const jsonLines = examples.map((e) => `${JSON.stringify(e)}\n`).join('')
  return Object.fromEntries(
    Object.entries(importContentTypes).map(([type, format]) => [
      type,
      format === 'csv' ? csvTemplate(columns, examples) : jsonLines,
    ]),
  )
}

export const importContentTypes: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
}

/**
 * Checks an uploaded file before any job exists: the format must be known, CSV must
 * carry the required columns, and there must be at least one row. A bad file is refused
 * here; bad rows are reported per line by the job.
 */
export function inspectUpload(
  contentType: string | undefined,
  body: unknown,
  requiredColumns: string[],
): { format: ImportFormat; input: string; total: number } {
  const format = importContentTypes[(contentType ?? '').split(';')[0]!.trim().toLowerCase()]
  if (!format)
    throw new AppError('unsupported_media_type', 'Upload the file as text/csv or application/x-ndjson (JSON lines).')
  const input = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : ''
  const lines = input.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (format === 'csv') {
    let header: string[]
    try {
      header = (parse(lines[0] ?? '', { to_line: 1 }) as string[][])[0] ?? []
    } catch {
      throw new AppError('validation_failed', 'The CSV header line cannot be read.', {
        errors: [{ pointer: '/body', detail: 'unreadable CSV header' }],
      })
    }
    const missing = requiredColumns.filter((c) => !header.includes(c))
    if (missing.length)
      throw new AppError('validation_failed', `The CSV header lacks required columns: ${missing.join(', ')}.`, {
        errors: missing.map((c) => ({ pointer: '/body', detail: `missing column ${c}` })),
      })
    if (lines.length < 2)
      throw new AppError('validation_failed', 'The file has a header but no rows.', {
        errors: [{ pointer: '/body', detail: 'no rows' }],
      })
    return { format, input, total: lines.length - 1 }
  }
  if (lines.length === 0)
    throw new AppError('validation_failed', 'The file has no rows.', {
      errors: [{ pointer: '/body', detail: 'no rows' }],
    })
  return { format, input, total: lines.length }
}

function* readRows(format: ImportFormat, input: string): Generator<ImportRow<unknown> | RowErrorReport> {
  if (format === 'jsonl') {
    const lines = input.split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.trim()
      if (!text) continue
      try {
        yield { line: i + 1, record: JSON.parse(text) as unknown }
      } catch {
        yield { line: i + 1, errors: [rowProblem('', 'invalid_json', 'the line is not valid JSON')] }
      }
    }
    return
  }
  const records = parse(input, {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    trim: true,
  }) as { record: Record<string, string>; info: { lines: number } }[]
  for (const { record, info } of records) {
    // Empty CSV cells mean "not given", so optional fields fall back to their defaults.
    const cleaned = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''))
    yield { line: info.lines, record: cleaned }
  }
}

type JsonSchema = { type?: string | string[]; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema> }
// TypeBox schemas are plain JSON Schema objects at runtime; its static types do not say so.
const asJson = (s: TSchema) => s as unknown as JsonSchema
const types = (s: JsonSchema): string[] =>
  s.anyOf ? s.anyOf.flatMap(types) : Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * A CSV cell is text; it becomes the column's type only when the text is exactly a value
 * of that type. `39.90` in an integer column stays text and fails the check: nothing is
 * rounded or truncated. A column that accepts text (images, attributes) keeps its text.
 */
function convertCell(schema: JsonSchema | undefined, cell: unknown): unknown {
  if (typeof cell !== 'string' || !schema) return cell
  const accepted = types(schema)
  if (accepted.includes('string')) return cell
  if (accepted.includes('integer') && INTEGER.test(cell)) {
    const n = Number(cell)
    return Number.isSafeInteger(n) ? n : cell
  }
  if (accepted.includes('number') && DECIMAL.test(cell)) {
    const n = Number(cell)
    return Number.isFinite(n) ? n : cell
  }
  if (accepted.includes('boolean') && (cell === 'true' || cell === 'false')) return cell === 'true'
  return cell
}

const describe = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/**
 * Validates one record against a row schema. CSV cells are converted to the schema's
 * types only when they are exactly such a value; JSON lines are taken as written, so a
 * `39.9` for an integer column is a row error, never 39.
 */
export function checkRow<S extends TSchema>(
  schema: S,
  row: ImportRow<unknown>,
  format: ImportFormat = 'jsonl',
): { ok: true; row: ImportRow<Static<S>> } | { ok: false; report: RowErrorReport } {
  const record = Value.Clone(row.record)
  const properties = asJson(schema).properties ?? {}
  if (format === 'csv' && typeof record === 'object' && record !== null && !Array.isArray(record))
    for (const [key, cell] of Object.entries(record))
      (record as Record<string, unknown>)[key] = convertCell(properties[key], cell)
  const candidate = Value.Default(schema, record)
  if (Value.Check(schema, candidate)) return { ok: true, row: { line: row.line, record: candidate as Static<S> } }
  const errors = Value.Errors(schema, candidate).map((e) => {
    const params = e.params as { additionalProperties?: string[]; requiredProperties?: string[] }
    const field =
      e.instancePath.replace(/^\//, '').split('/')[0] ||
      params.requiredProperties?.[0] ||
      params.additionalProperties?.[0] ||
      ''
    const value =
      field && typeof candidate === 'object' && candidate !== null
        ? (candidate as Record<string, unknown>)[field]
        : undefined
    const detail = e.keyword === 'required' || value === undefined ? e.message : `${e.message}, got ${describe(value)}`
    return rowProblem(field, e.keyword, detail)
  })
  return { ok: false, report: { line: row.line, errors } }
}

/**
 * Runs an import job: rows are validated against `schema` and handed to `apply` in
 * batches, each in its own transaction, with progress recorded after every batch. A bad
 * row is reported and skipped; it never stops the good ones.
 */
export async function runImport<S extends TSchema>(
  ctx: Ctx,
  jobId: string,
  schema: S,
  apply: (ctx: Ctx, rows: ImportRow<Static<S>>[], dryRun: boolean) => Promise<RowErrorReport[]>,
  opts: {
    batchSize?: number
    onProgress?: (processed: number) => Promise<void>
    /** Runs after the last batch and before the job shows finished, so derived data is fresh by then; not on a dry run. */
    beforeFinish?: () => Promise<void>
    /** Validate and report only: `apply` is told to write nothing. */
    dryRun?: boolean
  } = {},
): Promise<{ succeeded: number; failed: number; dry_run: boolean }> {
  const dryRun = opts.dryRun ?? false
  const job = await loadJob(ctx, jobId)
  if (isFinished(job.state)) return { succeeded: job.succeeded, failed: job.failed, dry_run: dryRun }
  await markRunning(ctx, jobId)
  await resetProgress(ctx, jobId)
  const batchSize = opts.batchSize ?? 500
  let succeeded = 0
  let failed = 0
  let processed = 0
  let batch: ImportRow<Static<S>>[] = []
  let pendingErrors: RowErrorReport[] = []
  let pendingCount = 0

  const flush = async () => {
    const applyErrors = batch.length ? await apply(ctx, batch, dryRun) : []
    const errors = [...pendingErrors, ...applyErrors].sort((a, b) => a.line - b.line)
    const batchFailed = pendingErrors.length + applyErrors.length
    const batchSucceeded = batch.length - applyErrors.length
    succeeded += batchSucceeded
    failed += batchFailed
    processed += pendingCount
    await recordProgress(ctx, jobId, {
      processed: pendingCount,
      succeeded: batchSucceeded,
      failed: batchFailed,
      rowErrors: errors,
    })
    await opts.onProgress?.(processed)
    batch = []
    pendingErrors = []
    pendingCount = 0
  }

  try {
    const format = job.inputFormat ?? 'jsonl'
    for (const item of readRows(format, job.input ?? '')) {
      pendingCount++
      if ('errors' in item) pendingErrors.push(item)
      else {
        const checked = checkRow(schema, item, format)
        if (checked.ok) batch.push(checked.row)
        else pendingErrors.push(checked.report)
      }
      if (pendingCount >= batchSize) await flush()
    }
    if (pendingCount > 0) await flush()
  } catch (err) {
    await finishJob(ctx, jobId, {
      state: 'failed',
      failureReason: 'The import stopped on an unexpected error; the rows processed so far are kept.',
      result: { succeeded, failed, dry_run: dryRun },
    })
    throw err
  }
  if (!dryRun) await opts.beforeFinish?.()
  const result = { succeeded, failed, dry_run: dryRun }
  const state = importOutcome(succeeded, failed)
  await finishJob(ctx, jobId, {
    state,
    result,
    total: processed,
    ...(state === 'failed'
      ? { failureReason: `None of the ${failed} rows could be ${dryRun ? 'validated' : 'imported'}; see errors.` }
      : {}),
  })
  return result
}

/** `succeeded` only when every row went through; `failed` when none did. */
export const importOutcome = (succeeded: number, failed: number): FinishedJobState =>
  failed === 0 ? 'succeeded' : succeeded === 0 ? 'failed' : 'completed_with_errors'
