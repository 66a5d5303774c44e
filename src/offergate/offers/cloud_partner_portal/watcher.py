"""The offer watcher: one offer's publishing status, judged by the offer gate's rules."""

from __future__ import annotations

from dataclasses import dataclass

from offergate.core.errors import ApiError
from offergate.core.schedule import StepPhase
from offergate.core.verdict import Verdict
from offergate.offers.cloud_partner_portal.client import OfferClient
from offergate.offers.cloud_partner_portal.model import OfferStatus
from offergate.offers.cloud_partner_portal.rules import offer_phase, offer_verdict
from offergate.offers.settings import WaitUntil


@dataclass
class OfferWatcher:
    """Watches one offer's publishing status."""

    client: OfferClient
    publisher_id: str
    offer_id: str
    wait_until: WaitUntil
    display_text: str = ""

    @property
    def key(self) -> str:
        return f"{self.publisher_id}/{self.offer_id}"

    def observe(self) -> OfferStatus:
        """The offer's status. A 404 is not retried: the offer was in the publisher's list when
        the wait began, so it was deleted or moved (or access changed), and waiting cannot help."""
        try:
            return self.client.status(self.offer_id)
        except ApiError as error:
            if error.status != 404:
                raise
            raise error.reworded(
                hint=(
                    f"offer '{self.offer_id}' was in the offer list of publisher '{self.publisher_id}' when "
                    "the wait began: it may have been deleted; check offer-id and publisher-id"
                )
            ) from None

    def judge(self, observation: OfferStatus) -> Verdict:
        return offer_verdict(observation, self.wait_until)

    def phase(self, observation: OfferStatus) -> StepPhase | None:
        return offer_phase(observation)

    def state_line(self, observation: OfferStatus) -> str:
        step = observation.current_step()
        line = f"offer {observation.status}"
        if step is not None:
            line += f"; step '{step.label}' {step.status}"
            if step.progress is not None:
                line += f" {step.progress}%"
        return line
