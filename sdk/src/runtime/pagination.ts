import type { Client } from '../generated/client/index.js'
import { ShowrunnerError } from './errors.js'

/** A page of a cursor-paginated list: `{ data, next_cursor }`. */
export interface ListPage<TItem> {
  data: TItem[]
  next_cursor: string | null
}

/** What `paginate` calls: any generated list operation (`listApps`, `listEvents`, …). */
export type PageFunction<TItem, TQuery> = (options: {
  client: Client
  query: TQuery
  throwOnError: true
  headers?: Record<string, string>
  signal?: AbortSignal
}) => Promise<{ data: ListPage<TItem> }>

/** The query a list operation takes, less `cursor` (which `paginate` manages). */
export type PageQuery<F> = F extends (options: infer O) => unknown
  ? NonNullable<O> extends { query?: infer Q }
    ? Omit<NonNullable<Q>, 'cursor'>
    : never
  : never

/** The item type of a list operation's pages. */
export type PageItem<F> = F extends (...args: never[]) => Promise<infer R>
  ? R extends { data: ListPage<infer T> }
    ? T
    : never
  : never

export interface PaginateOptions {
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Yields every item across pages, following `next_cursor` until it is null. */
export async function* paginate<F extends PageFunction<unknown, never>>(
  client: Client,
  fn: F,
  query?: PageQuery<F>,
  options: PaginateOptions = {},
): AsyncGenerator<PageItem<F>, void, undefined> {
  let cursor: string | undefined
  const seen = new Set<string>()
  do {
    const call = fn as unknown as PageFunction<PageItem<F>, Record<string, unknown>>
    const { data: page } = await call({
      ...options,
      client,
      throwOnError: true,
      query: { ...query, ...(cursor !== undefined ? { cursor } : {}) },
    })
    yield* page.data
    cursor = page.next_cursor ?? undefined
    // A server that hands back a cursor it already gave would loop forever; stop instead.
    if (cursor !== undefined) {
      if (seen.has(cursor)) throw new ShowrunnerError(`pagination returned cursor ${cursor} twice`)
      seen.add(cursor)
    }
  } while (cursor !== undefined)
}
