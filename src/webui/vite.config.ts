import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const backend = 'http://127.0.0.1:7860'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  build: {
    outDir: '../../wwwroot',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // Vendor code in its own chunks: fetched in parallel with the app, and still cached when only the app changes.
        codeSplitting: {
          groups: [
            { name: 'vendor-naive', test: /node_modules[\\/](naive-ui|vueuc|vooks|css-render|@css-render|seemly|treemate|evtd|vdirs|date-fns|date-fns-tz|lodash-es|async-validator|highlight\.js|@juggle|csstype)[\\/]/, priority: 2 },
            { name: 'vendor-signalr', test: /node_modules[\\/]@microsoft[\\/]signalr[\\/]/, priority: 3 },
            { name: 'vendor-vue', test: /node_modules[\\/](vue|@vue|pinia|vue-i18n|@intlify)[\\/]/, priority: 4 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/sdapi': { target: backend, changeOrigin: true },
      '/health': { target: backend, changeOrigin: true },
      '/hubs': { target: backend, changeOrigin: true, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    // Mounting the whole app in jsdom takes seconds on a loaded 2-core CI machine; 5 s (the default) is too tight.
    testTimeout: 30_000,
  },
})
