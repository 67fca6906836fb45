/** Small shared widgets. */
export { Field } from './field.tsx';
export { ErrorMessage } from './error-message.tsx';
export { Avatar, initials, hueOf } from './avatar.tsx';
export { TimeAgo } from './time-ago.tsx';
export { Dialog } from './dialog.tsx';
export { ConfirmDialog } from './confirm-dialog.tsx';
export { CopyButton } from './copy-button.tsx';
export { Icon, type IconName } from './icon.tsx';
export { useAction } from './use-action.ts';
