import type { Channel } from '../../shared/domain';

/** How a channel is named and marked wherever it shows: the inbox row, filters, the conversation header. */
export const CHANNEL_LABELS: Record<Channel, string> = {
  x_public: 'X post',
  x_dm: 'X direct message',
  facebook: 'Facebook post',
  messenger: 'Messenger',
  email: 'Email',
  voice: 'Phone call',
  chat: 'Web chat',
};

/** A short mark for the row's channel column; the label is its accessible name. */
export const CHANNEL_MARKS: Record<Channel, string> = {
  x_public: '𝕏',
  x_dm: '𝕏✉',
  facebook: 'f',
  messenger: 'm',
  email: '@',
  voice: '☎',
  chat: 'C',
};

/** 12,300 → "12k": reach is read at a glance, not counted. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 100) / 10}k`.replace('.0k', 'k');
  return `${Math.round(n / 100_000) / 10}M`.replace('.0M', 'M');
}
