"""The publishers and their offers, each following a scenario from the moment it was added."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from offergate.sandbox.scenarios import get_scenario
from offergate.sandbox.timeline import Links, Scenario

VM_OFFER = "microsoft-azure-virtualmachines"
MARKETPLACE = "https://azuremarketplace.microsoft.com/marketplace/apps"
MAX_OFFSET = 3650 * 86400.0  # timestamps stay within ten years of the offer's creation


def iso_timestamp(moment: datetime) -> str:
    """The API's timestamp format: 2018-03-16T17:50:45.7215661Z (seven fractional digits)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}0Z"


@dataclass
class Offer:
    publisher: str
    id: str
    offer_type: str
    display_text: str
    scenario: Scenario
    t0: float  # the clock when the offer was added: scenario second 0
    created: datetime  # wall time of scenario second 0, for timestamps
    preview_code: str
    status_requests: int = 0

    def stamp(self, at: float) -> str:
        return iso_timestamp(self.created + timedelta(seconds=max(-MAX_OFFSET, min(MAX_OFFSET, at))))

    def links(self) -> Links:
        page = f"{MARKETPLACE}/{self.publisher}.{self.id}"
        return Links(preview=f"{page}?preview={self.preview_code}", live=page)


class OfferBook:
    """Thread-safe store of publishers and offers; ids are matched case-insensitively."""

    def __init__(self, clock: Callable[[], float], time_scale: float) -> None:
        self._clock = clock
        self.time_scale = time_scale
        self._publishers: dict[str, dict[str, Offer]] = {}
        self._lock = threading.Lock()

    def add_publisher(self, publisher: str) -> None:
        with self._lock:
            self._add_publisher(publisher)

    def _add_publisher(self, publisher: str) -> dict[str, Offer]:
        return self._publishers.setdefault(publisher.lower(), {})

    def add_offer(self, publisher: str, offer_id: str, scenario: str, offer_type: str, display_text: str) -> Offer:
        plan = get_scenario(scenario)
        offer = Offer(
            publisher=publisher,
            id=offer_id,
            offer_type=offer_type,
            display_text=display_text,
            scenario=plan,
            t0=self._clock(),
            created=datetime.now(UTC),
            preview_code=secrets.token_hex(8),
        )
        with self._lock:
            self._add_publisher(publisher)[offer_id.lower()] = offer
        return offer

    def has_publisher(self, publisher: str) -> bool:
        with self._lock:
            return publisher.lower() in self._publishers

    def offers(self, publisher: str) -> list[Offer]:
        with self._lock:
            return list(self._publishers.get(publisher.lower(), {}).values())

    def find(self, publisher: str, offer_id: str) -> Offer | None:
        with self._lock:
            return self._publishers.get(publisher.lower(), {}).get(offer_id.lower())

    def count_status_request(self, offer: Offer) -> int:
        """Counts one status request for `offer`; returns the count so far."""
        with self._lock:
            offer.status_requests += 1
            return offer.status_requests

    def scenario_time(self, offer: Offer) -> float:
        return (self._clock() - offer.t0) * self.time_scale

    def list_entry(self, offer: Offer) -> dict[str, Any]:
        """One element of GET /api/publishers/{publisherId}/offers."""
        t = self.scenario_time(offer)
        return {
            "offerTypeId": offer.offer_type,
            "publisherId": offer.publisher,
            "status": offer.scenario.offer_status(t),
            "id": offer.id,
            "version": offer.scenario.version,
            "definition": {"displayText": offer.display_text},
            "changedTime": offer.stamp(offer.scenario.last_change(t)),
        }

    def status_body(self, offer: Offer) -> dict[str, Any]:
        """The body of GET /api/publishers/{publisherId}/offers/{offerId}/status."""
        emails = f"jdoe@{offer.publisher.lower()}.com"
        return offer.scenario.render_status(self.scenario_time(offer), offer.stamp, offer.links(), emails)
