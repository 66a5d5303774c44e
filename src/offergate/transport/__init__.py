"""Talking to the APIs over HTTP, one job per module.

- `session`: one `requests.Session` per service (`make_session`): credential headers stripped on
  redirects to another origin, no body resent there, `.netrc` never read, its retry policy.
- `retry`: the retry loop (`RetryPolicy`), Retry-After parsing, backoff, deadlines, debug lines.
- `send`: one request (`send`), bounded in time and size; bodies read through `iter_body`.
- `failures`: what went wrong on the way to an answer, and what to check (`transport_error`).
- `answers`: an `ApiError` from an error answer, the JSON document of a good one.
- `error_bodies`: the API's own error code and message from JSON, XML, HTML or text.
- `redaction`: URLs without credentials or query secrets, secrets scrubbed from text.
- `tokens`, `credentials`: token providers and the credentials they are made from.
- `authorized`: one authorized GET, with a single token refresh on a 401.
- `addresses`: which hosts are this machine (plain http is allowed only there).
"""
