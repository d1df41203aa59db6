/** Browser image helpers: everything is converted to PNG data URLs via canvas. */

export function readFileAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error ?? new Error('read failed'))
    reader.readAsDataURL(file)
  })
}

export function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('image could not be decoded'))
    img.src = src
  })
}

export function createCanvas(width: number, height: number): HTMLCanvasElement {
  const c = document.createElement('canvas')
  c.width = width
  c.height = height
  return c
}

export function context2d(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = c.getContext('2d')
  if (!ctx) throw new Error('2D canvas not available')
  return ctx
}

export interface PngImage {
  dataUrl: string
  width: number
  height: number
}

/** Decodes any browser-supported image (JPEG, WebP, PNG, ...) and re-encodes it as PNG. */
export async function fileToPng(file: Blob): Promise<PngImage> {
  const src = await readFileAsDataUrl(file)
  return dataUrlToPng(src)
}

export async function dataUrlToPng(src: string): Promise<PngImage> {
  const img = await loadImage(src)
  const c = createCanvas(img.naturalWidth, img.naturalHeight)
  context2d(c).drawImage(img, 0, 0)
  return { dataUrl: c.toDataURL('image/png'), width: c.width, height: c.height }
}

export function isImageFile(file: File | null | undefined): file is File {
  return !!file && (file.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp)$/i.test(file.name))
}

export type Side = 'left' | 'right' | 'up' | 'down'

/**
 * Pads an image by `px` on one side (new area filled by stretching the edge pixels)
 * and returns the padded image plus a mask with the new area white.
 */
export async function outpaint(imageUrl: string, maskUrl: string | null, side: Side, px: number): Promise<{ image: PngImage; mask: string }> {
  const img = await loadImage(imageUrl)
  const w = img.naturalWidth
  const h = img.naturalHeight
  const dx = side === 'left' ? px : 0
  const dy = side === 'up' ? px : 0
  const nw = side === 'left' || side === 'right' ? w + px : w
  const nh = side === 'up' || side === 'down' ? h + px : h
  const c = createCanvas(nw, nh)
  const ctx = context2d(c)
  ctx.drawImage(img, dx, dy)
  if (side === 'left') ctx.drawImage(img, 0, 0, 1, h, 0, 0, px, h)
  if (side === 'right') ctx.drawImage(img, w - 1, 0, 1, h, w, 0, px, h)
  if (side === 'up') ctx.drawImage(img, 0, 0, w, 1, 0, 0, w, px)
  if (side === 'down') ctx.drawImage(img, 0, h - 1, w, 1, 0, h, w, px)

  const m = createCanvas(nw, nh)
  const mctx = context2d(m)
  mctx.fillStyle = '#000'
  mctx.fillRect(0, 0, nw, nh)
  if (maskUrl) {
    const old = await loadImage(maskUrl)
    mctx.drawImage(old, dx, dy)
  }
  mctx.fillStyle = '#fff'
  if (side === 'left') mctx.fillRect(0, 0, px, nh)
  if (side === 'right') mctx.fillRect(w, 0, px, nh)
  if (side === 'up') mctx.fillRect(0, 0, nw, px)
  if (side === 'down') mctx.fillRect(0, h, nw, px)
  return { image: { dataUrl: c.toDataURL('image/png'), width: nw, height: nh }, mask: m.toDataURL('image/png') }
}

export function downloadUrl(url: string, filename: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // fall through to the legacy path
  }
  try {
    const ta = document.createElement('textarea')
    ta.value = text
    ta.style.position = 'fixed'
    ta.style.opacity = '0'
    document.body.appendChild(ta)
    ta.select()
    const ok = document.execCommand('copy')
    ta.remove()
    return ok
  } catch {
    return false
  }
}
