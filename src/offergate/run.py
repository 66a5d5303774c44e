"""Wire a Config to sessions, credentials and watchers; run the gate; report the outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from offergate import __version__, http
from offergate import summary as summary_md
from offergate.auth import (
    ClientSecretCredential,
    GitHubOidcCredential,
    StaticBearer,
    TokenProvider,
)
from offergate.clock import Clock, Deadline
from offergate.config import AzureCredentials, Config, OfferSettings, OnPending, WaitUntil
from offergate.durations import format_duration
from offergate.errors import ApiError, Cancelled, ExitCode
from offergate.gate import Gate, WatchState
from offergate.github import Runner
from offergate.offer_client import OfferClient, OfferWatcher, check_offer_ids
from offergate.offer_model import OfferStatus
from offergate.signals import cancellable
from offergate.verdict import Result

USER_AGENT = f"offergate/{__version__}"
CLOUD_PARTNER_SCOPE = "https://cloudpartner.azure.com/.default"
# With `timeout: 0` the one check may still retry a transient error for this long.
ONE_CHECK_BUDGET = 60.0


@dataclass
class Outcome:
    result: Result
    exit_code: ExitCode
    states: list[WatchState] = field(default_factory=list)
    setup_error: ApiError | None = None
    cancelled: Cancelled | None = None


def azure_credential(
    creds: AzureCredentials, clock: Clock, deadline: Deadline, on_token: Callable[[str], None]
) -> TokenProvider:
    if creds.kind == "access-token":
        assert creds.access_token is not None
        return StaticBearer(creds.access_token.reveal(), "azure-access-token")
    session = http.make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT)
    if creds.kind == "client-secret":
        assert creds.client_secret is not None
        return ClientSecretCredential(
            session=session,
            clock=clock,
            authority_url=creds.authority_url,
            tenant_id=creds.tenant_id,
            client_id=creds.client_id,
            client_secret=creds.client_secret.reveal(),
            scope=CLOUD_PARTNER_SCOPE,
            on_token=on_token,
        )
    assert creds.oidc_request_token is not None
    return GitHubOidcCredential(
        session=session,
        clock=clock,
        authority_url=creds.authority_url,
        tenant_id=creds.tenant_id,
        client_id=creds.client_id,
        scope=CLOUD_PARTNER_SCOPE,
        request_url=creds.oidc_request_url,
        request_token=creds.oidc_request_token.reveal(),
        on_token=on_token,
    )


def offer_watchers(
    settings: OfferSettings, clock: Clock, deadline: Deadline, runner: Runner
) -> tuple[list[OfferWatcher], dict[str, str]]:
    """One watcher per offer, after checking the ids against the publisher's offer list."""
    auth = azure_credential(settings.credentials, clock, deadline, runner.mask)
    session = http.make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT)
    client = OfferClient(session, auth, settings, deadline)
    known = check_offer_ids(client, settings)
    watchers = [
        OfferWatcher(client, settings.publisher_id, offer_id, settings.wait_until, known[offer_id].display_text)
        for offer_id in settings.offer_ids
    ]
    return watchers, {w.key: w.display_text for w in watchers}


def run_gate(config: Config, runner: Runner, clock: Clock) -> Outcome:
    """Run every configured gate and report; returns the outcome with its exit code."""
    for notice in config.notices:
        runner.annotate("notice", notice)
    deadline = Deadline(clock, config.timeout)
    http_deadline = deadline if config.timeout > 0 else Deadline(clock, ONE_CHECK_BUDGET)
    gate: Gate | None = None
    names: dict[str, str] = {}
    outcome: Outcome
    try:
        with cancellable():
            try:
                assert config.offers is not None
                with runner.group(_group_title(config)):
                    watchers, names = offer_watchers(config.offers, clock, http_deadline, runner)
                    gate = Gate(list(watchers), clock, deadline, config.poll_interval, runner.info)
                    result = gate.run()
                outcome = Outcome(result, exit_code_for(result, config.on_pending), gate.states)
            except ApiError as error:
                outcome = Outcome(Result.ERROR, ExitCode.API_ERROR, setup_error=error)
    except Cancelled as cancelled:
        states = gate.states if gate else []
        outcome = Outcome(Result.PENDING, cancelled.exit_code, states, cancelled=cancelled)
    report(config, runner, outcome, names, deadline.elapsed())
    return outcome


