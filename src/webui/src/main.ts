import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './i18n'
import { useJobsStore } from './stores/jobs'
import { useModelsStore } from './stores/models'
import { useSettingsStore } from './stores/settings'
import { useParamsStore } from './stores/params'
import { log } from './utils/logger'
import './styles.css'

// Safety net: an unexpected rejected promise is logged quietly instead of "Uncaught (in promise)".
window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault()
  log.info('unhandled promise rejection', e.reason)
})

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.config.errorHandler = (err, _instance, info) => log.info(`vue error (${info})`, err)

const settings = useSettingsStore()
settings.loadLocal()
settings.watchSystemTheme()
const params = useParamsStore()
params.applyDefaults(settings.settings)

app.mount('#app')

const models = useModelsStore()
void models.load()
void models.loadSamplers()
void useJobsStore().connectHub()
void settings.loadServer().then(() => params.applyDefaults(settings.settings))
