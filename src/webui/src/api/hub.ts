import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection, type ILogger } from '@microsoft/signalr'
import type { FinishedEvent, ImageSavedEvent, JobStateEvent, QueuedEvent, StartedEvent, StepEvent } from './types'
import { log } from '../utils/logger'

export interface HubHandlers {
  queued(e: QueuedEvent): void
  started(e: StartedEvent): void
  step(e: StepEvent): void
  imageSaved(e: ImageSavedEvent): void
  finished(e: FinishedEvent): void
  /** Catch-up state of a job, sent when a (re)subscription starts. */
  state?(e: JobStateEvent): void
  /** Called after an automatic reconnect so subscriptions can be renewed. */
  reconnected(): void
  /** The connection's state changed (shown as the live indicator). */
  connection?(state: LiveState): void
}

/** Whether progress arrives live: connected, reconnecting after a drop, or offline (the jobs store polls). */
export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'offline'


/** Routes SignalR's own logging to the quiet logger (no console errors/warnings). */
const quietLogger: ILogger = {
  log(level: LogLevel, message: string): void {
    if (level >= LogLevel.Warning) log.expected(`signalr: ${message}`)
  },
}

export interface ProgressHub {
  subscribeJob(jobId: string): Promise<boolean>
  /** Opens the connection ahead of the first job, so its first events are not missed. */
  connect?(): Promise<boolean>
}

/** Lazily connects to /hubs/progress. Failure is not fatal: the jobs store also polls. */
export class SignalRProgressHub implements ProgressHub {
  private connection: HubConnection | null = null
  private starting: Promise<boolean> | null = null

  constructor(
    private readonly handlers: HubHandlers,
    private readonly url = '/hubs/progress',
  ) {}

  private build(): HubConnection {
    const c = new HubConnectionBuilder()
      .withUrl(this.url)
      .withAutomaticReconnect([0, 2000, 5000, 10000])
      .configureLogging(quietLogger)
      .build()
    c.on('queued', (e: QueuedEvent) => this.handlers.queued(e))
    c.on('started', (e: StartedEvent) => this.handlers.started(e))
    c.on('step', (e: StepEvent) => this.handlers.step(e))
    c.on('imageSaved', (e: ImageSavedEvent) => this.handlers.imageSaved(e))
    c.on('finished', (e: FinishedEvent) => this.handlers.finished(e))
    c.on('state', (e: JobStateEvent) => this.handlers.state?.(e))
    c.onreconnecting(() => this.handlers.connection?.('reconnecting'))
    c.onreconnected(() => {
      void this.subscribeMine()
      this.handlers.reconnected()
      this.handlers.connection?.('connected')
    })
    c.onclose(() => this.handlers.connection?.('offline'))
    return c
  }

  private async ensure(): Promise<boolean> {
    if (this.connection?.state === HubConnectionState.Connected) return true
    if (this.starting) return this.starting
    this.starting = (async () => {
      try {
        if (!this.connection) this.connection = this.build()
        if (this.connection.state === HubConnectionState.Disconnected) {
          await this.connection.start()
          await this.subscribeMine()
        }
        const connected = this.connection.state === HubConnectionState.Connected
        this.handlers.connection?.(connected ? 'connected' : 'offline')
        return connected
      } catch (e) {
        log.expected('progress hub unavailable, falling back to polling', e)
        this.connection = null
        this.handlers.connection?.('offline')
        return false
      } finally {
        this.starting = null
      }
    })()
    return this.starting
  }

  connect(): Promise<boolean> {
    return this.ensure()
  }

  /** Joins the events of all of this user's jobs, so a job's first events arrive even before its POST returns. */
  private async subscribeMine(): Promise<void> {
    try {
      await this.connection?.invoke('SubscribeMine')
    } catch (e) {
      log.expected('SubscribeMine failed', e)
    }
  }

  async subscribeJob(jobId: string): Promise<boolean> {
    if (!(await this.ensure()) || !this.connection) return false
    try {
      await this.connection.invoke('SubscribeJob', jobId)
      return true
    } catch (e) {
      log.expected('SubscribeJob failed', e)
      return false
    }
  }
}
