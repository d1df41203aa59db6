import { defineStore } from 'pinia'
import { api } from '../api/endpoints'
import type { ApiResult } from '../api/http'
import type { ModelInfo, ModelsResponse } from '../api/types'
import type { InfotextFields } from '../utils/infotext'
import { t } from '../i18n'
import { notify } from '../utils/notify'
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
    /** Sampler choices for a select: the known names, plus the current value when the server does not list it. */
    samplerOptions(state): (current: string) => { label: string; value: string }[] {
      return (current) => {
        const names = [...state.samplers]
        if (current && !names.includes(current)) names.push(current)
        return names.map((n) => ({ label: n, value: n }))
      }
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
    /**
     * The known checkpoint an infotext names: by "Model" (name, ignoring case and a file extension),
     * else by "Model hash" (A1111's 10-hex short hash, or a full sha256, matched by prefix).
     */
    findModel(name: string | undefined, hash: string | undefined): ModelInfo | null {
      const usable = this.models.filter((m) => !m.error)
      if (name) {
        const n = name.trim().toLowerCase()
        const stem = n.replace(/\.(safetensors|ckpt|onnx)$/, '')
        const hit = usable.find((m) => m.name.toLowerCase() === n || m.name.toLowerCase() === stem)
        if (hit) return hit
      }
      if (hash) {
        const h = hash.trim().toLowerCase()
        const hit = usable.find((m) => {
          const mh = m.hash?.toLowerCase()
          return !!mh && h.length >= 8 && (mh.startsWith(h) || h.startsWith(mh))
        })
        if (hit) return hit
      }
      return null
    },
    /**
     * Pasted / sent infotext: selects the checkpoint it names when we have it; otherwise keeps the current one
     * and warns with the missing model's name. Returns what happened.
     */
    async selectFromInfotext(fields: Partial<InfotextFields>): Promise<'none' | 'same' | 'selected' | 'missing' | 'failed'> {
      if (!fields.model && !fields.modelHash) return 'none'
      const hit = this.findModel(fields.model, fields.modelHash)
      if (!hit) {
        const label = fields.model && fields.modelHash ? `${fields.model} [${fields.modelHash}]` : (fields.model ?? fields.modelHash ?? '')
        notify.warning(t('topbar.modelMissing', { name: label }))
        return 'missing'
      }
      const shown = this.current ?? this.models.find((m) => !m.error)?.name ?? null
      if (hit.name === shown) return 'same'
      const res = await this.select(hit.name)
      if (!res.ok) {
        notify.warning(t('topbar.modelSelectFailed'))
        return 'failed'
      }
      notify.success(t('topbar.modelSelected', { name: hit.name }))
      return 'selected'
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
