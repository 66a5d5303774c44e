"""The offer gate on the Cloud Partner Portal API, as a backend of the gate."""

from __future__ import annotations

from collections.abc import Sequence

from offergate.core.backend import Ending, Presentation, verdict_annotations
from offergate.core.watch import Watch, WatchState
from offergate.core.wording import plural
from offergate.offers.cloud_partner_portal.client import OfferClient, check_offer_ids
from offergate.offers.cloud_partner_portal.model import OfferStatus
from offergate.offers.cloud_partner_portal.present import offer_section, output_row
from offergate.offers.cloud_partner_portal.watcher import OfferWatcher
from offergate.offers.present import offer_outputs, reached
from offergate.offers.settings import OfferSettings


class CloudPartnerPortalOffers:
    """One watch per offer, after checking the ids against the publisher's offer list."""

    def __init__(self, client: OfferClient, settings: OfferSettings) -> None:
        self._client = client
        self._settings = settings
        self._watched: list[tuple[OfferWatcher, WatchState[OfferStatus]]] = []

    @property
    def watched(self) -> str:
        settings = self._settings
        return (
            f"{plural(len(settings.offer_ids), 'offer')} of {settings.publisher_id} (until {settings.wait_until.value})"
        )

    @property
    def adaptive(self) -> bool:
        return True

    def notices(self, timeout: float) -> Sequence[str]:  # noqa: ARG002 - the protocol's signature
        return ()

    def start(self) -> Sequence[Watch]:
        settings = self._settings
        known = check_offer_ids(self._client, settings)
        for offer_id in settings.offer_ids:
            watcher = OfferWatcher(
                self._client, settings.publisher_id, offer_id, settings.wait_until, known[offer_id].display_text
            )
            self._watched.append((watcher, WatchState(watcher)))
        return [state for _, state in self._watched]

    def present(self, ending: Ending) -> Presentation:
        settings = self._settings
        annotations = [a for _, state in self._watched for a in verdict_annotations(state, "offer", ending)]
        return Presentation(
            passed=reached(len(self._watched), settings.wait_until),
            settings=f"Offer gate for publisher {settings.publisher_id}: wait until {settings.wait_until.value}.",
            sections=tuple(offer_section(state, watcher.display_text) for watcher, state in self._watched),
            outputs=offer_outputs([output_row(state, watcher) for watcher, state in self._watched]),
            annotations=tuple(annotations),
        )
