import { log } from './logger'

export type NotifyKind = 'success' | 'info' | 'warning' | 'error'

export interface Notifier {
  message(kind: NotifyKind, text: string): void
  notification(kind: NotifyKind, title: string, content?: string): void
}

const fallback: Notifier = {
  message: (kind, text) => log.debug(`notify ${kind}: ${text}`),
  notification: (kind, title, content) => log.debug(`notify ${kind}: ${title}`, content),
}

let current: Notifier = fallback

/** Installed by NotifierBridge (inside Naive UI providers); tests may install a spy. */
export function setNotifier(notifier: Notifier | null): void {
  current = notifier ?? fallback
}

export const notify = {
  success: (text: string): void => current.message('success', text),
  info: (text: string): void => current.message('info', text),
  warning: (text: string): void => current.message('warning', text),
  error: (title: string, content?: string): void => current.notification('error', title, content),
}
