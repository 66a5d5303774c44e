"""Wire a Config to sessions, credentials and watchers; run the gate under cancellation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from offergate import __version__
from offergate.catalogs.settings import CatalogSettings
from offergate.config.parse import Config
from offergate.core.clock import Clock, Deadline
from offergate.core.durations import format_duration
from offergate.core.errors import ApiError, Cancelled, ExitCode
from offergate.core.gate import Gate, Watcher
from offergate.core.outcome import Outcome, exit_code_for
from offergate.core.schedule import PollStrategy
from offergate.core.signals import cancellable
from offergate.core.verdict import Result
from offergate.core.wording import plural
from offergate.github.runner import Runner
from offergate.offers.cloud_partner_portal.client import OfferClient, OfferWatcher, check_offer_ids
from offergate.offers.settings import OfferSettings
from offergate.transport.credentials import ads_token_provider, azure_token_provider
from offergate.transport.session import make_session

USER_AGENT = f"offergate/{__version__}"
CLOUD_PARTNER_SCOPE = "https://cloudpartner.azure.com/.default"
ADS_SCOPE = "https://ads.microsoft.com/msads.manage offline_access"
CONTENT_API_CREDENTIALS = ("Authorization", "AuthenticationToken", "DeveloperToken", "CustomerId", "CustomerAccountId")
# With `timeout: 0` the one check may still retry a transient error for this long.
ONE_CHECK_BUDGET = 60.0


def offer_watchers(settings: OfferSettings, clock: Clock, deadline: Deadline, runner: Runner) -> list[Watcher]:
    """One watcher per offer, after checking the ids against the publisher's offer list."""
    auth = azure_token_provider(
        settings.credentials,
        scope=CLOUD_PARTNER_SCOPE,
        session=lambda: make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT),
        clock=clock,
        on_token=runner.mask,
    )
    session = make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT)
    client = OfferClient(session, auth, settings, deadline)
    known = check_offer_ids(client, settings)
    return [
        OfferWatcher(client, settings.publisher_id, offer_id, settings.wait_until, known[offer_id].display_text)
        for offer_id in settings.offer_ids
    ]


def catalog_watchers(
    settings: CatalogSettings, clock: Clock, deadline: Deadline, runner: Runner, workspace: Path
) -> list[Watcher]:
    """One watcher per catalog (every catalog of the store for `catalog-id: all`)."""
    # Lazily: the catalog gate's client brings the report reader (ZIP, CSV) and the XML parser,
    # which an offers-only run never needs.
    from offergate.catalogs.client import CatalogClient, CatalogWatcher, resolve_catalogs

    auth = ads_token_provider(
        settings.credentials,
        scope=ADS_SCOPE,
        session=lambda: make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT),
        clock=clock,
        on_token=runner.mask,
    )
    session = make_session(
        clock=clock, deadline=deadline, user_agent=USER_AGENT, credential_headers=CONTENT_API_CREDENTIALS
    )
    client = CatalogClient(session, auth, settings, deadline)
    downloads = make_session(clock=clock, deadline=deadline, user_agent=USER_AGENT)
    return [
        CatalogWatcher(
            client=client,
            download_session=downloads,
            settings=settings,
            catalog_id=catalog_id,
            clock=clock,
            deadline=deadline,
            report_dir=workspace / settings.report_dir,
            on_secret=runner.mask,
        )
        for catalog_id in resolve_catalogs(client, settings)
    ]


def workspace_of(env: Mapping[str, str]) -> Path:
    """Where report files go: the job's workspace, or the current folder outside GitHub."""
    return Path(env.get("GITHUB_WORKSPACE") or ".")


def run_gate(config: Config, runner: Runner, clock: Clock, env: Mapping[str, str]) -> Outcome:
    """Run every configured gate; report outputs, annotations and the summary; return the outcome."""
    for notice in config.notices:
        runner.annotate("notice", notice)
    deadline = Deadline(clock, config.timeout)
    http_deadline = deadline if config.timeout > 0 else Deadline(clock, ONE_CHECK_BUDGET)
    gate: Gate | None = None
    try:
        with cancellable():
            try:
                with runner.group(group_title(config)):
                    watchers: list[Watcher] = []
                    if config.offers is not None:
                        watchers += offer_watchers(config.offers, clock, http_deadline, runner)
                    if config.catalogs is not None:
                        watchers += catalog_watchers(config.catalogs, clock, http_deadline, runner, workspace_of(env))
                    gate = Gate(watchers, clock, deadline, config.poll_interval, runner.info, config.poll_strategy)
                    result = gate.run()
                outcome = Outcome(result, exit_code_for(result, config.on_pending), gate.states)
            except ApiError as error:
                states = gate.states if gate else []
                outcome = Outcome(Result.ERROR, ExitCode.API_ERROR, states, setup_error=error)
    except Cancelled as cancelled:
        states = gate.states if gate else []
        outcome = Outcome(Result.PENDING, cancelled.exit_code, states, cancelled=cancelled)
    outcome.elapsed = deadline.elapsed()
    from offergate.github.reporting import report  # lazily: not needed before the first request

    report(config, runner, outcome)
    return outcome


def group_title(config: Config) -> str:
    watched = []
    if config.offers is not None:
        watched.append(
            f"{plural(len(config.offers.offer_ids), 'offer')} of {config.offers.publisher_id} "
            f"(until {config.offers.wait_until.value})"
        )
    if config.catalogs is not None:
        ids = config.catalogs.catalog_ids
        what = "every catalog" if ids is None else plural(len(ids), "catalog")
        watched.append(f"{what} of store {config.catalogs.merchant_id}")
    adaptive = " (adaptive)" if config.poll_strategy is PollStrategy.ADAPTIVE and config.offers is not None else ""
    return (
        f"Watching {' and '.join(watched)}, every {format_duration(config.poll_interval)}{adaptive}, "
        f"timeout {format_duration(config.timeout)}"
    )
