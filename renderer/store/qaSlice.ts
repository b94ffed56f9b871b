import type { StateCreator } from 'zustand';
import type { AppState } from './store';

/** What the review workspace opens: a conversation scored with one published scorecard version. */
export interface ReviewTarget {
  conversationId: string;
  scorecardId: string;
  scorecardVersion: number;
  /** An existing review (a draft to go on with, or a submitted one to read); absent: a new review. */
  reviewId?: string;
  /** The lead's blind review in this calibration. */
  calibrationId?: string;
}

export type QualityTab = 'review' | 'calibrations' | 'disputes' | 'quality' | 'scorecards' | 'mine';

export interface QaSlice {
  /** The agent workspace (inbox and conversation) or quality (reviews, calibrations, disputes, scores). */
  workspaceView: 'inbox' | 'quality';
  qualityTab: QualityTab | null;
  /** The review open in the review workspace, over the quality tabs. */
  reviewTarget: ReviewTarget | null;
  setWorkspaceView: (view: 'inbox' | 'quality') => void;
  setQualityTab: (tab: QualityTab) => void;
  openReview: (target: ReviewTarget | null) => void;
}

export const createQaSlice: StateCreator<AppState, [], [], QaSlice> = (set) => ({
  workspaceView: 'inbox',
  qualityTab: null,
  reviewTarget: null,
  setWorkspaceView: (workspaceView) => set({ workspaceView }),
  setQualityTab: (qualityTab) => set({ qualityTab, reviewTarget: null }),
  openReview: (reviewTarget) => set(reviewTarget ? { reviewTarget, workspaceView: 'quality' } : { reviewTarget }),
});
