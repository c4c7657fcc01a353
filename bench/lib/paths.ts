import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** bench/: child entries and bench-only plugins are named relative to it. */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const RESULTS_DIR = path.join(BENCH_DIR, 'results')
export const BASELINES_DIR = path.join(BENCH_DIR, 'baselines')
