"""What the offer gate was asked to watch, validated (built by `offergate.config`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from offergate.transport.credentials import AzureCredentials


class WaitUntil(str, Enum):
    PUBLISHER_SIGNOFF = "publisher-signoff"
    LIVE = "live"


@dataclass(frozen=True)
class OfferSettings:
    publisher_id: str
    offer_ids: tuple[str, ...]
    wait_until: WaitUntil
    marketplace_url: str
    api_version: str
    credentials: AzureCredentials
