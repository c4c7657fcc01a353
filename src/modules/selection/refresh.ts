import { eq, inArray, sql, type SQL } from 'drizzle-orm'
import { textArray } from '../catalog/sql.js'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { products } from '../catalog/tables.js'
import { anchorSales } from '../anchors/tables.js'
import { anchorSalesProfiles, productSalesStats } from './tables.js'
import { markSelectionChanged } from './state.js'
import {
  EXPOSURE_SMOOTHING_UNITS,
  MARGIN_REFERENCE_MAJOR,
  selectionSettings,
  UNSCORED_SUPPLIER_QUALITY,
} from './weights.js'

/** Sales history window for audience fit, exposure and supplier rates. */
export const HISTORY_DAYS = 90
/** Sales in this many days count as "sold recently" for near-duplicate penalties. */
export const RECENT_DAYS = 30
/** At most this many recently sold products per anchor are compared with candidates. */
export const RECENT_PRODUCTS = 60
/** Until anchor tiers exist: the top fifth of anchors by GMV in the window are "head" anchors (at least one, and only when two or more anchors sold). */
export const HEAD_ANCHOR_SHARE = 0.2

export type RefreshScope = { productIds: string[] } | { supplierId: string } | 'all'

/**
 * Recomputes the anchor-independent selection facts of products (eligibility, quality,
 * margin, long-term value, micro flag, head-anchor exposure) and their pre-score with the
 * tenant's weights, in one set-based statement. Called in the same transaction as every
 * change that moves them, so recommendations never see an eliminated supplier's products.
 * Raises the tenant's selection version first, so no cached recommendation outlives it.
 */
export async function refreshSelectionIndex(ctx: TxCtx, scope: RefreshScope): Promise<void> {
  if (scope !== 'all' && 'productIds' in scope && scope.productIds.length === 0) return
  await markSelectionChanged(ctx)
  const filter: SQL | undefined =
    scope === 'all'
      ? undefined
      : 'productIds' in scope
        ? inArray(products.id, scope.productIds)
        : eq(products.supplierId, scope.supplierId)
  const w = (await selectionSettings.values(ctx)).weights
  await ctx.tx.execute(sql`
    with base as (
      select products.tenant_id, products.id, products.supplier_id, products.category, products.title, products.list_price, products.currency,
        products.commission_rate, products.repurchase_rate, products.brand_tier, products.stock, s.reputation_score as reputation,
        (products.status = 'active' and products.stock > 0 and s.status in ('admitted', 'probation')) as eligible,
        coalesce(s.reputation_score / 100.0, ${UNSCORED_SUPPLIER_QUALITY}::float8) as quality,
        least(1.0, ln(1 + greatest(0, products.commission_rate * products.list_price / 100.0)) / ln(1 + ${MARGIN_REFERENCE_MAJOR}::float8)) as margin,
        coalesce(products.repurchase_rate, 0) as long_term_value,
        s.micro,
        coalesce(st.head_units, 0)::float8 / (coalesce(st.units, 0) + ${EXPOSURE_SMOOTHING_UNITS}) as over_exposure
      from products
      join suppliers s on s.tenant_id = products.tenant_id and s.id = products.supplier_id
      left join product_sales_stats st on st.tenant_id = products.tenant_id and st.id = products.id
      where ${scoped(ctx, products, filter)}
    )
    insert into selection_index (tenant_id, id, supplier_id, category, title, list_price, currency, commission_rate, repurchase_rate, brand_tier, stock, reputation,
      eligible, quality, margin, long_term_value, micro, over_exposure, prescore, updated_at)
    select tenant_id, id, supplier_id, category, title, list_price, currency, commission_rate, repurchase_rate, brand_tier, stock, reputation,
      eligible, quality, margin, long_term_value, micro, over_exposure,
      ${w.supplier_quality}::float8 * quality + ${w.expected_margin}::float8 * margin + ${w.long_term_value}::float8 * long_term_value
        + ${w.micro_supplier_boost}::float8 * (case when micro then 1 else 0 end) - ${w.exposure_fairness}::float8 * over_exposure,
      now()
    from base
    on conflict (tenant_id, id) do update set
      supplier_id = excluded.supplier_id, category = excluded.category, title = excluded.title, list_price = excluded.list_price,
      currency = excluded.currency, commission_rate = excluded.commission_rate, repurchase_rate = excluded.repurchase_rate,
      brand_tier = excluded.brand_tier, stock = excluded.stock, reputation = excluded.reputation, eligible = excluded.eligible, quality = excluded.quality,
      margin = excluded.margin, long_term_value = excluded.long_term_value, micro = excluded.micro,
      over_exposure = excluded.over_exposure, prescore = excluded.prescore, updated_at = excluded.updated_at
  `)
}

