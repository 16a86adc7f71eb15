// Who an audit row names (`audit_log.actor`). A named account signed in to the app is written as
// `user:<id> <initials> <name>`, so the trail keeps the account (by id, which never changes: accounts
// are disabled, never deleted) and the name and initials it had then. Rows written before accounts
// existed, or by the app itself with nobody signed in, hold the operating-system account's name.

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

/** How an actor is shown: "Dr A. Smith (AS)" for an account, the name as written otherwise. */
export function actorLabel(actor: string): string {
  const a = parseActor(actor)
  return a ? `${a.name} (${a.initials})` : actor
}
