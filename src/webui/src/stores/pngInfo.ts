import { defineStore } from 'pinia'

/** PNG Info tab state, kept in a store so it survives switching tabs (panels are unmounted when hidden). */
export const usePngInfoStore = defineStore('pngInfo', {
  state: () => ({
    /** PNG data URL of the loaded image. */
    image: null as string | null,
    /** The parameters text; null before an image is read, '' when it has none. */
    info: null as string | null,
    /** True when the text was read in the browser because the server could not. */
    local: false,
    loading: false,
  }),
})
