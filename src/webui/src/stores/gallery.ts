import { defineStore } from 'pinia'
import { api } from '../api/endpoints'
import type { ImageInfo } from '../api/types'

export const GALLERY_PAGE_SIZE = 50

export const useGalleryStore = defineStore('gallery', {
  state: () => ({
    query: '',
    page: 1,
    items: [] as ImageInfo[],
    total: 0,
    loading: false,
    available: null as boolean | null,
  }),
  getters: {
    pageCount: (state) => Math.max(1, Math.ceil(state.total / GALLERY_PAGE_SIZE)),
  },
  actions: {
    async load(): Promise<void> {
      this.loading = true
      try {
        const res = await api.images(this.query, this.page, GALLERY_PAGE_SIZE)
        if (!res.ok || !res.data || !Array.isArray(res.data.items)) {
          this.available = false
          this.items = []
          this.total = 0
          return
        }
        this.available = true
        this.items = res.data.items
        this.total = typeof res.data.total === 'number' ? res.data.total : res.data.items.length
      } finally {
        this.loading = false
      }
    },
    async search(query: string): Promise<void> {
      this.query = query
      this.page = 1
      await this.load()
    },
    async goTo(page: number): Promise<void> {
      this.page = page
      await this.load()
    },
    async remove(id: string): Promise<boolean> {
      const res = await api.deleteImage(id)
      if (!res.ok) return false
      this.items = this.items.filter((i) => i.id !== id)
      this.total = Math.max(0, this.total - 1)
      return true
    },
  },
})
