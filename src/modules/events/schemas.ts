import { Type } from 'typebox'
import { Id, named, Page, PageQuery, Timestamp } from '../../lib/schemas.js'

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
  }),
)
export const EventList = Page(Event)
export const EventListQuery = Type.Object(
  {
    ...PageQuery.properties,
    type: Type.Optional(Type.String({ maxLength: 100, description: 'Only events of this type' })),
  },
  { additionalProperties: false },
)
