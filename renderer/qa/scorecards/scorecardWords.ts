import type { AutoCheck, MessageKind, Scale } from '../../../shared/qa/scorecard';

/** How the scorecard editor names scales, kinds of message and automatic checks. */

export const SCALE_LABELS: Record<Scale, string> = {
  yes_no: 'Yes or no',
  '1_3': '1 to 3',
  '1_5': '1 to 5',
};

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  public: 'Public posts',
  private: 'Private messages and email',
  transcript: 'Call transcripts',
};

export const AUTO_CHECK_LABELS: Record<AutoCheck, string> = {
  first_response_sla: 'First response within the SLA target',
  tone_template: "The channel's greeting and closing are there",
  pii_in_public: 'No personal data in a public reply',
  spelling: 'Spelling checked against the dictionary',
  consistency: "The topic's approved answer was used",
};
