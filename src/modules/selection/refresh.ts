import { sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { textArray } from '../../lib/sql.js'
import { productFactsSql, type ProductScope } from '../catalog/index.js'
import { HISTORY_DAYS, headAnchorIds, salesSql } from '../sales/index.js'
import { supplierFactsSql } from '../suppliers/index.js'
import { anchorSalesProfiles, productSalesStats } from './tables.js'
import { type ChangeScope, markSelectionChanged } from './state.js'
import {
  EXPOSURE_SMOOTHING_UNITS,
  MARGIN_REFERENCE_MAJOR,
  selectionSettings,
  UNSCORED_SUPPLIER_QUALITY,
} from './weights.js'

/** Sales in this many days count as "sold recently" for near-duplicate penalties. */
export const RECENT_DAYS = 30
/** At most this many recently sold products per anchor are compared with candidates. */
export const RECENT_PRODUCTS = 60
export type RefreshScope = ProductScope

/**
 * Recomputes the anchor-independent selection facts of products (eligibility, quality,
 * margin, long-term value, micro flag, head-anchor exposure) and their pre-score with the
 * tenant's weights, in one set-based statement. Called in the same transaction as every
 * change that moves them, so recommendations never see an eliminated supplier's products.
 * Logs a selection change first, so no cached recommendation outlives it.
 */
export async function refreshSelectionIndex(ctx: TxCtx, scope: RefreshScope): Promise<void> {
  if (scope !== 'all' && 'productIds' in scope && scope.productIds.length === 0) return
  await markSelectionChanged(ctx, ...changeOf(scope))
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
      from ${productFactsSql(ctx, scope)} products
      join ${supplierFactsSql(ctx)} s on s.tenant_id = products.tenant_id and s.id = products.supplier_id
      left join product_sales_stats st on st.tenant_id = products.tenant_id and st.id = products.id
    )
    insert into selection_index (tenant_id, id, supplier_id, category, title, list_price, currency, commission_rate, repurchase_rate, brand_tier, stock, reputation,
      eligible, quality, margin, long_term_value, micro, over_exposure, prescore, updated_at)
    select tenant_id, id, supplier_id, category, title, list_price, currency, commission_rate, repurchase_rate, brand_tier, stock, reputation,
      eligible, quality, margin, long_term_value, micro, over_exposure,
      ${w.supplier_quality}::float8 * quality + ${w.expected_margin}::float8 * margin + ${w.long_term_value}::float8 * long_term_value
        + ${w.micro_supplier_boost}::float8 * (case when micro then 1 else 0 end) - ${w.exposure_fairness}::float8 * over_exposure,
      now()
    from base
    -- Index rows are locked in one order by every refresh, so two refreshes of overlapping
    -- products (a supplier's and the whole tenant's) wait for each other, never deadlock.
    order by tenant_id, id
    on conflict (tenant_id, id) do update set
      supplier_id = excluded.supplier_id, category = excluded.category, title = excluded.title, list_price = excluded.list_price,
      currency = excluded.currency, commission_rate = excluded.commission_rate, repurchase_rate = excluded.repurchase_rate,
      brand_tier = excluded.brand_tier, stock = excluded.stock, reputation = excluded.reputation, eligible = excluded.eligible, quality = excluded.quality,
      margin = excluded.margin, long_term_value = excluded.long_term_value, micro = excluded.micro,
      over_exposure = excluded.over_exposure, prescore = excluded.prescore, updated_at = excluded.updated_at
  `)
}

const changeOf = (scope: RefreshScope): [ChangeScope, string?] =>
  scope === 'all'
    ? ['all']
    : 'productIds' in scope
      ? ['products', scope.productIds.length === 1 ? scope.productIds[0] : undefined]
      : ['supplier', scope.supplierId]

/**
 * Rebuilds per-product sales stats (units in the window, units through head anchors) and
 * per-anchor sales profiles from the sales history, then the whole selection index. Run after a sales import and by the
 * governance review.
 */
export async function refreshSalesStats(ctx: TxCtx): Promise<{ headAnchors: string[] }> {
  // Two rebuilds at once (a review, an import, sales' refresh job) would each delete, then both
  // insert the same keys: the second waits for the first instead of failing on a duplicate.
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`selection-sales:${ctx.tenantId}`}, 0))`)
  // Anchor profiles and exposure change: cached recommendations are stale from here on.
  await markSelectionChanged(ctx, 'sales')
  const head = await headAnchorIds(ctx)
  await ctx.tx.delete(productSalesStats).where(scoped(ctx, productSalesStats))
  await ctx.tx.execute(sql`
    insert into product_sales_stats (tenant_id, id, units, head_units, anchors, refreshed_at)
    select anchor_sales.tenant_id, anchor_sales.product_id, sum(quantity)::int,
      coalesce(sum(quantity) filter (where anchor_id = any(${textArray(head)})), 0)::int,
      count(distinct anchor_id)::int, now()
    from ${salesSql(ctx, HISTORY_DAYS)} anchor_sales
    where exists (select 1 from ${productFactsSql(ctx)} p where p.tenant_id = anchor_sales.tenant_id and p.id = anchor_sales.product_id)
    group by anchor_sales.tenant_id, anchor_sales.product_id
  `)
  await ctx.tx.delete(anchorSalesProfiles).where(scoped(ctx, anchorSalesProfiles))
  await ctx.tx.execute(sql`
    insert into anchor_sales_profiles (tenant_id, id, category_units, recent, refreshed_at)
    select a.tenant_id, a.anchor_id,
      (select jsonb_object_agg(category, units) from (
        select category, sum(quantity)::int as units from ${salesSql(ctx, HISTORY_DAYS)} x
        where x.anchor_id = a.anchor_id group by category) c),
      (select coalesce(jsonb_agg(jsonb_build_object('id', product_id, 'title', product_title, 'category', category)), '[]'::jsonb) from (
        select product_id, product_title, category from ${salesSql(ctx, RECENT_DAYS)} x
        where x.anchor_id = a.anchor_id
        group by product_id, product_title, category order by max(sold_on) desc, sum(quantity) desc limit ${RECENT_PRODUCTS}) r),
      now()
    from (select distinct tenant_id, anchor_id from ${salesSql(ctx, HISTORY_DAYS)} s) a
  `)
  await refreshSelectionIndex(ctx, 'all')
  return { headAnchors: head }
}
