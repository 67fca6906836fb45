/**
 * The shape of a membership copy, the same in every database that keeps one (database per
 * service: each has its own tables; only this declaration is shared). `members` is who is in
 * which group with which role and name; `groups` (kept by those who need group names) is
 * what each group is called. Every service's first migration creates them with these
 * statements (the SQL is what it always was, so databases made before stay as they are).
 */

/** The `members` table and its by-user index. */
export const MEMBERS_TABLE = `
CREATE TABLE members (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX members_user ON members (user_id);
`;

/** The `groups` table (group names). */
export const GROUPS_TABLE = `
CREATE TABLE groups (
  group_id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
`;

/** The columns of `members`, in order (a conformance test checks every database against them). */
export const MEMBERS_COLUMNS = ['group_id', 'user_id', 'role', 'display_name'] as const;
