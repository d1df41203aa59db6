import { createI18n } from 'vue-i18n'
import en, { type MessageSchema } from './en'
import zhCN from './zh-CN'
import type { LanguageSetting } from '../api/types'

export type Locale = 'en' | 'zh-CN'

export const LOCALES: readonly Locale[] = ['en', 'zh-CN']

export const messages: Record<Locale, MessageSchema> = { en, 'zh-CN': zhCN }

export function detectLocale(lang: string | undefined = typeof navigator !== 'undefined' ? navigator.language : 'en'): Locale {
  return (lang ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export function resolveLocale(setting: LanguageSetting | undefined): Locale {
  return setting === 'en' || setting === 'zh-CN' ? setting : detectLocale()
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: detectLocale(),
  fallbackLocale: 'en',
  messages,
  missingWarn: false,
  fallbackWarn: false,
  warnHtmlMessage: false,
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

/** Translate outside of components (stores, utils). */
export function t(key: string, params?: Record<string, unknown>): string {
  return params ? i18n.global.t(key, params) : i18n.global.t(key)
}
