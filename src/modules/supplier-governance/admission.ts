import { eq } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { currentReputation } from './reputation.js'
import { findSupplier, recordSupplierDocuments, type SupplierRow, setSupplierStatus } from '../suppliers/index.js'
import { admissionCriteria, supplierApplications, type CriterionFailure } from './tables.js'
import type { CreateAdmissionCriteriaInput, UpdateAdmissionCriteriaInput } from './schemas.js'

const criteriaRepo = tenantRepository(admissionCriteria, 'admission criteria')
const applicationRepo = tenantRepository(supplierApplications, 'supplier application')
type CriteriaRow = typeof admissionCriteria.$inferSelect

const presentCriteria = (c: CriteriaRow) => ({
  id: c.id,
  name: c.name,
  required_documents: c.requiredDocuments,
  min_inspection_score: c.minInspectionScore,
  min_survey_score: c.minSurveyScore,
  min_reputation: c.minReputation,
  max_return_rate: c.maxReturnRate,
  max_dispute_rate: c.maxDisputeRate,
  allowed_kinds: c.allowedKinds as SupplierRow['kind'][] | null,
  allowed_brand_tiers: c.allowedBrandTiers as SupplierRow['brandTier'][] | null,
  active: c.active,
  version: c.version,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
})

const presentApplication = (a: typeof supplierApplications.$inferSelect) => ({
  id: a.id,
  supplier_id: a.supplierId,
  criteria_id: a.criteriaId,
  status: a.status,
  failures: a.failures as (CriterionFailure & { criterion: ReturnType<typeof presentCriterionName> })[],
  evidence: a.evidence,
  created_at: a.createdAt.toISOString(),
})
const presentCriterionName = (c: string) =>
  c as
    | 'required_documents'
    | 'min_inspection_score'
    | 'min_survey_score'
    | 'min_reputation'
    | 'max_return_rate'
    | 'max_dispute_rate'
    | 'allowed_kinds'
    | 'allowed_brand_tiers'

function criteriaColumns(input: Partial<CreateAdmissionCriteriaInput & UpdateAdmissionCriteriaInput>) {
  const map = {
    name: 'name',
    required_documents: 'requiredDocuments',
    min_inspection_score: 'minInspectionScore',
    min_survey_score: 'minSurveyScore',
    min_reputation: 'minReputation',
    max_return_rate: 'maxReturnRate',
    max_dispute_rate: 'maxDisputeRate',
    allowed_kinds: 'allowedKinds',
    allowed_brand_tiers: 'allowedBrandTiers',
    active: 'active',
  } as const
  const out: Record<string, unknown> = {}
  for (const [k, col] of Object.entries(map))
    if ((input as Record<string, unknown>)[k] !== undefined) out[col] = (input as Record<string, unknown>)[k]
  return out as Partial<typeof admissionCriteria.$inferInsert>
}

export function createCriteria(ctx: Ctx, input: CreateAdmissionCriteriaInput) {
  return inTenant(ctx, async (tx) => {
    const row = await criteriaRepo.insert(tx, {
      id: newId('criteria'),
      requiredDocuments: [],
      ...criteriaColumns(input),
      name: input.name,
    })
    await audit(tx, 'admission_criteria.created', { type: 'admission_criteria', id: row.id }, input)
    return presentCriteria(row)
  })
}

export function getCriteria(ctx: Ctx, id: string) {
  return criteriaRepo.read(ctx, id).then(presentCriteria)
}

export function listCriteria(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    return mapPage(criteriaRepo.list(tx, page), presentCriteria)
  })
}

export function updateCriteria(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: UpdateAdmissionCriteriaInput,
) {
  return inTenant(ctx, async (tx) => {
    const row = await criteriaRepo.update(tx, id, expectedVersion, criteriaColumns(input))
    await audit(tx, 'admission_criteria.updated', { type: 'admission_criteria', id }, input)
    return presentCriteria(row)
  })
}

/**
 * Checks a supplier against admission criteria and records the decision: admitted when
 * every rule holds, refused with each failed rule listed otherwise. Documents submitted
 * with the application are kept on file either way.
 */
