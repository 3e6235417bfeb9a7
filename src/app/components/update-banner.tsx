import { useEffect, useState } from 'preact/hooks';
import { registerServiceWorker } from '../pwa/register.ts';

/** Offers a new version of the app when one is ready; the person chooses when to switch. */
export function UpdateBanner() {
  const [apply, setApply] = useState<() => void>();
  const [later, setLater] = useState(false);
  useEffect(() => registerServiceWorker((fn) => setApply(() => fn)), []);
  if (!apply || later) return null;
  return (
    <div class="notice update-banner" role="status" data-testid="update-banner">
      <div>A new version of BCD is ready. Your data stays as it is.</div>
      <div class="row" style={{ flexWrap: 'nowrap' }}>
        <button type="button" class="primary" onClick={apply}>
          Update
        </button>
        <button type="button" class="quiet" onClick={() => setLater(true)}>
          Later
        </button>
      </div>
    </div>
  );
}
