import path from 'node:path'
import type { Config } from '../../config.js'
import { systemResolver, type Resolver } from '../webhooks/index.js'

/**
 * What media work takes from its surroundings, set once per process from the configuration
 * (index.ts `configure`) and replaceable in tests. Until configured the address guard is on.
 */
export interface MediaSettings {
  transcoder: 'local' | 'http'
  transcoderUrl?: string
  transcoderSecret?: string
  /** Where the transcoder calls back: PUBLIC_URL + /v1/media/callbacks/{adapter}. */
  publicUrl: string
  /** Local renditions go to `<outputDir>/<media id>/`. */
  outputDir: string
  ffmpegPath: string
  maxSourceBytes: number
  timeoutMs: number
  /** Development mode may fetch sources from localhost; private addresses never. */
  allowLoopback: boolean
  resolve: Resolver
  /** Hand-offs tried before a media fails, and the first retry's delay (doubling after). */
  attempts: number
  backoffMs: number
}

let current: MediaSettings = {
  transcoder: 'local',
  publicUrl: 'http://localhost:3000',
  outputDir: path.resolve('.showrunner', 'media'),
  ffmpegPath: 'ffmpeg',
  maxSourceBytes: 2 * 1024 * 1024 * 1024,
  timeoutMs: 30 * 60_000,
  allowLoopback: false,
  resolve: systemResolver,
  attempts: 3,
  backoffMs: 2000,
}

export const mediaSettings = (): MediaSettings => current

export function configureMediaFrom(config: Config): void {
  current = {
    ...current,
    transcoder: config.TRANSCODER,
    transcoderUrl: config.TRANSCODER_URL,
    transcoderSecret: config.TRANSCODER_SECRET,
    publicUrl: config.publicUrl,
    outputDir: path.resolve(config.DATA_DIR, 'media'),
    ffmpegPath: config.FFMPEG_PATH,
    maxSourceBytes: config.MEDIA_MAX_SOURCE_BYTES,
    timeoutMs: config.MEDIA_TIMEOUT_SECONDS * 1000,
    allowLoopback: config.NODE_ENV === 'development',
  }
}

/** Replaces some settings; answers a function that restores the previous ones (for tests). */
export function configureMedia(change: Partial<MediaSettings>): () => void {
  const previous = current
  current = { ...current, ...change }
  return () => {
    current = previous
  }
}
