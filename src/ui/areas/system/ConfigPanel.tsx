// The configuration: every key with its value and meaning, and a field for Hydra-style dotted overrides.
import { useState } from 'react';
import { configSchema, type SectionName } from '../../../core/config/config';
import { describeType, formatValue } from '../../../core/config/spec';
import { useSettings } from '../../../state/settings-store';

export function ConfigPanel() {
  const config = useSettings((s) => s.config);
  const errors = useSettings((s) => s.configErrors);
  const overridesText = useSettings((s) => s.overridesText);
  const setOverrides = useSettings((s) => s.setOverrides);
  const [draft, setDraft] = useState(overridesText);
  const [lastSeen, setLastSeen] = useState(overridesText);
  if (overridesText !== lastSeen) {
    // The URL changed the overrides: show them in the field.
    setLastSeen(overridesText);
    setDraft(overridesText);
  }

  return (
    <section aria-labelledby="config-title" className="card">
      <h3 id="config-title">Configuration</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setOverrides(draft);
        }}
      >
        <label htmlFor="overrides" className="grow">
          Overrides (e.g. <code>training.batch_size=512 extract.min_area=2500</code>)
          <input
            id="overrides"
            type="text"
            value={draft}
            spellCheck={false}
            onChange={(e) => setDraft(e.target.value)}
            aria-describedby="overrides-errors"
          />
        </label>
        <button type="submit">Apply</button>
        <button
          type="button"
          onClick={() => {
            setDraft('');
            setOverrides('');
          }}
        >
          Reset to research defaults
        </button>
      </form>
      <div id="overrides-errors" aria-live="polite">
        {errors.length > 0 ? (
          <ul className="errors" role="alert" aria-label="Configuration errors">
            {errors.map((e) => (
              <li key={e.key + e.message}>{e.message}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <p className="muted">The address bar holds a link that reproduces this configuration.</p>
      {(Object.keys(configSchema) as SectionName[]).map((section) => (
        <details key={section} open={section === 'training'}>
          <summary>{section}</summary>
          <table className="data" aria-label={`${section} settings`}>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Default</th>
                <th scope="col">Type</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(configSchema[section]).map(([key, spec]) => {
                const value = formatValue((config[section] as Record<string, unknown>)[key]);
                const def = formatValue(spec.default);
                return (
                  <tr key={key} className={value !== def ? 'changed' : undefined}>
                    <td>
                      <code>
                        {section}.{key}
                      </code>
                    </td>
                    <td data-testid={`config-${section}.${key}`}>{value}</td>
                    <td>{def}</td>
                    <td>{describeType(spec)}</td>
                    <td>{spec.doc}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
