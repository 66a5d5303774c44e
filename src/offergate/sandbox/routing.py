"""A route table: (method, path pattern) -> handler. New APIs add their routes to it."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from offergate.sandbox.wire import RecordedRequest, Response, api_error

Handler = Callable[[RecordedRequest, dict[str, str]], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Dispatches on the first route whose pattern fully matches the (raw) path.

    Named groups become the handler's params, percent-decoded. A path that matches only
    with another method gets 405; no match at all gets 404.
    """

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._lock = threading.Lock()

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        with self._lock:
            self._routes.append(Route(method.upper(), re.compile(pattern), handler))

    def dispatch(self, request: RecordedRequest) -> Response:
        with self._lock:
            routes = list(self._routes)
        allowed: list[str] = []
        for route in routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if route.method != request.method.upper():
                allowed.append(route.method)
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
            return route.handler(request, params)
        if allowed:
            return api_error(
                405,
                "MethodNotAllowed",
                f"The requested resource does not support http method '{request.method}'.",
                {"Allow": ", ".join(sorted(set(allowed)))},
            )
        return api_error(404, "NotFound", f"No HTTP resource was found that matches the request URI '{request.path}'.")
