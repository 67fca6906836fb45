/**
 * Forwarding targets: list (with each one's breaker state), add (at most `MAX_TARGETS`; a
 * webhook without a secret gets a generated one, shown in this reply only), delete (its
 * deliveries and their log go with it), send a test message, and read a target's delivery log.
 */
import { randomBytes } from 'node:crypto';
import { AppError, uuidv7, type ServiceApi } from '../../../src/kit/index.ts';
import { notifications } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { deliveryLog, enqueue, forgetTargetDeliveries, ntfyCredentials, shownUrl, type Forwarder } from '../forwarding/index.ts';
import { TEST_MESSAGE } from '../domain/texts.ts';

const noTarget = () => new AppError('not_found', 'notifications.no_target', 'No such target among yours');

/** Registers the target handlers. */
export function handleTargets(api: ServiceApi, d: Deps, forwarder: Forwarder): void {
  const toTarget = (r: Record<string, unknown>): notifications.Target => ({
    id: String(r.id),
    kind: String(r.kind) as notifications.TargetKind,
    label: String(r.label),
    url: shownUrl(String(r.url)),
    hasSecret: r.secret != null,
    createdAt: String(r.created_at),
    state: forwarder.breakerState(String(r.id)),
  });
  const ownTarget = async (userId: string, targetId: string) => {
    const [r] = await d.db.query('SELECT * FROM targets WHERE id = ? AND user_id = ?', [targetId, userId]);
    if (!r) throw noTarget();
    return r as Record<string, unknown>;
  };

  api.handle(notifications.ListTargets, async (req) => ({
    targets: (await d.db.query('SELECT * FROM targets WHERE user_id = ? ORDER BY created_at, id', [req.actor.userId])).map((r) => toTarget(r as Record<string, unknown>)),
  }));

  api.handle(notifications.CreateTarget, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = req.actor.userId;
      const t = req.target;
      const [n] = (await tx.execute('SELECT count(*) AS n FROM targets WHERE user_id = ?', [me])).rows;
      if (Number(n!.n) >= notifications.MAX_TARGETS) throw new AppError('conflict', 'notifications.too_many_targets', `At most ${notifications.MAX_TARGETS} targets; delete one first`);
      // ntfy: a user and password in the URL (or its ?auth=) become the secret; the URL kept has none.
      const given = t.kind === 'ntfy' ? ntfyCredentials(t.url) : { url: t.url, authorization: null };
      if (t.kind === 'ntfy' && t.token && given.authorization) {
        throw new AppError('validation', 'notifications.ntfy_two_credentials', 'Give either an access token or a user and password in the URL, not both');
      }
      const secret = t.kind === 'webhook' ? (t.secret ?? randomBytes(32).toString('base64url')) : (t.token ?? given.authorization);
      const row = { id: uuidv7(), user_id: me, kind: t.kind, label: t.label ?? new URL(given.url).host, url: given.url, secret, created_at: new Date(d.now()).toISOString() };
      await tx.execute('INSERT INTO targets (id, user_id, kind, label, url, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [row.id, row.user_id, row.kind, row.label, row.url, row.secret, row.created_at]);
      // The webhook secret is shown once, to its owner; an ntfy token was theirs to begin with.
      return { target: toTarget(row), secret: t.kind === 'webhook' ? secret : null };
    }),
  );

  api.handle(notifications.DeleteTarget, (req, ctx) =>
    ctx.write(async (tx) => {
      const gone = await tx.execute('DELETE FROM targets WHERE id = ? AND user_id = ?', [req.targetId, req.actor.userId]);
      if (gone.rowsAffected > 0) await forgetTargetDeliveries(tx, req.targetId);
      return {};
    }),
  );

  api.handle(notifications.TestTarget, async (req, ctx) => {
    await ownTarget(req.actor.userId, req.targetId);
    const at = d.now();
    const message = { notificationId: null, type: 'test' as const, priority: 'default' as const, ...TEST_MESSAGE, groupId: null, createdAt: new Date(at).toISOString() };
    const [deliveryId] = await ctx.write((tx) => enqueue(tx, req.actor.userId, message, at, req.targetId));
    forwarder.kick();
    return { deliveryId: deliveryId! };
  });

  api.handle(notifications.ListDeliveries, async (req) => {
    await ownTarget(req.actor.userId, req.targetId);
    return { attempts: await deliveryLog(d.db, req.actor.userId, req.targetId, req.limit) };
  });
}
