import type { Role } from '../../shared/domain';

/** Who may see a change (DESIGN.md: their own, their conversations', shared data; leads their teams'). */
export interface Audience {
  all?: boolean;
  leads?: boolean;
  agentId?: string | null;
  teamId?: string | null;
}

export interface Viewer {
  agentId: string;
  role: Role;
  teamId: string | null;
}

export function canSee(viewer: Viewer, audience: Audience): boolean {
  if (viewer.role === 'admin' || audience.all) return true;
  if (audience.agentId && audience.agentId === viewer.agentId) return true;
  if (viewer.role === 'lead')
    return Boolean(audience.leads) || (audience.teamId != null && audience.teamId === viewer.teamId);
  return false;
}

/** socket.io rooms a change is pushed to; a socket joins the rooms of its viewer. */
export function roomsFor(audience: Audience): string[] {
  if (audience.all) return ['all'];
  const rooms = ['admins'];
  if (audience.agentId) rooms.push(`agent:${audience.agentId}`);
  if (audience.leads) rooms.push('leads');
  if (audience.teamId) rooms.push(`team-leads:${audience.teamId}`);
  return rooms;
}

export function roomsOf(viewer: Viewer): string[] {
  const rooms = ['all', `agent:${viewer.agentId}`];
  if (viewer.role === 'admin') rooms.push('admins');
  if (viewer.role === 'lead') {
    rooms.push('leads');
    if (viewer.teamId) rooms.push(`team-leads:${viewer.teamId}`);
  }
  return rooms;
}
