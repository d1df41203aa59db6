/**
 * Tiny logging wrapper. Expected failures (HTTP 4xx/5xx, missing endpoints, network issues)
 * are logged at debug level so they never surface as console errors or warnings.
 */
type Level = 'debug' | 'info'

const PREFIX = '[webdiffusion]'

function write(level: Level, message: string, detail?: unknown): void {
  const fn = level === 'debug' ? console.debug : console.info
  if (detail === undefined) fn(PREFIX, message)
  else fn(PREFIX, message, detail)
}

export const log = {
  debug: (message: string, detail?: unknown): void => write('debug', message, detail),
  info: (message: string, detail?: unknown): void => write('info', message, detail),
  /** An expected failure (e.g. the server does not offer an endpoint yet). */
  expected: (message: string, detail?: unknown): void => write('debug', message, detail),
}
