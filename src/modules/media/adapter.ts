import type { MediaOutputs } from './tables.js'

/** What an adapter gets of a media to transcode. */
export interface MediaForTranscode {
  id: string
  kind: 'recording' | 'clip'
  sourceUrl: string
  clip: { start_seconds: number; end_seconds: number } | null
}

/**
 * What a hand-off answers: the transcoder took the job and will call back (submitted), or the
 * work is done here and then (ready, with outputs).
 */
export type SubmitResult = { state: 'submitted'; externalId?: string } | { state: 'ready'; outputs: MediaOutputs }

export interface SubmitHooks {
  /** The adapter started working on the media itself (the local adapter, before ffmpeg runs). */
  processing(): Promise<void>
}

/**
 * A transcoder behind one interface. `verifyCallback` exists for adapters whose transcoder
 * calls back: it checks the raw body and headers and throws CallbackRefused unless the
 * transcoder signed them, recently.
 */
export interface TranscodeAdapter {
  readonly name: 'local' | 'http'
  submit(media: MediaForTranscode, hooks: SubmitHooks): Promise<SubmitResult>
  verifyCallback?(rawBody: string, headers: Record<string, string | string[] | undefined>): void
}

/** A hand-off failed; `permanent` when trying again cannot help (a 4xx from the transcoder, a source that is not media). */
export class TranscodeError extends Error {
  override name = 'TranscodeError'
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message)
  }
}

export class CallbackRefused extends Error {
  override name = 'CallbackRefused'
}
