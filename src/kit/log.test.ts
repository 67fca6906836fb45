import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { createLogger, redactFields, type LoggerOptions } from './log.ts';

function capture(o: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({ service: 'notes', format: 'json', write: (l) => lines.push(l), ...o });
  const json = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, json };
}

describe('JSON log lines', () => {
  it('writes one object per line with time, level, service and msg first', () => {
    const { log, lines, json } = capture();
    log.info('ready', { port: 4222 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('}\n'));
    const line = json()[0]!;
    assert.deepEqual(Object.keys(line).slice(0, 4), ['time', 'level', 'service', 'msg']);
    assert.equal(line.level, 'info');
    assert.equal(line.service, 'notes');
    assert.equal(line.msg, 'ready');
    assert.equal(line.port, 4222);
    assert.ok(Math.abs(Date.parse(String(line.time)) - Date.now()) < 5000);
  });

  it('adds a child logger\u2019s correlation_id to every line it writes, and not to the parent\u2019s', () => {
    const { log, json } = capture();
    const child = log.child({ correlation_id: 'c-1' });
    child.warn('slow', { ms: 912 });
    child.child({ step: 2 }).error('failed');
    log.info('plain');
    const [a, b, c] = json();
    assert.equal(a!.correlation_id, 'c-1');
    assert.equal(a!.ms, 912);
    assert.equal(b!.correlation_id, 'c-1');
    assert.equal(b!.step, 2);
    assert.equal(c!.correlation_id, undefined);
  });

  it('picks JSON when not on a terminal and format is auto', () => {
    const { log, json } = capture({ format: 'auto', isTTY: false });
    log.info('x');
    assert.equal(json()[0]!.msg, 'x');
  });
});

describe('pretty log lines', () => {
  it('writes time, level, [service], msg and key=value fields without colour off a terminal', () => {
    const { log, lines } = capture({ format: 'pretty', isTTY: false });
    log.warn('slow request', { ms: 912, path: '/a b', list: [1, 2] });
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} warn  \[notes\] slow request ms=912 path=\/a b list=\[1,2\]\n$/);
  });

  it('colours the level on a terminal (auto picks pretty there)', () => {
    const { log, lines } = capture({ format: 'auto', isTTY: true });
    log.error('down');
    assert.ok(lines[0]!.includes('\x1b[31merror\x1b[0m'), JSON.stringify(lines[0]));
  });
});

describe('log levels', () => {
  it('drops lines below the configured level, children included', () => {
    const { log, json } = capture({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.child({ a: 1 }).info('child info');
    log.child({ a: 1 }).error('child error');
    assert.deepEqual(json().map((l) => l.msg), ['w', 'e', 'child error']);
    assert.equal(log.level, 'warn');
  });

  it('defaults to info', () => {
    const { log, json } = capture();
    log.debug('hidden');
    log.info('shown');
    assert.deepEqual(json().map((l) => l.msg), ['shown']);
  });
});

describe('secret redaction', () => {
  it('redacts password, token, auth_token and authorization at the top level', () => {
    const { log, lines, json } = capture();
    log.info('login', { user: 'ann', password: 'hunter2', token: 't0k', auth_token: 'at', authorization: 'Bearer xyz', Authorization: 'Basic q' });
    assert.deepEqual(json()[0], { ...json()[0], user: 'ann', password: '[redacted]', token: '[redacted]', auth_token: '[redacted]', authorization: '[redacted]', Authorization: '[redacted]' });
    assert.doesNotMatch(lines[0]!, /hunter2|t0k|"at"|xyz|Basic/);
  });

  it('redacts secret fields nested in objects and arrays, whatever their value', () => {
    const out = redactFields({ req: { headers: { authorization: 'Bearer a' }, body: [{ password: { nested: 'x' } }] }, nkey: 'SU...', api_key: 'k' });
    assert.deepEqual(out, { req: { headers: { authorization: '[redacted]' }, body: [{ password: '[redacted]' }] }, nkey: '[redacted]', api_key: '[redacted]' });
  });

  it('never writes a secret buried deeper than it copies', () => {
    let deep: Record<string, unknown> = { password: 'hunter2', token: 'zzz' };
    for (let i = 0; i < 20; i++) deep = { level: deep };
    const { log, lines } = capture();
    log.info('deep', { deep });
    assert.doesNotMatch(lines[0]!, /hunter2|zzz/);
    assert.match(lines[0]!, /\[too deep\]/);
  });

  it('writes a line for an object that refers to itself instead of throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const { log, json } = capture();
    log.info('cycle', { cyclic });
    assert.equal((json()[0]!.cyclic as Record<string, unknown>).name, 'loop');
  });

  it('leaves empty secret fields empty, so "no password set" stays visible', () => {
    assert.deepEqual(redactFields({ password: '', token: undefined }), { password: '', token: undefined });
  });

  it('does not change the caller\u2019s object', () => {
    const fields = { password: 'p' };
    redactFields(fields);
    assert.equal(fields.password, 'p');
  });
});

describe('errors in log fields', () => {
  it('writes name, message, code and the cause chain of an Error', () => {
    const { log, json } = capture();
    const err = new AppError('internal', 'kit.internal', 'Internal error', undefined, { cause: new TypeError('x is undefined') });
    log.error('handler failed', { err });
    assert.deepEqual(json()[0]!.err, { name: 'AppError', message: 'Internal error', code: 'kit.internal', cause: { name: 'TypeError', message: 'x is undefined' } });
  });

  it('stops at a cause chain that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const { log, json } = capture();
    log.error('loop', { err: a });
    assert.equal((json()[0]!.err as { message: string }).message, 'a');
  });
});
