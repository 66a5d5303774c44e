"""The Cloud Partner Portal API calls: the publisher's offer list and an offer's status."""

from __future__ import annotations

from urllib.parse import quote

import requests

from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.core.wording import listing, quoted, unknown_ids_hint
from offergate.offers.cloud_partner_portal.model import (
    SERVICE,
    OfferStatus,
    OfferSummary,
    parse_offer_list,
    parse_status,
)
from offergate.offers.settings import OfferSettings
from offergate.transport.authorized import authorized_get, json_document
from offergate.transport.tokens import TokenProvider

HINTS = {
    401: "the token was refused: check the credentials and that the token is for https://cloudpartner.azure.com",
    403: (
        "the service principal is not allowed on this publisher: add the app to the publisher "
        "account in Partner Center (Users, Microsoft Entra applications) and check publisher-id"
    ),
    404: "check publisher-id and offer-id",
}


class OfferClient:
    """GET calls to the Cloud Partner Portal API, with one token refresh on a 401."""

    def __init__(
        self,
        session: requests.Session,
        auth: TokenProvider,
        settings: OfferSettings,
        deadline: Deadline,
    ) -> None:
        self._session = session
        self._auth = auth
        self._settings = settings
        self._deadline = deadline
        self._base = f"{settings.marketplace_url}/api/publishers/{quote(settings.publisher_id, safe='')}/offers"

    def list_offers(self) -> list[OfferSummary]:
        response = self._get(self._base)
        return parse_offer_list(json_document(response, SERVICE), response.status_code)

    def status(self, offer_id: str) -> OfferStatus:
        response = self._get(f"{self._base}/{quote(offer_id, safe='', errors='backslashreplace')}/status")
        return parse_status(offer_id, json_document(response, SERVICE), response.status_code)

    def _get(self, url: str) -> requests.Response:
        return authorized_get(
            self._session,
            self._auth,
            url,
            service=SERVICE,
            deadline=self._deadline,
            params={"api-version": self._settings.api_version},
            headers=lambda: {"Content-Type": "application/json", **self._auth.headers()},
            hints=HINTS,
        )


def check_offer_ids(client: OfferClient, settings: OfferSettings) -> dict[str, OfferSummary]:
    """The publisher's entries for the offers asked for; an unknown id is an error listing the known ones
    (sorted, escaped, at most `MAX_LISTED` and how many more: a publisher may have thousands)."""
    offers = client.list_offers()
    known = {offer.id.lower(): offer for offer in offers}
    missing = [o for o in settings.offer_ids if o.lower() not in known]
    if missing:
        raise ApiError(
            SERVICE,
            f"publisher {quoted(settings.publisher_id)} has no offer {listing(missing)}",
            status=404,
            hint=unknown_ids_hint(
                missing,
                [o.id for o in offers],
                {o.display_text: o.id for o in offers},
                what="offer",
                listed_as="the offers this publisher has",
                input_name="offer-id",
            ),
        )
    return {o: known[o.lower()] for o in settings.offer_ids}
