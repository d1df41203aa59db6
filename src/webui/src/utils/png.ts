/** Reads tEXt / iTXt / zTXt-less text chunks of a PNG (A1111 stores infotext under "parameters"). */
export function readPngText(buffer: ArrayBuffer): Record<string, string> {
  const bytes = new Uint8Array(buffer)
  const sig = [137, 80, 78, 71, 13, 10, 26, 10]
  const out: Record<string, string> = {}
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) return out
  const view = new DataView(buffer)
  const latin1 = new TextDecoder('latin1')
  const utf8 = new TextDecoder('utf-8')
  let pos = 8
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos)
    const type = latin1.decode(bytes.subarray(pos + 4, pos + 8))
    const dataStart = pos + 8
    const dataEnd = dataStart + len
    if (dataEnd > bytes.length) break
    const data = bytes.subarray(dataStart, dataEnd)
    if (type === 'tEXt') {
      const zero = data.indexOf(0)
      if (zero > 0) out[latin1.decode(data.subarray(0, zero))] = latin1.decode(data.subarray(zero + 1))
    } else if (type === 'iTXt') {
      const zero = data.indexOf(0)
      if (zero > 0) {
        const key = latin1.decode(data.subarray(0, zero))
        const compressed = data[zero + 1]
        let p = zero + 3
        const langEnd = data.indexOf(0, p)
        p = langEnd + 1
        const transEnd = data.indexOf(0, p)
        p = transEnd + 1
        if (compressed === 0 && langEnd >= 0 && transEnd >= 0) out[key] = utf8.decode(data.subarray(p))
      }
    } else if (type === 'IEND') {
      break
    }
    pos = dataEnd + 4
  }
  return out
}

export function dataUrlToArrayBuffer(dataUrl: string): ArrayBuffer {
  const comma = dataUrl.indexOf(',')
  const b64 = comma >= 0 ? dataUrl.slice(comma + 1) : dataUrl
  const bin = atob(b64)
  const buf = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i)
  return buf.buffer
}