export function applyForAdmission(ctx: Ctx, supplierId: string, input: { criteria_id: string; documents?: string[] }) {
  return inTenant(ctx, async (tx) => {
    const found = await findSupplier(tx, supplierId, { required: true })
    const criteria = await criteriaRepo.get(tx, input.criteria_id)
    if (!criteria.active)
      throw new AppError('unprocessable', `Admission criteria ${criteria.id} are no longer active.`, {
        errors: [{ pointer: '/body/criteria_id', detail: 'is not active' }],
      })
    const supplier = await recordSupplierDocuments(tx, found, input.documents ?? [])
    const documents = supplier.documents

    const rep = await currentReputation(tx, supplierId)
    const evidence = {
      documents,
      kind: supplier.kind,
      brand_tier: supplier.brandTier,
      inspection_score: rep.components.inspections,
      inspection_count: rep.components.inspection_count,
      survey_score: rep.components.surveys,
      reputation: rep.score,
      return_rate: rep.components.return_rate,
      dispute_rate: rep.components.dispute_rate,
      units_sold: rep.components.units_sold,
    }
    const failures = checkCriteria(criteria, evidence)
    const status = failures.length === 0 ? 'admitted' : 'refused'
    const application = await applicationRepo.insert(tx, {
      id: newId('application'),
      supplierId,
      criteriaId: criteria.id,
      status,
      failures,
      evidence,
    })
    await audit(
      tx,
      `supplier_application.${status}`,
      { type: 'supplier_application', id: application.id },
      { supplier_id: supplierId, criteria_id: criteria.id, failures },
    )
    if (status === 'admitted' && supplier.status !== 'admitted') {
      await setSupplierStatus(
        tx,
        supplierId,
        'admitted',
        { probationSince: null, eliminatedAt: null },
        { outcome: 'admitted', reason: `passed admission criteria ${criteria.id}`, reputationScore: rep.score },
      )
    }
    return presentApplication(application)
  })
}

type Evidence = {
  documents: string[]
  kind: string
  brand_tier: string
  inspection_score: number | null
  survey_score: number | null
  reputation: number | null
  return_rate: number | null
  dispute_rate: number | null
}

/** Every rule of the criteria that the evidence breaks; pure. Rates are only checked once there are sales to measure them. */
export function checkCriteria(c: CriteriaRow, e: Evidence): CriterionFailure[] {
  const failures: CriterionFailure[] = []
  const missing = c.requiredDocuments.filter((d) => !e.documents.includes(d))
  if (missing.length)
    failures.push({
      criterion: 'required_documents',
      detail: `missing documents: ${missing.join(', ')}`,
      expected: c.requiredDocuments,
      actual: e.documents,
    })
  const atLeast = (criterion: string, min: number | null, actual: number | null, what: string) => {
    if (min === null) return
    if (actual === null)
      failures.push({ criterion, detail: `no ${what} on record; at least ${min} is required`, expected: min, actual })
    else if (actual < min)
      failures.push({ criterion, detail: `${what} ${actual} is below the minimum ${min}`, expected: min, actual })
  }
  atLeast('min_inspection_score', c.minInspectionScore, e.inspection_score, 'inspection score')
  atLeast('min_survey_score', c.minSurveyScore, e.survey_score, 'survey score')
  atLeast('min_reputation', c.minReputation, e.reputation, 'reputation')
  const atMost = (criterion: string, max: number | null, actual: number | null, what: string) => {
    if (max !== null && actual !== null && actual > max)
      failures.push({ criterion, detail: `${what} ${actual} is above the maximum ${max}`, expected: max, actual })
  }
  atMost('max_return_rate', c.maxReturnRate, e.return_rate, 'return rate')
  atMost('max_dispute_rate', c.maxDisputeRate, e.dispute_rate, 'dispute rate')
  if (c.allowedKinds && !c.allowedKinds.includes(e.kind))
    failures.push({
      criterion: 'allowed_kinds',
      detail: `suppliers of kind ${e.kind} are not admitted`,
      expected: c.allowedKinds,
      actual: e.kind,
    })
  if (c.allowedBrandTiers && !c.allowedBrandTiers.includes(e.brand_tier))
    failures.push({
      criterion: 'allowed_brand_tiers',
      detail: `brand tier ${e.brand_tier} is not admitted`,
      expected: c.allowedBrandTiers,
      actual: e.brand_tier,
    })
  return failures
}

export function getApplication(ctx: Ctx, id: string) {
  return applicationRepo.read(ctx, id).then(presentApplication)
}

export function listApplications(ctx: Ctx, supplierId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findSupplier(tx, supplierId, { required: true })
    return mapPage(applicationRepo.list(tx, page, eq(supplierApplications.supplierId, supplierId)), presentApplication)
  })
}
