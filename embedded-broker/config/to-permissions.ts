/**
 * A `permissions` block (opts.go parseUserPermissions at v2.9.10): publish / subscribe as
 * a subject, a list, or `{ allow, deny }`, and `allow_responses`.
 */
import type { Permissions, ResponsePermission, SubjectPermission } from '../server/options.ts';
import { isUsedAsVariable } from './conf-meta.ts';
import { asDurationString, asInt, asMap, confError, describe, field } from './conf-values.ts';
import type { ConfMap, Field } from './conf-values.ts';

/** nats-server's defaults for `allow_responses: true` (const.go). */
export const DEFAULT_RESPONSE_PERMISSION: ResponsePermission = { maxMsgs: 1, expires: 2 * 60 * 1000 };

/** Reads a permissions map. */
export function toPermissions(f: Field, v: unknown): Permissions {
  const m = asMap(f, v, 'permissions to be a map');
  const out: Permissions = {};
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    switch (key.toLowerCase()) {
      // "import"/"export" are the route spellings of publish/subscribe.
      case 'pub':
      case 'publish':
      case 'import':
        out.publish = toSubjectPermission(kf, m[key]);
        break;
      case 'sub':
      case 'subscribe':
      case 'export':
        out.subscribe = toSubjectPermission(kf, m[key]);
        break;
      case 'publish_allow_responses':
      case 'allow_responses':
        out.allowResponses = toResponsePermission(kf, m[key]);
        break;
      default:
        if (!isUsedAsVariable(m, key)) throw confError(kf, `unknown field "${key}" parsing permissions`);
    }
  }
  if (out.allowResponses) {
    // opts.go: allowing responses "turns off the blanket allow statement" - a user with
    // allow_responses and no publish allow list may publish only to reply subjects.
    out.publish ??= {};
    out.publish.allow ??= [];
  }
  // Keys set to undefined (an empty allow/deny map, allow_responses: false) are left out.
  return Object.fromEntries(Object.entries(out).filter(([, p]) => p !== undefined)) as Permissions;
}

/** `{ allow, deny }`, or the older form: a subject or list, meaning allow. Empty `{}` is none. */
function toSubjectPermission(f: Field, v: unknown): SubjectPermission | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return { allow: subjects(f, v) };
  const m = v as ConfMap;
  const out: SubjectPermission = {};
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    const k = key.toLowerCase();
    if (k === 'allow') out.allow = subjects(kf, m[key]);
    else if (k === 'deny') out.deny = subjects(kf, m[key]);
    else if (!isUsedAsVariable(m, key)) {
      throw confError(kf, `unknown field name "${key}" parsing subject permissions, only 'allow' or 'deny' are permitted`);
    }
  }
  return Object.keys(m).length === 0 ? undefined : out;
}

function subjects(f: Field, v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!list) throw confError(f, `expected a subject, or array of subjects, got ${describe(v)}`);
  for (const s of list) {
    if (typeof s !== 'string') throw confError(f, `subject in permissions array cannot be ${describe(s)}`);
    if (!isPermissionSubject(s)) throw confError(f, `subject ${JSON.stringify(s)} is not a valid subject`);
  }
  return list as string[];
}

/** A valid subject, or "subject queue" (a queue-group permission), as checkPermSubjectArray. */
function isPermissionSubject(s: string): boolean {
  if (isValidSubject(s)) return true;
  const parts = s.split(/\s+/).filter(Boolean);
  return parts.length === 2 && isValidSubject(parts[0]);
}

/** sublist.go IsValidSubject: non-empty tokens without whitespace, `>` only last. */
function isValidSubject(s: string): boolean {
  if (s === '') return false;
  const tokens = s.split('.');
  return tokens.every((t, i) => t !== '' && !/[\t\n\f\r ]/.test(t) && (t !== '>' || i === tokens.length - 1));
}

function toResponsePermission(f: Field, v: unknown): ResponsePermission | undefined {
  if (typeof v === 'boolean') return v ? { ...DEFAULT_RESPONSE_PERMISSION } : undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw confError(f, 'error parsing response permissions, expected a boolean or a map');
  }
  const m = v as ConfMap;
  const out = { ...DEFAULT_RESPONSE_PERMISSION };
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    switch (key.toLowerCase()) {
      case 'max':
      case 'max_msgs':
      case 'max_messages':
      case 'max_responses': {
        // Negative means unlimited; 0 means the default (opts.go parseAllowResponses).
        const n = asInt(kf, m[key]);
        if (n !== 0) out.maxMsgs = n;
        break;
      }
      case 'expires':
      case 'expiration':
      case 'ttl': {
        if (typeof m[key] !== 'string') throw confError(kf, 'error parsing expires, not a duration string');
        const ms = asDurationString(kf, m[key]);
        if (ms !== 0) out.expires = ms;
        break;
      }
      default:
        if (!isUsedAsVariable(m, key)) throw confError(kf, `unknown field "${key}" parsing permissions`);
    }
  }
  return out;
}