def exit_code_for(result: Result, on_pending: OnPending) -> ExitCode:
    if result is Result.PASSED:
        return ExitCode.PASSED
    if result is Result.FAILED:
        return ExitCode.FAILED
    if result is Result.ERROR:
        return ExitCode.API_ERROR
    return ExitCode.PENDING if on_pending is OnPending.FAIL else ExitCode.PASSED


def _group_title(config: Config) -> str:
    assert config.offers is not None
    count = len(config.offers.offer_ids)
    return (
        f"Waiting for {count} offer{'s' if count != 1 else ''} of {config.offers.publisher_id} "
        f"(until {config.offers.wait_until.value}, every {format_duration(config.poll_interval)}, "
        f"timeout {format_duration(config.timeout)})"
    )


def headline(config: Config, outcome: Outcome) -> str:
    if outcome.cancelled is not None:
        return f"cancelled by {outcome.cancelled.signal_name}; the last known state is below"
    if outcome.setup_error is not None:
        return "the API could not be used"
    assert config.offers is not None
    target = "publisher sign-off" if config.offers.wait_until is WaitUntil.PUBLISHER_SIGNOFF else "live"
    count = len(outcome.states)
    offers = f"{count} offer{'s' if count != 1 else ''}"
    if outcome.result is Result.PASSED:
        return f"{offers} reached {target}"
    if outcome.result is Result.FAILED:
        failed = [s.watcher.key for s in outcome.states if s.result is Result.FAILED]
        return f"failed: {', '.join(failed)}"
    if outcome.result is Result.ERROR:
        return "the API could not be used"
    return f"no verdict within {format_duration(config.timeout)}"


def report(config: Config, runner: Runner, outcome: Outcome, names: dict[str, str], elapsed: float) -> None:
    """Final log line, annotations, outputs and the job summary."""
    line = f"offergate: {outcome.result.value} — {headline(config, outcome)}"
    runner.info(line)
    _annotate(config, runner, outcome)
    _outputs(runner, outcome)
    if config.write_summary:
        runner.write_summary(_summary(config, outcome, names, elapsed))


def _annotate(config: Config, runner: Runner, outcome: Outcome) -> None:
    if outcome.setup_error is not None:
        runner.annotate("error", outcome.setup_error.describe(), title="offergate: API error")
    if outcome.cancelled is not None:
        runner.annotate("warning", f"cancelled by {outcome.cancelled.signal_name} before a verdict")
        return
    for state in outcome.states:
        key = state.watcher.key
        if state.result is Result.FAILED:
            details = state.verdict.details if state.verdict and state.verdict.result is Result.FAILED else ()
            message = state.reason + "".join(f"\n{d}" for d in details)
            runner.annotate("error", message, title=f"offer {key} failed")
        elif state.result is Result.ERROR:
            runner.annotate("error", state.reason, title=f"offer {key}: API error")
        elif state.result is Result.PENDING:
            text = f"no verdict within {format_duration(config.timeout)}: {state.reason}"
            level = {OnPending.FAIL: "error", OnPending.WARN: "warning", OnPending.PASS: "notice"}
            runner.annotate(level[config.on_pending], text, title=f"offer {key} still pending")  # type: ignore[arg-type]


def _outputs(runner: Runner, outcome: Outcome) -> None:
    rows = []
    for state in outcome.states:
        observation = state.observation if isinstance(state.observation, OfferStatus) else None
        step = observation.current_step() if observation else None
        rows.append(
            {
                "id": state.watcher.key.split("/", 1)[1],
                "status": observation.status if observation else "",
                "step": step.id if step else "",
                "result": state.result.value,
            }
        )
    first = rows[0] if rows else {"status": "", "step": ""}
    runner.set_output("result", outcome.result.value)
    runner.set_output("offer-status", first["status"])
    runner.set_output("offer-step", first["step"])
    runner.set_output("offers", json.dumps(rows, ensure_ascii=False))


def _summary(config: Config, outcome: Outcome, names: dict[str, str], elapsed: float) -> str:
    assert config.offers is not None
    settings = (
        f"Offer gate for publisher {config.offers.publisher_id}: wait until "
        f"{config.offers.wait_until.value}, poll every {format_duration(config.poll_interval)}, "
        f"timeout {format_duration(config.timeout)}."
    )
    notes = []
    if outcome.setup_error is not None:
        notes.append(outcome.setup_error.describe())
    sections = [summary_md.offer_section(s, names.get(s.watcher.key, "")) for s in outcome.states]
    return summary_md.render(
        outcome.result, headline(config, outcome), sections, elapsed=elapsed, settings_line=settings, notes=notes
    )
