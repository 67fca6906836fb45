import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { field } from './conf-values.ts';
import { toPermissions } from './to-permissions.ts';

/** Reads `permissions { ... }` written in configuration syntax. */
function perms(body: string) {
  const conf = parseConf(`permissions ${body}`, 'broker.conf', {});
  return toPermissions(field(conf, 'permissions'), conf.permissions);
}

describe('toPermissions', () => {
  it('reads a subject or a list as an allow list', () => {
    assert.deepEqual(perms('{ publish: "a.>", subscribe: ["b", "c.*"] }'), {
      publish: { allow: ['a.>'] },
      subscribe: { allow: ['b', 'c.*'] },
    });
  });

  it('reads allow and deny maps, and the short and route spellings', () => {
    assert.deepEqual(perms('{ pub: { allow: "a", deny: ["b"] }, export: { deny: "c" } }'), {
      publish: { allow: ['a'], deny: ['b'] },
      subscribe: { deny: ['c'] },
    });
  });

  it('treats an empty allow/deny map as no restriction', () => {
    assert.deepEqual(perms('{ publish: {} }'), {});
  });

  it('accepts a queue-qualified subscribe subject', () => {
    assert.deepEqual(perms('{ subscribe: "jobs.* workers" }'), { subscribe: { allow: ['jobs.* workers'] } });
  });

  it('gives allow_responses: true nats-server\'s defaults and closes the publish allow list', () => {
    assert.deepEqual(perms('{ allow_responses: true }'), {
      publish: { allow: [] },
      allowResponses: { maxMsgs: 1, expires: 120_000 },
    });
  });

  it('keeps an explicit publish allow list next to allow_responses, whatever the order', () => {
    assert.deepEqual(perms('{ allow_responses: true, publish: "x" }'), {
      publish: { allow: ['x'] },
      allowResponses: { maxMsgs: 1, expires: 120_000 },
    });
  });

  it('reads allow_responses limits, with 0 meaning the default', () => {
    assert.deepEqual(perms('{ allow_responses: { max: 5, expires: "30s" } }').allowResponses, { maxMsgs: 5, expires: 30_000 });
    assert.deepEqual(perms('{ allow_responses: { max_msgs: 0, ttl: "0s" } }').allowResponses, { maxMsgs: 1, expires: 120_000 });
    assert.deepEqual(perms('{ allow_responses: { max: -1 } }').allowResponses, { maxMsgs: -1, expires: 120_000 });
  });

  it('adds nothing for allow_responses: false', () => {
    assert.deepEqual(perms('{ allow_responses: false }'), {});
  });

  const errors: [string, RegExp][] = [
    ['"a"', /^ConfError: broker.conf:1:1: permissions: expected permissions to be a map, got the string "a"$/],
    ['{ pubs: "a" }', /permissions.pubs: unknown field "pubs" parsing permissions/],
    ['{ publish: { allow: "a", except: "b" } }', /only 'allow' or 'deny' are permitted/],
    ['{ publish: "a..b" }', /subject "a..b" is not a valid subject/],
    ['{ publish: "a.>.b" }', /is not a valid subject/],
    ['{ publish: [1] }', /cannot be the number 1/],
    ['{ publish: 1 }', /expected a subject, or array of subjects, got the number 1/],
    ['{ allow_responses: "yes please" }', /expected a boolean or a map/],
    ['{ allow_responses: { expires: 5 } }', /error parsing expires, not a duration string/],
    ['{ allow_responses: { expires: "5x" } }', /error parsing expires: time: unknown unit/],
    ['{ allow_responses: { limit: 1 } }', /unknown field "limit"/],
  ];
  for (const [body, re] of errors) {
    it(`refuses ${body}`, () => assert.throws(() => perms(body), re));
  }
});
