import { Type, type Static } from 'typebox'
import { exampleId, exampleOf, Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

export const RowError = named(
  'RowError',
  Type.Object({
    line: Type.Integer({ description: '1-based line of the input file (CSV: counting the header)' }),
    errors: Type.Array(
      Type.Object({
        pointer: Type.String({ description: 'JSON Pointer into the row, e.g. /list_price; empty for the whole row' }),
        detail: Type.String({ description: 'What is wrong, for a person' }),
        field: Type.String({ description: 'The column the pointer names' }),
        code: Type.String({ description: 'e.g. type, required, format, not_found, duplicate, invalid_json' }),
      }),
    ),
  }),
  {
    line: 3,
    errors: [
      {
        pointer: '/list_price',
        detail: 'must be integer, got "39.90"',
        field: 'list_price',
        code: 'type',
      },
    ],
  },
)

export const Job = named(
  'Job',
  Type.Object({
    id: Id('job'),
    kind: Type.String({ description: 'e.g. products.import' }),
    state: StringEnum(['queued', 'running', 'succeeded', 'completed_with_errors', 'failed'] as const, {
      description:
        'queued → running → one of: succeeded (every row, or the whole task, went through); completed_with_errors (an import where some rows were written and others are listed in errors); failed (nothing could be processed: no row was valid, or the job stopped on an error, see failure_reason)',
    }),
    progress: Type.Object({
      total: Type.Union([Type.Integer(), Type.Null()]),
      processed: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
    }),
    result: Type.Unknown({
      description:
        'What the job produced. Imports: { succeeded, failed, dry_run }; with dry_run true nothing was written and the counts say what would have been',
    }),
    errors: Type.Array(ref(RowError), { description: 'Per-row error report (at most 1000 rows are listed)' }),
    failure_reason: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    finished_at: Type.Union([Timestamp, Type.Null()]),
  }),
  {
    id: exampleId('job'),
    kind: 'products.import',
    state: 'completed_with_errors',
    progress: { total: 120, processed: 120, succeeded: 119, failed: 1 },
    result: { succeeded: 119, failed: 1, dry_run: false },
    errors: [exampleOf(RowError)!],
    failure_reason: null,
    created_at: '2026-11-30T10:12:03.540Z',
    updated_at: '2026-11-30T10:12:09.118Z',
    finished_at: '2026-11-30T10:12:09.118Z',
  },
)
export const JobList = Page(Job)

/** A job as an upload's 202 answers it: queued, its rows counted, none processed yet. */
export function queuedJobExample(kind: string, total: number): Static<typeof Job> {
  const job = exampleOf(Job)!
  return {
    ...job,
    kind,
    state: 'queued',
    progress: { total, processed: 0, succeeded: 0, failed: 0 },
    result: null,
    errors: [],
    updated_at: job.created_at,
    finished_at: null,
  }
}
