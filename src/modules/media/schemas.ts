import { Type, type Static } from 'typebox'
import { Body, exampleId, Id, named, Nullable, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { MEDIA_STATES } from './tables.js'

const Url = Type.String({ format: 'uri', maxLength: 2048 })

export const MediaRendition = named(
  'MediaRendition',
  Type.Object(
    {
      name: Type.String({ maxLength: 50, description: 'e.g. 720p' }),
      height: Type.Optional(Type.Integer({ minimum: 1 })),
      bandwidth: Type.Optional(Type.Integer({ minimum: 1, description: 'Bits per second the rendition needs' })),
      playlist_url: Url,
    },
    { additionalProperties: false },
  ),
  { name: '720p', height: 720, bandwidth: 2_800_000, playlist_url: 'https://cdn.example.com/media/720p/index.m3u8' },
)

export const MediaOutputs = named(
  'MediaOutputs',
  Type.Object(
    {
      renditions: Type.Array(ref(MediaRendition), { minItems: 1, maxItems: 20 }),
      master_playlist_url: Type.Optional(Url),
      poster_url: Type.Optional(Url),
      duration_seconds: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false, description: 'What the transcoder produced: HLS renditions and a poster frame' },
  ),
  {
    renditions: [
      {
        name: '720p',
        height: 720,
        bandwidth: 2_800_000,
        playlist_url: 'https://cdn.example.com/media/720p/index.m3u8',
      },
      { name: '360p', height: 360, bandwidth: 800_000, playlist_url: 'https://cdn.example.com/media/360p/index.m3u8' },
    ],
    master_playlist_url: 'https://cdn.example.com/media/master.m3u8',
    poster_url: 'https://cdn.example.com/media/poster.jpg',
    duration_seconds: 3605.2,
  },
)

export const ClipRange = Type.Object(
  {
    start_seconds: Type.Number({ minimum: 0 }),
    end_seconds: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false, description: 'The part of the source the clip keeps, in seconds from its start' },
)

const mediaId = exampleId('med')

export const Media = named(
  'Media',
  Type.Object(
    {
      id: Id('med'),
      session_id: Id('ses'),
      kind: StringEnum(['recording', 'clip'] as const),
      title: Nullable(Type.String()),
      source_url: Type.String(),
      clip: Nullable(ClipRange),
      state: StringEnum(MEDIA_STATES, {
        description: 'pending → submitted → processing → ready | failed; ready and failed are final',
      }),
      adapter: Nullable(StringEnum(['local', 'http'] as const)),
      attempts: Type.Integer({ description: 'Hand-offs tried so far' }),
      last_error: Nullable(Type.String({ description: 'Why the last attempt, or the transcoder, failed' })),
      outputs: Nullable(ref(MediaOutputs)),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A recording or clip of a live session, and its transcode' },
  ),
  {
    id: mediaId,
    session_id: exampleId('ses'),
    kind: 'recording',
    title: '双十二 tea night, full recording',
    source_url: 'https://recordings.example.com/2026-12-10/room-8.mp4',
    clip: null,
    state: 'ready',
    adapter: 'http',
    attempts: 1,
    last_error: null,
    outputs: {
      renditions: [
        {
          name: '720p',
          height: 720,
          bandwidth: 2_800_000,
          playlist_url: 'https://cdn.example.com/media/720p/index.m3u8',
        },
        {
          name: '360p',
          height: 360,
          bandwidth: 800_000,
          playlist_url: 'https://cdn.example.com/media/360p/index.m3u8',
        },
      ],
      master_playlist_url: 'https://cdn.example.com/media/master.m3u8',
      poster_url: 'https://cdn.example.com/media/poster.jpg',
      duration_seconds: 3605.2,
    },
    version: 4,
    created_at: '2026-12-10T14:35:02.118Z',
    updated_at: '2026-12-10T14:52:40.905Z',
  },
)
export const MediaList = Page(Media)

export const RegisterMedia = named(
  'RegisterMedia',
  Body({
    kind: StringEnum(['recording', 'clip'] as const),
    source_url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'http(s) URL of the source file; private, loopback and link-local addresses are refused',
    }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    clip: Type.Optional(ClipRange),
  }),
  {
    kind: 'recording',
    source_url: 'https://recordings.example.com/2026-12-10/room-8.mp4',
    title: '双十二 tea night, full recording',
  },
)

/** What a transcoder sends to POST /v1/media/callbacks/{adapter}, signed like a Standard Webhooks message. */
export const TranscoderCallback = named(
  'TranscoderCallback',
  Body({
    media_id: Id('med'),
    status: StringEnum(['processing', 'ready', 'failed'] as const),
    job_id: Type.Optional(Type.String({ maxLength: 200, description: 'The transcoder’s own id for the job' })),
    outputs: Type.Optional(ref(MediaOutputs)),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why it failed' })),
  }),
  {
    media_id: mediaId,
    status: 'ready',
    job_id: 'tj_8f2c41',
    outputs: {
      renditions: [
        {
          name: '720p',
          height: 720,
          bandwidth: 2_800_000,
          playlist_url: 'https://cdn.example.com/media/720p/index.m3u8',
        },
      ],
      poster_url: 'https://cdn.example.com/media/poster.jpg',
      duration_seconds: 3605.2,
    },
  },
)
export const CallbackReceipt = named(
  'CallbackReceipt',
  Type.Object({
    media_id: Id('med'),
    state: StringEnum(MEDIA_STATES),
    applied: Type.Boolean({ description: 'False when the media was already there or past it (a repeated callback)' }),
  }),
  { media_id: mediaId, state: 'ready', applied: true },
)

export type MediaView = Static<typeof Media>
export type RegisterMediaInput = Static<typeof RegisterMedia>
export type TranscoderCallbackInput = Static<typeof TranscoderCallback>
export type MediaOutputsView = Static<typeof MediaOutputs>
