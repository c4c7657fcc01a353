import { Type } from 'typebox'
import { exampleId, Id, named, Page, PageQuery, Timestamp } from '../../lib/schemas.js'

export const Event = named(
  'Event',
  Type.Object({
    id: Id('evt'),
    type: Type.String(),
    occurred_at: Timestamp,
    tenant_id: Type.String(),
    resource: Type.Object({ type: Type.String(), id: Type.String(), version: Type.Integer() }),
    data: Type.Unknown(),
    request_id: Type.Union([Type.String(), Type.Null()]),
    sample: Type.Boolean({
      description: 'True for a sample asked for with POST /v1/webhook-samples: its data is the catalog example',
    }),
  }),
  {
    id: exampleId('evt'),
    type: 'supplier.admitted',
    occurred_at: '2026-11-29T06:30:12.904Z',
    tenant_id: exampleId('org'),
    resource: { type: 'supplier', id: exampleId('sup'), version: 2 },
    data: {
      supplier_id: exampleId('sup'),
      name: '云岭茶业 Yunling Tea',
      status: 'admitted',
      reputation_score: null,
      reason: `passed admission criteria ${exampleId('crt')}`,
    },
    request_id: exampleId('req', 2),
    sample: false,
  },
)
export const EventList = Page(Event)
export const EventListQuery = Type.Object(
  {
    ...PageQuery.properties,
    type: Type.Optional(Type.String({ maxLength: 100, description: 'Only events of this type' })),
  },
  { additionalProperties: false },
)
