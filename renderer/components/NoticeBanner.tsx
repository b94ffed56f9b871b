import { useAppStore } from '../store/store';

/** Policy and settings problems an agent or IT must see; shown on every screen. */
export function NoticeBanner() {
  const notices = useAppStore((s) => s.settingsView?.notices);
  if (!notices?.length) return null;
  return (
    <div className="notice" role="alert">
      {notices.map((notice) => (
        <p key={notice}>{notice}</p>
      ))}
    </div>
  );
}
