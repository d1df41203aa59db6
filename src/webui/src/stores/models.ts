import { defineStore } from 'pinia'
import { api } from '../api/endpoints'
import type { ApiResult } from '../api/http'
import type { ModelInfo, ModelsResponse } from '../api/types'
import { FALLBACK_SAMPLERS, FALLBACK_SCHEDULERS, type SchedulerOption } from '../utils/constants'

/** Checkpoints, samplers and schedulers offered by the server (with built-in fallbacks). */
export const useModelsStore = defineStore('models', {
  state: () => ({
    models: [] as ModelInfo[],
    current: null as string | null,
    loras: [] as string[],
    embeddings: [] as string[],
    loading: false,
    available: null as boolean | null,
    samplers: [...FALLBACK_SAMPLERS] as string[],
    samplersFromServer: false,
    schedulers: [...FALLBACK_SCHEDULERS] as SchedulerOption[],
  }),
  getters: {
    errors(state): ModelInfo[] {
      return state.models.filter((m) => !!m.error)
    },
  },
  actions: {
    applyModels(res: ApiResult<ModelsResponse>): boolean {
      if (!res.ok || !res.data || !Array.isArray(res.data.models)) {
        this.available = false
        return false
      }
      this.available = true
      this.models = res.data.models
      this.current = res.data.current ?? null
      this.loras = res.data.loras ?? []
      this.embeddings = res.data.embeddings ?? []
      return true
    },
    async load(): Promise<boolean> {
      this.loading = true
      try {
        return this.applyModels(await api.models())
      } finally {
        this.loading = false
      }
    },
    async refresh(): Promise<boolean> {
      this.loading = true
      try {
        return this.applyModels(await api.refreshModels())
      } finally {
        this.loading = false
      }
    },
    async select(name: string): Promise<ApiResult<unknown>> {
      const previous = this.current
      this.current = name
      const res = await api.selectModel(name)
      if (!res.ok) this.current = previous
      return res
    },
    async loadSamplers(): Promise<void> {
      const [samplers, schedulers] = await Promise.all([api.samplers(), api.schedulers()])
      if (samplers.ok && Array.isArray(samplers.data) && samplers.data.length) {
        this.samplers = samplers.data.map((s) => s.name).filter((n): n is string => typeof n === 'string')
        this.samplersFromServer = true
      }
      if (schedulers.ok && Array.isArray(schedulers.data) && schedulers.data.length) {
        this.schedulers = schedulers.data.filter((s) => typeof s.name === 'string').map((s) => ({ name: s.name, label: s.label || s.name }))
      }
    },
    /** Maps an infotext "Schedule type" label (or name) to a scheduler name. */
    schedulerName(labelOrName: string): string {
      const l = labelOrName.toLowerCase()
      const hit = this.schedulers.find((s) => s.label.toLowerCase() === l || s.name.toLowerCase() === l)
      return hit ? hit.name : labelOrName
    },
    schedulerLabel(name: string): string {
      return this.schedulers.find((s) => s.name === name)?.label ?? name
    },
  },
})
