import { sql, type SQL } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { anchorSales, orderSales, salesCutovers } from './tables.js'

/** Sales history window for audience fit, exposure and supplier rates. */
export const HISTORY_DAYS = 90
/** Until anchor tiers exist: the top fifth of anchors by GMV in the window are "head" anchors (at least one, and only when two or more anchors sold). */
export const HEAD_ANCHOR_SHARE = 0.2

/**
 * The tenant's sales of the last `days` days as a subquery (tenant_id, anchor_id, product_id,
 * product_title, category, quantity, amount, currency, returned_quantity, disputes, sold_on),
 * for read models that aggregate them in one statement. Per anchor, imported history counts for
 * the days before its first paid order (sales_cutovers) and real orders from that day on, so a
 * sale is never counted from both; an anchor with no order yet has only its imported history.
 */
export function salesSql(tx: TxCtx, days: number): SQL {
  const since = sql`current_date - ${days}::int`
  return sql`(select tenant_id, anchor_id, product_id, product_title, category, quantity, amount, currency, returned_quantity, disputes, sold_on
    from ${anchorSales} where ${scoped(tx, anchorSales, sql`sold_on >= ${since}`)}
      and not exists (select 1 from ${salesCutovers} c where c.tenant_id = ${anchorSales.tenantId}
        and c.id = ${anchorSales.anchorId} and ${anchorSales.soldOn} >= c.first_order_on)
    union all
    select tenant_id, anchor_id, product_id, product_title, category, quantity, amount, currency, returned_quantity, disputes, sold_on
    from ${orderSales} where ${scoped(tx, orderSales, sql`sold_on >= ${since}`)})`
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
