import { parse } from 'csv-parse/sync'
import type { TSchema, Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { finishJob, loadJob, markRunning, recordProgress, resetProgress, type RowErrorReport } from './service.js'

export type ImportFormat = 'csv' | 'jsonl'
export interface ImportRow<T = Record<string, unknown>> {
  line: number
  record: T
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
        yield { line: i + 1, errors: [{ field: '', code: 'invalid_json', message: 'the line is not valid JSON' }] }
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

/** Validates one record against a row schema; CSV strings are converted to the schema's types first. */
export function checkRow<S extends TSchema>(
  schema: S,
  row: ImportRow<unknown>,
): { ok: true; row: ImportRow<Static<S>> } | { ok: false; report: RowErrorReport } {
  const candidate = Value.Default(schema, Value.Convert(schema, Value.Clone(row.record)))
  if (Value.Check(schema, candidate)) return { ok: true, row: { line: row.line, record: candidate as Static<S> } }
  const errors = Value.Errors(schema, candidate).map((e) => {
    const params = e.params as { additionalProperties?: string[]; requiredProperties?: string[] }
    const field =
      e.instancePath.replace(/^\//, '').replaceAll('/', '.') ||
      params.requiredProperties?.[0] ||
      params.additionalProperties?.[0] ||
      ''
    return { field, code: e.keyword, message: e.message }
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
  apply: (ctx: Ctx, rows: ImportRow<Static<S>>[]) => Promise<RowErrorReport[]>,
  opts: {
    batchSize?: number
    onProgress?: (processed: number) => Promise<void>
    /** Runs after the last batch and before the job shows `succeeded`, so derived data is fresh by then. */
    beforeFinish?: () => Promise<void>
  } = {},
): Promise<{ succeeded: number; failed: number }> {
  const job = await loadJob(ctx, jobId)
  if (job.state === 'succeeded' || job.state === 'failed') return { succeeded: job.succeeded, failed: job.failed }
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
    const applyErrors = batch.length ? await apply(ctx, batch) : []
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
    for (const item of readRows(job.inputFormat ?? 'jsonl', job.input ?? '')) {
      pendingCount++
      if ('errors' in item) pendingErrors.push(item)
      else {
        const checked = checkRow(schema, item)
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
      result: { succeeded, failed },
    })
    throw err
  }
  await opts.beforeFinish?.()
  await finishJob(ctx, jobId, { state: 'succeeded', result: { succeeded, failed }, total: processed })
  return { succeeded, failed }
}
