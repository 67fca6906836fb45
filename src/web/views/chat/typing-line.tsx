/**
 * "Bo is typing…": who else is typing in the group, in a polite live region that is always
 * there (so the first indicator is announced too). Typing frames carry no name: it comes
 * from the member list, else from their latest message, else "Someone".
 */
import { threads, typists } from '../../stores/chat.ts';
import { members, nameOf as memberName } from '../../stores/groups.ts';
import { t } from '../../strings.ts';

/** The typing line of a group. */
export function TypingLine({ groupId }: { groupId: string }) {
  const who = typists(groupId).map((userId) => nameOf(groupId, userId));
  return (
    <p class="chat-typing" aria-live="polite">
      {who.length > 0 && t.chat.typing(who)}
    </p>
  );
}

function nameOf(groupId: string, userId: string): string {
  if (members.value[groupId]?.some((m) => m.userId === userId)) return memberName(groupId, userId);
  const messages = threads.value[groupId]?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.authorId === userId) return messages[i]!.authorName;
  return t.chat.someone;
}
