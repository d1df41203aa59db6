import { defineStore } from 'pinia'
import { api } from '../api/endpoints'
import type { AppSettings, LanguageSetting, ThemeSetting } from '../api/types'
import { resolveLocale, setLocale, type Locale } from '../i18n'
import { DEFAULT_SAMPLER, DEFAULT_SCHEDULER } from '../utils/constants'
import { log } from '../utils/logger'

export const SETTINGS_KEY = 'webdiffusion.settings'

export const DEFAULT_SETTINGS: AppSettings = {
  defaultSampler: DEFAULT_SAMPLER,
  defaultScheduler: DEFAULT_SCHEDULER,
  defaultSteps: 20,
  defaultWidth: 512,
  defaultHeight: 512,
  defaultCfgScale: 7,
  theme: 'auto',
  language: 'auto',
}

function pickKnown(source: unknown): Partial<AppSettings> {
  if (typeof source !== 'object' || source === null) return {}
  const s = source as Record<string, unknown>
  const out: Partial<AppSettings> = {}
  const str = (k: keyof AppSettings): string | undefined => (typeof s[k] === 'string' ? (s[k] as string) : undefined)
  const numb = (k: keyof AppSettings): number | undefined =>
    typeof s[k] === 'number' && Number.isFinite(s[k]) ? (s[k] as number) : undefined
  const sampler = str('defaultSampler')
  if (sampler) out.defaultSampler = sampler
  const scheduler = str('defaultScheduler')
  if (scheduler) out.defaultScheduler = scheduler
  const steps = numb('defaultSteps')
  if (steps !== undefined) out.defaultSteps = steps
  const w = numb('defaultWidth')
  if (w !== undefined) out.defaultWidth = w
  const h = numb('defaultHeight')
  if (h !== undefined) out.defaultHeight = h
  const cfg = numb('defaultCfgScale')
  if (cfg !== undefined) out.defaultCfgScale = cfg
  const theme = str('theme')
  if (theme === 'dark' || theme === 'light' || theme === 'auto') out.theme = theme
  const lang = str('language')
  if (lang === 'en' || lang === 'zh-CN' || lang === 'auto') out.language = lang
  return out
}

function readLocal(): Partial<AppSettings> {
  try {
    const raw = localStorage.getItem(SETTINGS_KEY)
    return raw ? pickKnown(JSON.parse(raw)) : {}
  } catch {
    return {}
  }
}

function prefersDark(): boolean {
  try {
    return typeof window !== 'undefined' && !!window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches
  } catch {
    return false
  }
}

export const useSettingsStore = defineStore('settings', {
  state: () => ({
    settings: { ...DEFAULT_SETTINGS } as AppSettings,
    /** null = unknown, false = the server has no settings endpoint yet */
    serverAvailable: null as boolean | null,
    systemDark: prefersDark(),
  }),
  getters: {
    locale(state): Locale {
      return resolveLocale(state.settings.language)
    },
    isDark(state): boolean {
      return state.settings.theme === 'auto' ? state.systemDark : state.settings.theme === 'dark'
    },
  },
  actions: {
    /** Loads settings saved in this browser (synchronous, used at start-up). */
    loadLocal(): void {
      this.settings = { ...DEFAULT_SETTINGS, ...readLocal() }
      setLocale(this.locale)
    },
    persistLocal(): void {
      try {
        localStorage.setItem(SETTINGS_KEY, JSON.stringify(this.settings))
      } catch (e) {
        log.debug('localStorage unavailable', e)
      }
    },
    /** Merges the server's settings; local language/theme choices win when set explicitly. */
    async loadServer(): Promise<void> {
      const res = await api.settings()
      if (!res.ok) {
        this.serverAvailable = false
        return
      }
      this.serverAvailable = true
      const local = readLocal()
      const server = pickKnown(res.data)
      this.settings = { ...DEFAULT_SETTINGS, ...server, ...pickLocalPreferences(local) }
      setLocale(this.locale)
      this.persistLocal()
    },
    update(patch: Partial<AppSettings>): void {
      this.settings = { ...this.settings, ...patch }
      this.persistLocal()
      setLocale(this.locale)
    },
    setLanguage(language: LanguageSetting): void {
      this.update({ language })
    },
    setTheme(theme: ThemeSetting): void {
      this.update({ theme })
    },
    /** Saves locally and to the server; resolves to true when the server stored them. */
    async save(): Promise<boolean> {
      this.persistLocal()
      const res = await api.saveSettings(this.settings)
      if (!res.ok) {
        this.serverAvailable = false
        return false
      }
      this.serverAvailable = true
      const merged = pickKnown(res.data)
      this.settings = { ...this.settings, ...merged }
      this.persistLocal()
      setLocale(this.locale)
      return true
    },
    watchSystemTheme(): void {
      try {
        const mq = window.matchMedia?.('(prefers-color-scheme: dark)')
        mq?.addEventListener?.('change', (e) => {
          this.systemDark = e.matches
        })
      } catch {
        // matchMedia unsupported: keep the initial value
      }
    },
  },
})

function pickLocalPreferences(local: Partial<AppSettings>): Partial<AppSettings> {
  const out: Partial<AppSettings> = {}
  if (local.language && local.language !== 'auto') out.language = local.language
  if (local.theme && local.theme !== 'auto') out.theme = local.theme
  return out
}
