import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ErrorKind } from '../kit/index.ts';
import { STATUS_OF_KIND, toProblem } from './problem.ts';

describe('toProblem', () => {
  it('maps every error kind to its status', () => {
    const got = Object.values(ErrorKind).map((kind) => [kind, toProblem(new AppError(kind, 'x.y', 'm')).status]);
    assert.deepEqual(Object.fromEntries(got), STATUS_OF_KIND);
    assert.deepEqual(STATUS_OF_KIND, { validation: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, insufficient_storage: 507, unavailable: 503, timeout: 504, internal: 500 });
  });

  it('maps storage errors: full → 507 storage.full (no Retry-After), damaged → 503 naming the service', () => {
    const full = toProblem(new AppError('insufficient_storage', 'storage.full', 'The chat service cannot write: the disk holding its database is full', { file: '/data/chat.db' }));
    assert.deepEqual([full.status, full.body.title, full.body.type, full.body.code], [507, 'Insufficient Storage', 'urn:hearth:problem:insufficient_storage', 'storage.full']);
    assert.equal(full.headers['retry-after'], undefined);
    assert.ok(!JSON.stringify(full.body).includes('/data/chat.db'), 'the file is for the owner (logs, /readyz), not for clients');
    const corrupt = toProblem(new AppError('unavailable', 'storage.corrupt', "The chat service's database is damaged; the owner must restore it from a backup"));
    assert.deepEqual([corrupt.status, corrupt.body.code], [503, 'storage.corrupt']);
    assert.match(corrupt.body.detail, /chat/);
  });

  it('lists field errors of a validation problem', () => {
    const p = toProblem(new AppError('validation', 'gateway.invalid_request', 'Invalid body', { issues: [{ path: 'body.email', message: 'must be an email address' }] }), 'req-1');
    assert.deepEqual(p.body, {
      type: 'urn:hearth:problem:validation',
      title: 'Bad Request',
      status: 400,
      detail: 'Invalid body',
      code: 'gateway.invalid_request',
      errors: [{ path: 'body.email', message: 'must be an email address' }],
      requestId: 'req-1',
    });
    assert.equal(p.headers['content-type'], 'application/problem+json');
  });

  it('hides the message of an internal error, and of anything not an AppError', () => {
    const p = toProblem(new Error('db password is hunter2'));
    assert.equal(p.status, 500);
    assert.ok(!JSON.stringify(p.body).includes('hunter2'));
    assert.ok(!JSON.stringify(toProblem(new AppError('internal', 'kit.internal', 'secret detail')).body).includes('secret'));
  });

  it('adds Retry-After to 503, 504 and 429, from the details when given', () => {
    assert.equal(toProblem(new AppError('unavailable', 'kit.no_responders', 'm')).headers['retry-after'], '5');
    assert.equal(toProblem(new AppError('timeout', 'kit.timeout', 'm')).headers['retry-after'], '5');
    const limited = toProblem(new AppError('unavailable', 'gateway.rate_limited', 'm', { retryAfterSeconds: 12.2 }));
    assert.deepEqual([limited.status, limited.headers['retry-after']], [429, '13']);
    assert.equal(toProblem(new AppError('conflict', 'x.y', 'm')).headers['retry-after'], undefined);
  });

  it('answers 405 with Allow', () => {
    const p = toProblem(new AppError('validation', 'gateway.method_not_allowed', 'm', { allow: ['GET', 'HEAD'] }));
    assert.deepEqual([p.status, p.headers.allow], [405, 'GET, HEAD']);
  });
});
