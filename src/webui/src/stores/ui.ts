import { defineStore } from 'pinia'

export type TabName = 'txt2img' | 'img2img' | 'extras' | 'pnginfo' | 'gallery' | 'settings'
export type Img2ImgTab = 'img2img' | 'inpaint'

export const useUiStore = defineStore('ui', {
  state: () => ({
    tab: 'txt2img' as TabName,
    img2imgTab: 'img2img' as Img2ImgTab,
    /** PNG data URL handed to the Extras tab. */
    extrasImage: null as string | null,
  }),
  actions: {
    show(tab: TabName): void {
      this.tab = tab
    },
    showImg2Img(sub: Img2ImgTab): void {
      this.tab = 'img2img'
      this.img2imgTab = sub
    },
  },
})
