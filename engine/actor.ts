// Who an audit row names (`audit_log.actor`). A named account signed in to the app is written as
// `user:<id> <initials> <name>`, so the trail keeps the account (by id, which never changes: accounts
// are disabled, never deleted) and the name and initials it had then. Rows written before accounts
// existed, and a refused sign-in, hold the operating-system account's name; what the app writes on
// its own is `app:<that account>`.

export interface ActorAccount {
  readonly id: number
  readonly initials: string
  readonly name: string
}

const USER_ACTOR = /^user:(\d+) (\S+) (.+)$/s

/** The audit actor of a signed-in account. Initials hold no spaces (the accounts table checks). */
export function userActor(a: ActorAccount): string {
  return `user:${a.id} ${a.initials} ${a.name}`
}

/** The account an actor names, or null for an operating-system account (older rows, the app). */
export function parseActor(actor: string): ActorAccount | null {
  const m = USER_ACTOR.exec(actor)
  return m ? { id: Number(m[1]), initials: m[2]!, name: m[3]! } : null
}

const APP_ACTOR = /^app:(.*)$/s

/**
 * The audit actor of what the app writes on its own, with nobody signed in: the start of the keyed
 * chain, the copy before an upgrade, today's automatic backup. It keeps the computer account the
 * app ran under.
 */
export function appActor(osAccount: string): string {
  return `app:${osAccount}`
}

/**
 * How an actor is shown: "Dr A. Smith (AS)" for an account, "pNET Follow-up itself (computer
 * account root)" for the app's own rows, the name as written otherwise (rows older than accounts,
 * a refused sign-in: the computer account).
 */
export function actorLabel(actor: string): string {
  const a = parseActor(actor)
  if (a) return `${a.name} (${a.initials})`
  const app = APP_ACTOR.exec(actor)
  if (app) return `pNET Follow-up itself (computer account ${app[1]!})`
  return actor
}
