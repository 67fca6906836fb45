import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVICES } from '../../services/index.ts';

describe('services registry', () => {
  it('lists the users service, whose module default-exports its definition', async () => {
    const mod = await SERVICES.users!();
    assert.equal(mod.default.name, 'users');
    assert.ok(mod.default.migrations.length >= 2);
  });
});
