import type { Migration } from './types'

// Named accounts (issue 13, docs/security.md): who may open the follow-up log once it is unlocked.
// - `app_user`: a name and initials (each unique, ignoring case; the initials hold no spaces, they
//   are part of the audit actor `user:<id> <initials> <name>`), a role, the password's scrypt hash
//   (`scrypt$N$r$p$salt$hash`, the cost stored with it), active or disabled, and when it was made
//   and last changed. Accounts are never deleted (the audit trail names them by id): a trigger
//   refuses it; an account is disabled instead.
// The role list is written out: a shipped migration never changes (engine/codes.ts USER_ROLES).
export const USER_ROLES_V100 = ['radiologist', 'coordinator', 'read-only'] as const

const list = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ')

export const migration0100: Migration = {
  version: 100,
  name: 'users',
  up(db) {
    db.exec(`
      CREATE TABLE app_user (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE
          CHECK (length(trim(name)) BETWEEN 1 AND 80 AND name = trim(name)),
        initials TEXT NOT NULL COLLATE NOCASE UNIQUE
          CHECK (length(initials) BETWEEN 1 AND 4 AND initials NOT GLOB '*[^A-Za-z0-9]*'),
        role TEXT NOT NULL CHECK (role IN (${list(USER_ROLES_V100)})),
        password_hash TEXT NOT NULL CHECK (password_hash GLOB 'scrypt$*'),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER app_user_no_delete BEFORE DELETE ON app_user
        BEGIN SELECT RAISE(ABORT, 'accounts are never deleted: disable them instead'); END;
    `)
  },
}
