import { CALLS, channelOf, type CallName } from '../contract/calls'

/**
 * Builds the object exposed as `window.pnet`: one function per contract call, each invoking
 * its own fixed channel. No raw ipcRenderer, no free channel names, no events.
 */
export function buildBridge(
  invoke: (channel: string, payload: unknown) => Promise<unknown>,
): Record<CallName, (request: unknown) => Promise<unknown>> {
  const bridge = {} as Record<CallName, (request: unknown) => Promise<unknown>>
  for (const call of CALLS) {
    const channel = channelOf(call)
    bridge[call] = (request: unknown) => invoke(channel, request)
  }
  return Object.freeze(bridge)
}
