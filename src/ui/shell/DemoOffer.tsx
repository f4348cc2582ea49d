// First-visit offer of the built-in demo data: one click and the crops are in the gallery.
import { useState } from 'react';
import { demoOfferPending, demoSummary, dismissDemoOffer, loadDemo } from '../../state/demo';
import { useDataStore } from '../../state/data-store';
import { useRoute } from '../../state/route-store';

export function DemoOffer() {
  const [open, setOpen] = useState(demoOfferPending);
  const [loading, setLoading] = useState(false);
  const hasSources = useDataStore((s) => s.sources.length > 0);
  const go = useRoute((s) => s.go);
  if (!open || hasSources) return null;
  return (
    <section className="demo-offer" aria-labelledby="demo-offer-title">
      <div>
        <h2 id="demo-offer-title">New here? Try the demo</h2>
        <p>
          Synthetic laser powder bed fusion data made by the studio's own generator: {demoSummary()}.
          Everything stays in this browser.
        </p>
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={loading}
          onClick={() => {
            setLoading(true);
            go('data');
            void loadDemo().finally(() => {
              setLoading(false);
              setOpen(false);
            });
          }}
        >
          {loading ? 'Loading demo…' : 'Load demo data'}
        </button>
        <button
          type="button"
          onClick={() => {
            dismissDemoOffer();
            setOpen(false);
          }}
        >
          No thanks
        </button>
      </div>
    </section>
  );
}
