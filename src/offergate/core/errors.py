"""Exit codes and the errors that carry them.

Every failure the user can act on is one of these exceptions; the command line turns
it into a message and an exit code, never into a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASSED = 0
    FAILED = 1
    BAD_INPUT = 2
    PENDING = 3
    API_ERROR = 4
    CANCELLED_SIGINT = 130
    CANCELLED_SIGTERM = 143


class OffergateError(Exception):
    """Base of every error that maps to an exit code."""

    exit_code: ExitCode = ExitCode.API_ERROR


class InputError(OffergateError):
    """A bad input or configuration: exit 2. `input_name` is the action input's name."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, input_name: str | None, message: str) -> None:
        self.input_name = input_name
        self.message = message
        text = f"input '{input_name}': {message}" if input_name else message
        super().__init__(text)


class ApiError(OffergateError):
    """An API could not be used: exit 4.

    `status` is the HTTP status (None when no answer came: connection refused, timeout),
    `code` and `api_message` are the API's own error code and message when it gave them,
    `hint` says what the user can do, `transient` is True when a later attempt may succeed
    (429, 5xx, connection errors), `activity_id` is a request id to quote to support.
    `hostile` marks an answer refused as an attack (XML with a DTD or entities): never retried.
    Every string here must already be free of secrets (URLs redacted).
    """

    exit_code = ExitCode.API_ERROR
    hostile: bool = False

    def __init__(
        self,
        service: str,
        summary: str,
        *,
        status: int | None = None,
        code: str | None = None,
        api_message: str | None = None,
        hint: str | None = None,
        transient: bool = False,
        activity_id: str | None = None,
    ) -> None:
        self.service = service
        self.summary = summary
        self.status = status
        self.code = code
        self.api_message = api_message
        self.hint = hint
        self.transient = transient
        self.activity_id = activity_id
        super().__init__(self.describe())

    def reworded(self, *, hint: str | None, prefix: str | None = None) -> ApiError:
        """The same error with another hint (and `prefix: ` before its summary, when given)."""
        return ApiError(
            self.service,
            f"{prefix}: {self.summary}" if prefix else self.summary,
            status=self.status,
            code=self.code,
            api_message=self.api_message,
            hint=hint,
            transient=self.transient,
            activity_id=self.activity_id,
        )

    def describe(self) -> str:
        parts = [f"{self.service}: {self.summary}"]
        if self.code or self.api_message:
            detail = " ".join(p for p in (f"[{self.code}]" if self.code else "", self.api_message or "") if p)
            parts.append(f"the API said: {detail}")
        if self.activity_id:
            parts.append(f"activity id {self.activity_id}")
        if self.hint:
            parts.append(self.hint)
        return ". ".join(part.rstrip(". ") for part in parts if part.strip())


class Cancelled(BaseException):
    """Raised from a signal handler (SIGINT, SIGTERM) to stop the wait.

    A BaseException so that no `except Exception` on the way swallows it.
    """

    def __init__(self, signal_name: str, exit_code: ExitCode) -> None:
        self.signal_name = signal_name
        self.exit_code = exit_code
        super().__init__(f"cancelled by {signal_name}")
