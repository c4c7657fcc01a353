import { spawn } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { TranscodeError, type MediaForTranscode, type TranscodeAdapter } from './adapter.js'
import { downloadSource } from './download.js'
import type { MediaSettings } from './settings.js'
import type { MediaOutputs, Rendition } from './tables.js'

const STDERR_KEEP = 4000
/** The ladder, tallest first; a source gets the rungs not taller than itself, and at least the smallest. */
const LADDER = [
  { name: '720p', height: 720, bandwidth: 2_800_000, videoBitrate: '2500k' },
  { name: '360p', height: 360, bandwidth: 800_000, videoBitrate: '700k' },
] as const

export class ToolMissing extends TranscodeError {}

/**
 * Runs a program with an argument array (never a shell), a time limit, and the tail of its
 * stderr kept for the error it becomes.
 */
export function run(program: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    // Our own timer rather than spawn's `timeout`, which is left running when the program cannot start.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-STDERR_KEEP)
    })
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (err.code === 'ENOENT')
        reject(
          new ToolMissing(
            `${program} is not installed, so the local transcoder cannot run (apt-get install ffmpeg, or set TRANSCODER=http)`,
            true,
          ),
        )
      else reject(new TranscodeError(`${program} could not start: ${err.message}`, false))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve(stdout)
      const last = stderr.trim().split('\n').slice(-3).join(' | ')
      if (signal)
        return reject(
          new TranscodeError(`${path.basename(program)} was stopped (${signal}) after the time limit`, false),
        )
      // ffmpeg's exit status does not tell a bad input from a passing trouble; a bad input fails the same way every time.
      reject(new TranscodeError(`${path.basename(program)} exited with code ${code}: ${last}`, true))
    })
  })
}

interface Probe {
  height?: number
  duration?: number
  hasAudio: boolean
}

async function probe(ffprobe: string, file: string, timeoutMs: number): Promise<Probe> {
  const out = await run(
    ffprobe,
    ['-v', 'error', '-show_entries', 'stream=codec_type,height:format=duration', '-of', 'json', file],
    timeoutMs,
  )
  const info = JSON.parse(out) as {
    streams?: { codec_type?: string; height?: number }[]
    format?: { duration?: string }
  }
  const video = info.streams?.find((s) => s.codec_type === 'video')
  if (!video) throw new TranscodeError('the source has no video stream', true)
  const duration = Number(info.format?.duration)
  return {
    height: video.height,
    duration: Number.isFinite(duration) ? duration : undefined,
    hasAudio: Boolean(info.streams?.some((s) => s.codec_type === 'audio')),
  }
}

export function ladderFor(height: number | undefined) {
  const fitting = LADDER.filter((r) => height === undefined || r.height <= height)
  return fitting.length ? fitting : [LADDER[LADDER.length - 1]!]
}

/**
 * Transcodes on this machine with ffmpeg: the source (downloaded first when it is a URL) becomes
 * HLS renditions and a poster frame in `<outputDir>/<media id>/`. Synchronous from the queue's
 * point of view: the job's submit answers ready with the outputs.
 */
export function localAdapter(settings: MediaSettings): TranscodeAdapter {
  const ffprobe = path.join(path.dirname(settings.ffmpegPath), 'ffprobe')
  const ffprobePath = settings.ffmpegPath.includes('/') ? ffprobe : 'ffprobe'
  return {
    name: 'local',
    async submit(media: MediaForTranscode, hooks) {
      const dir = path.join(settings.outputDir, media.id)
      await rm(dir, { recursive: true, force: true })
      await mkdir(dir, { recursive: true })
      const source = path.join(dir, 'source')
      await hooks.processing()
      const deadline = Date.now() + settings.timeoutMs
      const left = () => Math.max(1000, deadline - Date.now())
      try {
        await downloadSource(media.sourceUrl, source, {
          allowLoopback: settings.allowLoopback,
          resolve: settings.resolve,
          maxBytes: settings.maxSourceBytes,
          timeoutMs: left(),
        })
        const info = await probe(ffprobePath, source, left())
        const range = media.clip ? ['-ss', String(media.clip.start_seconds), '-to', String(media.clip.end_seconds)] : []
        const renditions: Rendition[] = []
        for (const rung of ladderFor(info.height)) {
          const out = path.join(dir, rung.name)
          await mkdir(out, { recursive: true })
          await run(
            settings.ffmpegPath,
            [
              '-hide_banner',
              '-nostdin',
              '-y',
              ...range,
              '-i',
              source,
              '-map',
              '0:v:0',
              ...(info.hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k'] : []),
              '-vf',
              `scale=-2:${rung.height}`,
              '-c:v',
              'libx264',
              '-preset',
              'veryfast',
              '-b:v',
              rung.videoBitrate,
              '-pix_fmt',
              'yuv420p',
              '-f',
              'hls',
              '-hls_time',
              '4',
              '-hls_playlist_type',
              'vod',
              '-hls_segment_filename',
              path.join(out, 'segment_%04d.ts'),
              path.join(out, 'index.m3u8'),
            ],
            left(),
          )
          renditions.push({
            name: rung.name,
            height: rung.height,
            bandwidth: rung.bandwidth,
            playlist_url: pathToFileURL(path.join(out, 'index.m3u8')).href,
          })
        }
        const master = [
          '#EXTM3U',
          '#EXT-X-VERSION:3',
          ...renditions.flatMap((r) => [`#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth}`, `${r.name}/index.m3u8`]),
          '',
        ].join('\n')
        await writeFile(path.join(dir, 'master.m3u8'), master)
        const duration = media.clip ? media.clip.end_seconds - media.clip.start_seconds : info.duration
        const posterAt = Math.min(1, (duration ?? 0) / 2) + (media.clip?.start_seconds ?? 0)
        await run(
          settings.ffmpegPath,
          [
            '-hide_banner',
            '-nostdin',
            '-y',
            '-ss',
            String(posterAt),
            '-i',
            source,
            '-frames:v',
            '1',
            '-vf',
            'scale=-2:360',
            '-q:v',
            '3',
            path.join(dir, 'poster.jpg'),
          ],
          left(),
        )
        const outputs: MediaOutputs = {
          renditions,
          master_playlist_url: pathToFileURL(path.join(dir, 'master.m3u8')).href,
          poster_url: pathToFileURL(path.join(dir, 'poster.jpg')).href,
          ...(duration === undefined ? {} : { duration_seconds: Math.round(duration * 1000) / 1000 }),
        }
        return { state: 'ready', outputs }
      } finally {
        await rm(source, { force: true })
      }
    },
  }
}
