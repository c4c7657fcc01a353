import { eq } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { findProduct } from '../catalog/index.js'
import { findSupplier } from '../suppliers/index.js'
import { inspections, reviewRatings, surveys } from './tables.js'
import type { CreateInspectionInput, CreateSurveyInput } from './schemas.js'

const inspectionRepo = tenantRepository(inspections, 'inspection')
const surveyRepo = tenantRepository(surveys, 'survey')

const presentInspection = (i: typeof inspections.$inferSelect) => ({
  id: i.id,
  supplier_id: i.supplierId,
  product_id: i.productId,
  inspected_on: i.inspectedOn,
  result: i.result,
  score: i.score,
  defects: i.defects,
  notes: i.notes,
  created_at: i.createdAt.toISOString(),
})

const presentSurvey = (s: typeof surveys.$inferSelect) => ({
  id: s.id,
  supplier_id: s.supplierId,
  product_id: s.productId,
  surveyed_on: s.surveyedOn,
  respondents: s.respondents,
  ratings: s.ratings,
  score: s.score,
  comments: s.comments,
  created_at: s.createdAt.toISOString(),
})

/** The supplier a quality record is about: the product's, or the one given; both must agree. */
async function subjectOf(
  tx: TxCtx,
  input: { supplier_id?: string; product_id?: string },
): Promise<{ supplierId: string; productId: string | null }> {
  if (input.product_id) {
    const product = await findProduct(tx, input.product_id)
    if (!product)
      throw new AppError('unprocessable', `No product with id ${input.product_id} exists.`, {
        errors: [{ pointer: '/body/product_id', detail: 'not found' }],
      })
    if (input.supplier_id && input.supplier_id !== product.supplierId) {
      throw new AppError(
        'unprocessable',
        `Product ${product.id} belongs to supplier ${product.supplierId}, not ${input.supplier_id}.`,
        { errors: [{ pointer: '/body/supplier_id', detail: 'does not supply the product' }] },
      )
    }
    return { supplierId: product.supplierId, productId: product.id }
  }
  if (!input.supplier_id)
    throw new AppError('validation_failed', 'Give product_id or supplier_id.', {
      errors: [{ pointer: '/body/supplier_id', detail: 'product_id or supplier_id is required' }],
    })
  if (!(await findSupplier(tx, input.supplier_id)))
    throw new AppError('unprocessable', `No supplier with id ${input.supplier_id} exists.`, {
      errors: [{ pointer: '/body/supplier_id', detail: 'not found' }],
    })
  return { supplierId: input.supplier_id, productId: null }
}

export function createInspection(ctx: Ctx, input: CreateInspectionInput) {
  return inTenant(ctx, async (tx) => {
    const subject = await subjectOf(tx, input)
    const row = await inspectionRepo.insert(tx, {
      id: newId('inspection'),
      ...subject,
      inspectedOn: input.inspected_on,
      result: input.result,
      score: input.score,
      defects: input.defects ?? [],
      notes: input.notes ?? null,
    })
    await audit(tx, 'inspection.created', { type: 'inspection', id: row.id }, input)
    return presentInspection(row)
  })
}

export function getInspection(ctx: Ctx, id: string) {
  return inspectionRepo.read(ctx, id).then(presentInspection)
}

export function listInspections(ctx: Ctx, query: PageRequest & { supplier_id?: string; product_id?: string }) {
  return inTenant(ctx, async (tx) => {
    return mapPage(
      inspectionRepo.list(
        tx,
        query,
        query.supplier_id ? eq(inspections.supplierId, query.supplier_id) : undefined,
        query.product_id ? eq(inspections.productId, query.product_id) : undefined,
      ),
      presentInspection,
    )
  })
}

/** Mean of the four 1–5 ratings mapped to 0–100 (1 → 0, 5 → 100). */
export function surveyScore(r: CreateSurveyInput['ratings']): number {
  const mean = (r.quality + r.description_match + r.logistics + r.service) / 4
  return Math.round(((mean - 1) / 4) * 10000) / 100
}

export function createSurvey(ctx: Ctx, input: CreateSurveyInput) {
  return inTenant(ctx, async (tx) => {
    const subject = await subjectOf(tx, input)
    const row = await surveyRepo.insert(tx, {
      id: newId('survey'),
      ...subject,
      surveyedOn: input.surveyed_on,
      respondents: input.respondents,
      ratings: input.ratings,
      score: surveyScore(input.ratings),
      comments: input.comments ?? null,
    })
    await audit(tx, 'survey.created', { type: 'survey', id: row.id }, input)
    return presentSurvey(row)
  })
}

export function getSurvey(ctx: Ctx, id: string) {
  return surveyRepo.read(ctx, id).then(presentSurvey)
}

export function listSurveys(ctx: Ctx, query: PageRequest & { supplier_id?: string; product_id?: string }) {
  return inTenant(ctx, async (tx) => {
    return mapPage(
      surveyRepo.list(
        tx,
        query,
        query.supplier_id ? eq(surveys.supplierId, query.supplier_id) : undefined,
        query.product_id ? eq(surveys.productId, query.product_id) : undefined,
      ),
      presentSurvey,
    )
  })
}

export interface ReviewRatingInput {
  /** The review's id: recording the same review twice keeps the first. */
  id: string
  supplierId: string
  productId: string
  rating: number
  ratedAt: Date
}

/**
 * A buyer's review of one order line becomes one survey respondent of the supplier, in the
 * reviewing transaction (the after-sales module calls this from its review.created hook).
 */
export async function recordReviewRating(tx: TxCtx, r: ReviewRatingInput): Promise<void> {
  await tx.tx
    .insert(reviewRatings)
    .values({
      tenantId: tx.tenantId,
      id: r.id,
      supplierId: r.supplierId,
      productId: r.productId,
      rating: r.rating,
      ratedOn: r.ratedAt.toISOString().slice(0, 10),
    })
    .onConflictDoNothing()
}
