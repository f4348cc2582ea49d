// Visible, specific messages (errors name the thing and say what to do); each can be dismissed, some carry an action.
import { useNotices } from '../../state/notices-store';

export function Notices() {
  const notices = useNotices((s) => s.notices);
  const dismiss = useNotices((s) => s.dismiss);
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Messages">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{n.title}</strong>
            {n.detail ? <p>{n.detail}</p> : null}
          </div>
          {n.action ? (
            <button
              type="button"
              onClick={() => {
                dismiss(n.id);
                n.action!.run();
              }}
            >
              {n.action.label}
            </button>
          ) : null}
          <button type="button" aria-label={`Dismiss: ${n.title}`} onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
