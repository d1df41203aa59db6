import { defineStore } from 'pinia'
import { api } from '../api/endpoints'
import type { ModelPull, ModelPullRequest } from '../api/types'
import { t } from '../i18n'
import { notify } from '../utils/notify'
import { failureText } from './jobs'
import { useModelsStore } from './models'

/** How often GET /api/models/pulls is polled while a pull is queued or running. */
export const PULL_POLL_MS = 1000

/** Same shape as the server's check (owner/name), so an obvious typo is caught before the request. */
export const REPO_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/

/** Lists a watched pull may be missing from before it is forgotten. */
const MAX_MISSED = 3

let timer: ReturnType<typeof setTimeout> | null = null

/** Stops the poll loop (tests; the store restarts it when a pull is active). */
export function stopPullPolling(): void {
  if (timer !== null) clearTimeout(timer)
  timer = null
}

export function isActivePull(p: Pick<ModelPull, 'state'>): boolean {
  return p.state === 'queued' || p.state === 'running'
}

/** Whole percent of the bytes fetched (100 once completed), or null while the total is not known. */
export function pullPercent(p: ModelPull): number | null {
  if (p.state === 'completed') return 100
  if (!p.bytesTotal || p.bytesTotal <= 0 || p.bytesDone === null || p.bytesDone === undefined) return null
  return Math.max(0, Math.min(100, Math.floor((p.bytesDone * 100) / p.bytesTotal)))
}

/**
 * Model downloads from the hub (POST /api/models/pull, GET /api/models/pulls). While any pull is queued or running the
 * list is polled; when one this page watched finishes, the checkpoint list is refreshed and the user told.
 */
export const usePullsStore = defineStore('pulls', {
  state: () => ({
    pulls: [] as ModelPull[],
    /** false when the server has no pull endpoint (older server), null before the first answer. */
    available: null as boolean | null,
    starting: false,
    /** Ids seen queued or running: their end is announced (pulls already finished when the page opened are not). */
    watched: [] as string[],
    /** How many lists in a row a watched id was missing from. */
    missed: {} as Record<string, number>,
  }),
  getters: {
    active(state): ModelPull[] {
      return state.pulls.filter(isActivePull)
    },
  },
  actions: {
    /** Takes a fresh list; returns the watched pulls that have finished since the last one. */
    apply(list: ModelPull[]): ModelPull[] {
      const finished = list.filter((p) => !isActivePull(p) && this.watched.includes(p.id))
      const listed = new Set(list.map((p) => p.id))
      // A watched id missing from this list (a pull started while this request was in flight) stays watched for a
      // few more polls; one that never shows up (the server restarted) is dropped.
      const missing = this.watched.filter((id) => !listed.has(id) && (this.missed[id] ?? 0) < MAX_MISSED)
      const missed: Record<string, number> = {}
      for (const id of missing) missed[id] = (this.missed[id] ?? 0) + 1
      this.missed = missed
      this.watched = [...list.filter(isActivePull).map((p) => p.id), ...missing]
      this.pulls = list
      return finished
    },
    async load(): Promise<boolean> {
      const res = await api.modelPulls()
      if (!res.ok || !res.data || !Array.isArray(res.data.pulls)) {
        if (!res.ok && res.kind === 'notFound') this.available = false
        // A network blip while pulls run: keep polling, the server keeps downloading.
        this.schedule()
        return false
      }
      this.available = true
      const finished = this.apply(res.data.pulls)
      this.schedule()
      if (finished.length) await this.announce(finished)
      return true
    },
    async announce(finished: ModelPull[]): Promise<void> {
      if (finished.some((p) => p.state === 'completed')) await useModelsStore().refresh()
      for (const p of finished) {
        if (p.state === 'completed') notify.success(t('pulls.completed', { name: p.name }))
        else notify.error(t('pulls.failed', { name: p.name }), p.error ?? undefined)
      }
    },
    /** Starts a pull; a refusal (bad repo id, name in use, …) is shown with the server's message. */
    async start(request: ModelPullRequest): Promise<boolean> {
      const body: ModelPullRequest = { repo: request.repo.trim() }
      if (request.revision?.trim()) body.revision = request.revision.trim()
      if (request.name?.trim()) body.name = request.name.trim()
      this.starting = true
      try {
        const res = await api.pullModel(body)
        if (!res.ok) {
          notify.error(t('pulls.startFailed'), failureText(res))
          return false
        }
        const pull = res.data
        if (pull && typeof pull.id === 'string') {
          this.pulls = [pull, ...this.pulls.filter((p) => p.id !== pull.id)]
          if (!this.watched.includes(pull.id)) this.watched.push(pull.id)
        }
        this.available = true
        notify.info(t('pulls.started', { name: pull?.name ?? body.name ?? body.repo }))
        this.schedule()
        return true
      } finally {
        this.starting = false
      }
    },
    /** Polls again in PULL_POLL_MS while something is queued or running (one timer at a time). */
    schedule(): void {
      if (timer !== null || (!this.active.length && !this.watched.length)) return
      timer = setTimeout(() => {
        timer = null
        void this.load()
      }, PULL_POLL_MS)
    },
  },
})
