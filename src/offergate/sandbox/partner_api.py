"""The Cloud Partner Portal API (api-version 2017-10-31): the offer list and the offer status.

Checks in the service's order: bearer token (401), api-version (400), the principal's access
to the publisher (403), the publisher and the offer (404).
"""

from __future__ import annotations

import uuid

from offergate.sandbox.offers import Offer, OfferBook
from offergate.sandbox.routing import Router
from offergate.sandbox.tokens import CLOUD_PARTNER, Credentials, Principal, Unauthorized
from offergate.sandbox.wire import RecordedRequest, Response, api_error, json_response

API_VERSION = "2017-10-31"
OFFERS = r"/api/publishers/(?P<publisher>[^/]+)/offers"
OFFER = OFFERS + r"/(?P<offer>[^/]+)"
STATUS = OFFER + r"/status"
AUTHORITY = "https://login.windows.net/common/oauth2/authorize"


class Refusal(Exception):
    """A check failed: answer `response` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _with_activity(response: Response) -> Response:
    headers = {"x-ms-request-id": str(uuid.uuid4()), **response.headers}
    return Response(response.status, response.body, response.content_type, headers)


class PartnerApi:
    """The API's handlers over the offer book and the credentials."""

    def __init__(self, book: OfferBook, credentials: Credentials) -> None:
        self._book = book
        self._credentials = credentials

    def register(self, router: Router) -> None:
        router.add("GET", OFFERS, self.list_offers)
        router.add("GET", STATUS, self.status)
        router.add("GET", OFFER, self.get_offer)

    # ---------------------------------------------------------------- handlers

    def list_offers(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            publisher = self._publisher(request, params)
        except Refusal as refusal:
            return _with_activity(refusal.response)
        entries = [self._book.list_entry(offer) for offer in self._book.offers(publisher)]
        return _with_activity(json_response(200, entries))

    def get_offer(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            offer = self._offer(request, params)
        except Refusal as refusal:
            return _with_activity(refusal.response)
        return _with_activity(json_response(200, self._book.list_entry(offer)))

    def status(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            offer = self._offer(request, params)
        except Refusal as refusal:
            return _with_activity(refusal.response)
        count = self._book.count_status_request(offer)
        every = offer.scenario.flaky_every
        if every and count % every == 0:
            return _with_activity(
                api_error(
                    503,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable. Retry after 1 second.",
                    {"Retry-After": "1"},
                )
            )
        return _with_activity(json_response(200, self._book.status_body(offer)))

    # ---------------------------------------------------------------- checks

    def _publisher(self, request: RecordedRequest, params: dict[str, str]) -> str:
        principal = self._principal(request)
        version = request.query.get("api-version")
        if version != API_VERSION:
            given = "no api-version" if version is None else f"api-version '{version}'"
            raise Refusal(
                api_error(
                    400,
                    "InvalidApiVersion",
                    f"The request has {given}. The supported api-version is '{API_VERSION}'.",
                )
            )
        publisher = params["publisher"]
        if not principal.may_access(publisher):
            raise Refusal(
                api_error(
                    403,
                    "Forbidden",
                    f"The service principal {principal.name} is not authorized for publisher '{publisher}'. "
                    "Add the application to the publisher account in Partner Center.",
                )
            )
        if not self._book.has_publisher(publisher):
            raise Refusal(api_error(404, "NotFound", f"Publisher '{publisher}' was not found."))
        return publisher

    def _offer(self, request: RecordedRequest, params: dict[str, str]) -> Offer:
        publisher = self._publisher(request, params)
        offer = self._book.find(publisher, params["offer"])
        if offer is None:
            raise Refusal(
                api_error(
                    404,
                    "NotFound",
                    f"Offer '{params['offer']}' was not found for publisher '{publisher}'.",
                )
            )
        return offer

    def _principal(self, request: RecordedRequest) -> Principal:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        try:
            return self._credentials.authenticate(token.strip() if scheme.lower() == "bearer" else None, CLOUD_PARTNER)
        except Unauthorized as refused:
            challenge = f'Bearer authorization_uri="{AUTHORITY}", error="invalid_token", error_description="{refused}"'
            raise Refusal(api_error(401, "Unauthorized", str(refused), {"WWW-Authenticate": challenge})) from None
