import type { IpcMain, WebFrameMain } from 'electron'
import { CALLS, channelOf } from '../contract/calls'
import type { Handlers } from '../contract/contract'
import { dispatch } from '../contract/dispatch'
import type { Result } from '../contract/result'

/**
 * Registers one `ipcMain.handle` per contract call. Each checks that the sender is our own
 * top-level page before the request is even parsed; a forged sender gets FORBIDDEN.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: Handlers,
  isTrustedFrame: (frame: Pick<WebFrameMain, 'url' | 'parent'> | null) => boolean,
  /** Where a call that failed inside is written (the app's log file). */
  log: (line: string) => void,
): string[] {
  const channels: string[] = []
  for (const call of CALLS) {
    const channel = channelOf(call)
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedFrame(event.senderFrame)) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'This call is only answered for the app’s own window.' },
        }
      }
      return dispatch(handlers, call, payload, log)
    })
    channels.push(channel)
  }
  return channels
}

export function trustedFrameCheck(isAppUrl: (url: string) => boolean) {
  return (frame: Pick<WebFrameMain, 'url' | 'parent'> | null): boolean =>
    frame !== null && frame.parent === null && isAppUrl(frame.url)
}
