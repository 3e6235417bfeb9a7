import { useEffect, useState } from 'preact/hooks';
import { routeHref } from '../state/router.ts';
import { markSharingOffered, shouldOfferSharing } from '../sync/offer.ts';

/** The one-time offer to share with research, shown on a session's results once a session exists. */
export function ConsentOffer() {
  const [show, setShow] = useState(false);
  useEffect(() => {
    let live = true;
    void shouldOfferSharing(location.origin).then(async (offer) => {
      if (!live || !offer) return;
      setShow(true);
      await markSharingOffered();
    });
    return () => {
      live = false;
    };
  }, []);
  if (!show) return null;
  return (
    <section class="card offer" data-testid="consent-offer">
      <h2 class="card-title">Share with research?</h2>
      <p>
        You can share your sessions with the BCD research team: the photos with their location and camera
        details removed, and their scores. It is optional, and you can withdraw at any time.
      </p>
      <div class="row">
        <a class="button primary" href={routeHref({ name: 'consent' })} data-testid="consent-offer-read">
          Read and decide
        </a>
        <button
          type="button"
          class="quiet"
          onClick={() => setShow(false)}
          data-testid="consent-offer-dismiss"
        >
          Not now
        </button>
      </div>
      <p class="muted">This is asked once. Settings keeps the choice open.</p>
    </section>
  );
}
