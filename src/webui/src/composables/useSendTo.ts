import { api } from '../api/endpoints'
import type { JobMode } from '../api/types'
import { t } from '../i18n'
import { useParamsStore } from '../stores/params'
import { useUiStore } from '../stores/ui'
import { fileToPng, dataUrlToPng, type PngImage } from '../utils/image'
import { parseInfotext } from '../utils/infotext'
import { log } from '../utils/logger'
import { notify } from '../utils/notify'

async function loadPng(src: string): Promise<PngImage | null> {
  try {
    if (src.startsWith('data:')) return await dataUrlToPng(src)
    const res = await fetch(src)
    if (!res.ok) {
      log.expected(`image ${src} → ${res.status}`)
      return null
    }
    return await fileToPng(await res.blob())
  } catch (e) {
    log.expected('could not load image', e)
    return null
  }
}

/** "Send to …" actions shared by results, PNG Info and the gallery. */
export function useSendTo() {
  const params = useParamsStore()
  const ui = useUiStore()

  function applyInfotext(mode: JobMode, infotext: string | null | undefined): void {
    if (infotext && infotext.trim()) params.applyInfotext(mode, parseInfotext(infotext).fields)
  }

  async function toImg2img(src: string | null, infotext?: string | null, inpaint = false): Promise<void> {
    applyInfotext('img2img', infotext)
    if (src) {
      const png = await loadPng(src)
      if (png) params.setInitImage(png.dataUrl, png.width, png.height)
      else notify.warning(t('img2img.imageLoadFailed'))
    }
    ui.showImg2Img(inpaint ? 'inpaint' : 'img2img')
  }

  function toTxt2img(infotext: string | null | undefined): void {
    applyInfotext('txt2img', infotext)
    ui.show('txt2img')
  }

  async function toExtras(src: string): Promise<void> {
    const png = await loadPng(src)
    if (png) ui.extrasImage = png.dataUrl
    else notify.warning(t('img2img.imageLoadFailed'))
    ui.show('extras')
  }

  return { toImg2img, toTxt2img, toExtras, applyInfotext, api }
}