/** The tenant's head anchors: top HEAD_ANCHOR_SHARE by GMV over the window. */
export async function headAnchorIds(ctx: TxCtx): Promise<string[]> {
  const rows = await ctx.tx.execute<{ anchor_id: string }>(sql`
    with gmv as (
      select anchor_id, sum(amount) as g from anchor_sales
      where ${scoped(ctx, anchorSales, sql`sold_on >= current_date - ${HISTORY_DAYS}::int`)}
      group by anchor_id
    ), ranked as (select anchor_id, row_number() over (order by g desc, anchor_id) as rn, count(*) over () as n from gmv)
    select anchor_id from ranked where n >= 2 and rn <= greatest(1, ceil(n * ${HEAD_ANCHOR_SHARE}::float8))
  `)
  return rows.map((r) => r.anchor_id)
}

/**
 * Rebuilds per-product sales stats (units in the window, units through head anchors) and
 * per-anchor sales profiles from the sales history, then the whole selection index. Run after a sales import and by the
 * governance review.
 */
export async function refreshSalesStats(ctx: TxCtx): Promise<{ headAnchors: string[] }> {
  // Anchor profiles and exposure change: cached recommendations are stale from here on.
  await markSelectionChanged(ctx)
  const head = await headAnchorIds(ctx)
  await ctx.tx.delete(productSalesStats).where(scoped(ctx, productSalesStats))
  await ctx.tx.execute(sql`
    insert into product_sales_stats (tenant_id, id, units, head_units, anchors, refreshed_at)
    select anchor_sales.tenant_id, anchor_sales.product_id, sum(quantity)::int,
      coalesce(sum(quantity) filter (where anchor_id = any(${textArray(head)})), 0)::int,
      count(distinct anchor_id)::int, now()
    from anchor_sales
    where ${scoped(ctx, anchorSales, sql`sold_on >= current_date - ${HISTORY_DAYS}::int`, sql`exists (select 1 from products p where p.tenant_id = anchor_sales.tenant_id and p.id = anchor_sales.product_id)`)}
    group by anchor_sales.tenant_id, anchor_sales.product_id
  `)
  await ctx.tx.delete(anchorSalesProfiles).where(scoped(ctx, anchorSalesProfiles))
  await ctx.tx.execute(sql`
    insert into anchor_sales_profiles (tenant_id, id, category_units, recent, refreshed_at)
    select a.tenant_id, a.anchor_id,
      (select jsonb_object_agg(category, units) from (
        select category, sum(quantity)::int as units from anchor_sales x
        where x.tenant_id = a.tenant_id and x.anchor_id = a.anchor_id and x.sold_on >= current_date - ${HISTORY_DAYS}::int group by category) c),
      (select coalesce(jsonb_agg(jsonb_build_object('id', product_id, 'title', product_title, 'category', category)), '[]'::jsonb) from (
        select product_id, product_title, category from anchor_sales x
        where x.tenant_id = a.tenant_id and x.anchor_id = a.anchor_id and x.sold_on >= current_date - ${RECENT_DAYS}::int
        group by product_id, product_title, category order by max(sold_on) desc, sum(quantity) desc limit ${RECENT_PRODUCTS}) r),
      now()
    from (select distinct tenant_id, anchor_id from anchor_sales where ${scoped(ctx, anchorSales, sql`sold_on >= current_date - ${HISTORY_DAYS}::int`)}) a
  `)
  await refreshSelectionIndex(ctx, 'all')
  return { headAnchors: head }
}
