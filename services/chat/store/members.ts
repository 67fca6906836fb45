/**
 * Chat's own read model of group membership (CQRS), kept by the shared membership
 * projection from the users service's events: every request is authorised against it
 * (src/contracts/membership).
 */
import { membership } from '../../../src/contracts/index.ts';

/** A member as chat knows them. */
export type Member = membership.Member;

/** The actor's membership; a non-member gets `membership.not_a_member` whether the group exists or not. */
export const requireMember = membership.requireMember;
