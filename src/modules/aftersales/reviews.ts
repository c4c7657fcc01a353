import { and, eq, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { findProduct } from '../catalog/index.js'
import { findOrderOfItem } from '../orders/index.js'
import { findSupplier } from '../suppliers/index.js'
import { reviewCreated } from './changes.js'
import { isReviewable, REVIEWABLE_ORDER_STATUSES } from './rules.js'
import type { CreateReviewInput, ReviewQueryInput, ReviewSummaryView, ReviewView } from './schemas.js'
import { reviews } from './tables.js'

export const reviewRepo = tenantRepository(reviews, 'review')
type ReviewRow = typeof reviews.$inferSelect

export const presentReview = (r: ReviewRow): ReviewView => ({
  id: r.id,
  order_id: r.orderId,
  order_item_id: r.orderItemId,
  product_id: r.productId,
  sku_id: r.skuId,
  supplier_id: r.supplierId,
  anchor_id: r.anchorId,
  buyer_id: r.buyerId,
  rating: r.rating,
  text: r.text,
  version: r.version,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
})

/**
 * A review of one order line. The line is named in the body, so an unknown one (or another
 * tenant's) is a 404 pointing at `order_item_id`; an order not yet delivered is a 409 with its
 * status; a second review of the line is a 409 naming the first (`review_id`), also when two
 * race: the unique index decides and the loser reads the winner.
 */
export function createReview(ctx: Ctx, input: CreateReviewInput): Promise<ReviewView> {
  return inTenant(ctx, async (tx) => {
    const order = await findOrderOfItem(tx, input.order_item_id)
    const item = order?.items.find((i) => i.id === input.order_item_id)
    if (!order || !item)
      throw new AppError('not_found', `No order line with id ${input.order_item_id} exists.`, {
        errors: [{ pointer: '/body/order_item_id', detail: 'no such order line' }],
      })
    if (!isReviewable(order.status))
      throw new AppError(
        'conflict',
        `The order ${order.id} is ${order.status}; a line can be reviewed once its order is ${REVIEWABLE_ORDER_STATUSES.join(' or ')}.`,
        { extensions: { order_status: order.status } },
      )
    const product = await findProduct(tx, item.product_id)
    if (!product) throw notFound('product', item.product_id)
    const [row] = await tx.tx
      .insert(reviews)
      .values({
        tenantId: tx.tenantId,
        id: newId('review'),
        orderId: order.id,
        orderItemId: item.id,
        productId: item.product_id,
        skuId: item.sku_id,
        supplierId: product.supplierId,
        anchorId: order.anchor_id,
        buyerId: order.buyer_id,
        rating: input.rating,
        text: input.text ?? null,
      })
      .onConflictDoNothing({ target: [reviews.tenantId, reviews.orderItemId] })
      .returning()
    if (!row) {
      const [first] = await tx.tx
        .select({ id: reviews.id })
        .from(reviews)
        .where(scoped(tx, reviews, eq(reviews.orderItemId, item.id)))
      throw new AppError('conflict', `The order line ${item.id} already has a review: ${first?.id}.`, {
        extensions: { review_id: first?.id ?? null },
      })
    }
    const view = presentReview(row)
    await publish(tx, reviewCreated, view)
    await audit(tx, 'review.created', { type: 'review', id: row.id }, { order_item_id: item.id, rating: row.rating })
    return view
  })
}

export function getReview(ctx: Ctx, id: string): Promise<ReviewView> {
  return inTenant(ctx, async (tx) => presentReview(await reviewRepo.get(tx, id)))
}

/** Newest first, by product, supplier, anchor or order; keyset-paginated. */
export function listReviews(ctx: Ctx, q: ReviewQueryInput & PageRequest) {
  return inTenant(ctx, (tx) =>
    mapPage(
      reviewRepo.list(
        tx,
        q,
        and(
          q.product_id ? eq(reviews.productId, q.product_id) : undefined,
          q.supplier_id ? eq(reviews.supplierId, q.supplier_id) : undefined,
          q.anchor_id ? eq(reviews.anchorId, q.anchor_id) : undefined,
          q.order_id ? eq(reviews.orderId, q.order_id) : undefined,
        ),
      ),
      presentReview,
    ),
  )
}

export type ReviewSubject = ReviewSummaryView['subject']['type']

const subjectColumn = { product: reviews.productId, supplier: reviews.supplierId, anchor: reviews.anchorId }

async function subjectExists(tx: TxCtx, type: ReviewSubject, id: string): Promise<boolean> {
  if (type === 'product') return (await findProduct(tx, id)) !== undefined
  if (type === 'supplier') return (await findSupplier(tx, id)) !== undefined
  return (await findAnchor(tx, id)) !== undefined
}

/** Count, mean and distribution of a product's, supplier's or anchor's reviews in one aggregate. */
export function reviewSummary(ctx: Ctx, type: ReviewSubject, id: string): Promise<ReviewSummaryView> {
  return inTenant(ctx, async (tx) => {
    if (!(await subjectExists(tx, type, id))) throw notFound(type, id)
    const stars = (n: number) => sql<number>`(count(*) filter (where ${reviews.rating} = ${n}))::int`
    const [row] = await tx.tx
      .select({
        count: sql<number>`count(*)::int`,
        average: sql<number | null>`round(avg(${reviews.rating}), 2)::float8`,
        s1: stars(1),
        s2: stars(2),
        s3: stars(3),
        s4: stars(4),
        s5: stars(5),
      })
      .from(reviews)
      .where(scoped(tx, reviews, eq(subjectColumn[type], id)))
    return {
      subject: { type, id },
      count: row?.count ?? 0,
      average_rating: row?.average ?? null,
      distribution: {
        '1': row?.s1 ?? 0,
        '2': row?.s2 ?? 0,
        '3': row?.s3 ?? 0,
        '4': row?.s4 ?? 0,
        '5': row?.s5 ?? 0,
      },
    }
  })
}
