import { Type } from 'typebox'
import { Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

export const RowError = named(
  'RowError',
  Type.Object({
    line: Type.Integer({ description: '1-based line of the input file (CSV: counting the header)' }),
    errors: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
  }),
)

export const Job = named(
  'Job',
  Type.Object({
    id: Id('job'),
    kind: Type.String({ description: 'e.g. products.import' }),
    state: StringEnum(['queued', 'running', 'succeeded', 'failed'] as const),
    progress: Type.Object({
      total: Type.Union([Type.Integer(), Type.Null()]),
      processed: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
    }),
    result: Type.Unknown(),
    errors: Type.Array(ref(RowError), { description: 'Per-row error report (at most 1000 rows are listed)' }),
    failure_reason: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    finished_at: Type.Union([Timestamp, Type.Null()]),
  }),
)
export const JobList = Page(Job)
