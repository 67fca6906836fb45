/**
 * The stores that must listen from the start, whatever view is open (an SOS must reach the
 * screen on any view): importing them registers their stream listeners.
 */
import '../stores/live.ts';
import '../stores/chat.ts';
import '../stores/notifications.ts';
