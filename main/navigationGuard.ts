import { externalLinkVerdict } from '../shared/externalLinks';
import { isAppUrl } from './appUrl';

export { hostAllowed } from '../shared/externalLinks';

export type NavigationDecision = { stayInApp: boolean; openExternally: boolean; reason: string };

/**
 * Decides what happens when the renderer tries to go somewhere: the app never navigates away from
 * itself; an https link whose host IT allowed opens in the OS browser; anything else is dropped.
 */
export function decideNavigation(url: string, allowedHosts: readonly string[]): NavigationDecision {
  if (isAppUrl(url)) return { stayInApp: true, openExternally: false, reason: 'app page' };
  const verdict = externalLinkVerdict(url, allowedHosts);
  return verdict.open
    ? { stayInApp: false, openExternally: true, reason: 'allowed external host' }
    : { stayInApp: false, openExternally: false, reason: verdict.reason };
}

/** The slice of WebContents the guard touches; real WebContents satisfy it. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void; url: string }) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardDeps {
  allowedHosts: () => readonly string[];
  openExternal: (url: string) => void;
  log: (message: string) => void;
}

export function guardContents(contents: GuardedContents, deps: GuardDeps): void {
  const onNavigate = (event: { preventDefault(): void; url: string }) => {
    const decision = decideNavigation(event.url, deps.allowedHosts());
    if (decision.stayInApp) return;
    event.preventDefault();
    if (decision.openExternally) deps.openExternal(event.url);
    else deps.log(`navigation blocked: ${decision.reason}`);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNavigation(url, deps.allowedHosts());
    if (decision.openExternally) deps.openExternal(url);
    else deps.log(`window.open blocked: ${decision.reason}`);
    return { action: 'deny' };
  });
}
