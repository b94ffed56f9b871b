/**
 * The widget's styles, inside its shadow root so the host page's CSS and the widget's never mix.
 * Adopted as a constructed stylesheet (not inline, so a strict style-src allows it), or linked from
 * `/chat/widget.css` where constructed stylesheets are missing.
 */
export const CHAT_WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  border: 0; border-radius: 24px; padding: 12px 20px; font-size: 15px; font-weight: 600;
  background: #1f5fbf; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
}
.launcher:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.launcher .unread { display: inline-block; width: 9px; height: 9px; margin-left: 8px; border-radius: 50%; background: #ffcf40; }
.panel {
  position: fixed; right: 20px; bottom: 80px; z-index: 2147483000;
  width: min(360px, calc(100vw - 40px)); height: min(520px, calc(100vh - 120px));
  display: flex; flex-direction: column; overflow: hidden;
  border-radius: 12px; background: #fff; color: #1b1b1f; box-shadow: 0 8px 28px rgba(0, 0, 0, 0.3);
}
.panel[hidden], [hidden] { display: none !important; }
header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #1f5fbf; color: #fff; }
header h2 { flex: 1; margin: 0; font-size: 16px; }
header button { border: 0; background: transparent; color: #fff; font-size: 22px; line-height: 1; cursor: pointer; }
.start { display: flex; flex-direction: column; gap: 6px; padding: 16px; }
.start p { margin: 0 0 8px; font-size: 14px; }
label { font-size: 13px; font-weight: 600; }
input, textarea { width: 100%; padding: 8px; border: 1px solid #9aa0aa; border-radius: 6px; font-size: 14px; color: inherit; background: #fff; }
.primary { margin-top: 8px; border: 0; border-radius: 6px; padding: 9px 14px; background: #1f5fbf; color: #fff; font-size: 14px; font-weight: 600; cursor: pointer; }
.error { margin: 4px 0 0; color: #b00020; font-size: 13px; }
.chat { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.log { flex: 1; margin: 0; padding: 12px; overflow-y: auto; list-style: none; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; display: flex; flex-direction: column; gap: 2px; }
.msg .text { padding: 8px 11px; border-radius: 12px; font-size: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg .meta { font-size: 11px; color: #5b606b; }
.visitor { align-self: flex-end; align-items: flex-end; }
.visitor .text { background: #1f5fbf; color: #fff; }
.agent { align-self: flex-start; }
.agent .text { background: #eef0f4; }
.pending .text { opacity: 0.65; }
.failed .meta { color: #b00020; }
.typing, .status { margin: 0; padding: 0 12px 6px; font-size: 12px; color: #5b606b; min-height: 1em; }
.composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e1e3e8; }
.composer textarea { flex: 1; resize: none; height: 42px; }
.composer button { margin: 0; }
`;
