import { useState } from 'react';
import type { Attachment } from '../../shared/api';
import { downloadAttachment, fetchAttachments } from '../api/backend';
import { useAppStore } from '../store/store';

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * The files that came with an email. They stay on the server (not in the offline mirror): the list
 * is fetched when the agent asks, and a file is saved, never opened in the app.
 */
export function AttachmentList({ messageId, count }: { messageId: string; count: number }) {
  const session = useAppStore((s) => s.session);
  const [files, setFiles] = useState<Attachment[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  if (!session) return null;
  const show = async () => {
    const result = await fetchAttachments(session.serverUrl, session.token, messageId);
    if (result.ok) {
      setFiles(result.attachments);
      setProblem(null);
    } else setProblem(result.message);
  };
  const save = async (file: Attachment) => {
    const result = await downloadAttachment(session.serverUrl, session.token, file.id);
    if (!result.ok) return setProblem(result.message);
    const url = URL.createObjectURL(result.blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = file.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div className="cv-attachments" data-testid="attachments">
      {!files && (
        <button type="button" onClick={() => void show()}>
          {count === 1 ? '1 attached file' : `${count} attached files`}
        </button>
      )}
      {files && (
        <ul aria-label="Attached files">
          {files.map((f) => (
            <li key={f.id} data-testid="attachment">
              {f.skippedReason ? (
                <span>
                  {f.filename} ({size(f.size)}): not kept. {f.skippedReason}
                </span>
              ) : (
                <button type="button" onClick={() => void save(f)} aria-label={`Save ${f.filename}`}>
                  {f.filename} ({size(f.size)})
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p className="cv-attachments-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
