import { sql, type SQL } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { anchorSales } from './tables.js'

/** Sales history window for audience fit, exposure and supplier rates. */
export const HISTORY_DAYS = 90
/** Until anchor tiers exist: the top fifth of anchors by GMV in the window are "head" anchors (at least one, and only when two or more anchors sold). */
export const HEAD_ANCHOR_SHARE = 0.2

/**
 * The tenant's sales of the last `days` days as a subquery (tenant_id, anchor_id, product_id,
 * product_title, category, quantity, amount, currency, returned_quantity, disputes, sold_on),
 * for read models that aggregate them in one statement. Per anchor, imported history counts for
 * the days before its first paid order (later imported rows are `superseded`) and real orders
 * from that day on, so a sale is never counted from both; an anchor with no order yet has only
 * its imported history. One plain scan of one table, so consumers' joins push into it.
 */
export function salesSql(tx: TxCtx, days: number): SQL {
  return sql`(select tenant_id, anchor_id, product_id, product_title, category, quantity, amount, currency, returned_quantity, disputes, sold_on
    from ${anchorSales} where ${scoped(tx, anchorSales, sql`sold_on >= current_date - ${days}::int`, sql`not superseded`)})`
}

/** The tenant's head anchors: top HEAD_ANCHOR_SHARE by GMV over the window. */
export async function headAnchorIds(tx: TxCtx): Promise<string[]> {
  const rows = await tx.tx.execute<{ anchor_id: string }>(sql`
    with gmv as (
      select anchor_id, sum(amount) as g from ${salesSql(tx, HISTORY_DAYS)} s
      group by anchor_id
    ), ranked as (select anchor_id, row_number() over (order by g desc, anchor_id) as rn, count(*) over () as n from gmv)
    select anchor_id from ranked where n >= 2 and rn <= greatest(1, ceil(n * ${HEAD_ANCHOR_SHARE}::float8))
  `)
  return rows.map((r) => r.anchor_id)
}
