// The configuration's refusals, shown on every area (a link like `#/train?training.batch_size=abc` must not be
// ignored silently outside System): what was refused, that the last good configuration is in use, where to fix it.
import { useRoute } from '../../state/route-store';
import { useSettings } from '../../state/settings-store';

export function ConfigErrors() {
  const errors = useSettings((s) => s.configErrors);
  const area = useRoute((s) => s.area);
  const go = useRoute((s) => s.go);
  // System shows the same list beside the overrides field.
  if (errors.length === 0 || area === 'system') return null;
  return (
    <section className="card config-errors" aria-label="Configuration not applied">
      <strong>
        The configuration overrides were not applied; the studio uses the last good configuration.
      </strong>
      <ul className="errors" role="alert" aria-label="Configuration errors">
        {errors.map((e) => (
          <li key={e.key + e.message}>{e.message}</li>
        ))}
      </ul>
      <button type="button" onClick={() => go('system')}>
        Fix them in System → Configuration
      </button>
    </section>
  );
}
