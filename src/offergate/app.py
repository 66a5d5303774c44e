"""Wire a Config to sessions, credentials and each gate's backend; run the gate under cancellation, then report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from offergate import __version__
from offergate.catalogs.settings import CatalogSettings
from offergate.config.parse import Config, workspace_of
from offergate.core.backend import Backend, Ending
from offergate.core.clock import Clock, Deadline
from offergate.core.durations import format_duration
from offergate.core.errors import ApiError, Cancelled, ExitCode
from offergate.core.gate import Gate
from offergate.core.outcome import Outcome, exit_code_for
from offergate.core.schedule import PollStrategy
from offergate.core.signals import cancellable, held
from offergate.core.verdict import Result
from offergate.github.runner import Runner
from offergate.offers.cloud_partner_portal.backend import CloudPartnerPortalOffers
from offergate.offers.cloud_partner_portal.client import OfferClient
from offergate.offers.product_ingestion.settings import ProductIngestionSettings
from offergate.offers.settings import OfferSettings
from offergate.transport.credentials import AzureCredentials, ads_token_provider, azure_token_provider
from offergate.transport.session import CredentialSession, make_session
from offergate.transport.tokens import TokenProvider

USER_AGENT = f"offergate/{__version__}"
CLOUD_PARTNER_SCOPE = "https://cloudpartner.azure.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
CLOUD_PARTNER_PORTAL_MAINTENANCE = (
    "Microsoft keeps the Cloud Partner Portal API in maintenance mode, for existing offers only; the "
    "Product Ingestion API replaces it and also sees offers created since. To switch, give "
    "`offer-api: product-ingestion` with the same offer-id and credentials (see the README's section "
    "Moving from the Cloud Partner Portal API)."
)
ADS_SCOPE = "https://ads.microsoft.com/msads.manage offline_access"
CONTENT_API_CREDENTIALS = ("Authorization", "AuthenticationToken", "DeveloperToken", "CustomerId", "CustomerAccountId")
# With `timeout: 0` the one check may still retry a transient error for this long.
ONE_CHECK_BUDGET = 60.0


@dataclass(frozen=True)
class Wiring:
    """What every backend's sessions and credentials are made with."""

    clock: Clock
    deadline: Deadline
    runner: Runner

    def session(
        self,
        credential_headers: Sequence[str] = ("Authorization",),
        debug: Callable[[str], None] | None = None,
    ) -> CredentialSession:
        """A session on the run's clock and deadline, its requests and retries in the debug log."""
        return make_session(
            clock=self.clock,
            deadline=self.deadline,
            user_agent=USER_AGENT,
            credential_headers=credential_headers,
            debug=debug or self.runner.debug,
        )

    def azure_token(self, creds: AzureCredentials, scope: str) -> TokenProvider:
        return azure_token_provider(
            creds, scope=scope, session=self.session, clock=self.clock, on_token=self.runner.mask
        )


def offer_backend(settings: OfferSettings, wiring: Wiring) -> Backend:
    auth = wiring.azure_token(settings.credentials, CLOUD_PARTNER_SCOPE)
    client = OfferClient(wiring.session(), auth, settings, wiring.deadline)
    return CloudPartnerPortalOffers(client, settings)


def product_ingestion_backend(settings: ProductIngestionSettings, wiring: Wiring) -> Backend:
    from offergate.offers.product_ingestion.backend import ProductIngestionOffers
    from offergate.offers.product_ingestion.client import IngestionClient

    auth = wiring.azure_token(settings.credentials, GRAPH_SCOPE)
    client = IngestionClient(wiring.session(), auth, settings, wiring.deadline)
    return ProductIngestionOffers(client, settings, wiring.clock)


def catalog_backend(settings: CatalogSettings, wiring: Wiring, workspace: Path) -> Backend:
    # Lazily: the catalog gate brings the report reader (ZIP, CSV) and the XML parser, which an
    # offers-only run never needs.
    from offergate.catalogs.backend import ContentApiCatalogs
    from offergate.catalogs.client import CatalogClient
    from offergate.catalogs.watcher import hosts_only

    auth = ads_token_provider(
        settings.credentials, scope=ADS_SCOPE, session=wiring.session, clock=wiring.clock, on_token=wiring.runner.mask
    )
    client = CatalogClient(wiring.session(credential_headers=CONTENT_API_CREDENTIALS), auth, settings, wiring.deadline)
    return ContentApiCatalogs(
        client,
        settings,
        # the report URL (and a redirect's) is printed as its host only: its path may hold a token
        download_session=wiring.session(debug=lambda line: wiring.runner.debug(hosts_only(line))),
        clock=wiring.clock,
        deadline=wiring.deadline,
        workspace=workspace,
        on_secret=wiring.runner.mask,
    )


def backends_of(config: Config, clock: Clock, deadline: Deadline, runner: Runner, workspace: Path) -> list[Backend]:
    """One backend per configured gate, in the order they are reported."""
    backends = []
    wiring = Wiring(clock, deadline, runner)
    if config.offers is not None:
        runner.annotate("notice", CLOUD_PARTNER_PORTAL_MAINTENANCE, title="offergate: Cloud Partner Portal API")
        backends.append(offer_backend(config.offers, wiring))
    if config.product_ingestion is not None:
        backends.append(product_ingestion_backend(config.product_ingestion, wiring))
    if config.catalogs is not None:
        backends.append(catalog_backend(config.catalogs, wiring, workspace))
    return backends


def run_gate(config: Config, runner: Runner, clock: Clock, env: Mapping[str, str]) -> Outcome:
    """Run every configured gate; report outputs, annotations and the summary; return the outcome."""
    for notice in config.notices:
        runner.annotate("notice", notice)
    deadline = Deadline(clock, config.timeout)
    http_deadline = deadline if config.timeout > 0 else Deadline(clock, ONE_CHECK_BUDGET)
    backends = backends_of(config, clock, http_deadline, runner, workspace_of(env))
    for notice in (notice for backend in backends for notice in backend.notices(config.timeout)):
        runner.annotate("notice", notice)
    gate: Gate | None = None
    try:
        with cancellable():
            try:
                with runner.group(group_title(config, backends)):
                    watches = [watch for backend in backends for watch in backend.start()]
                    gate = Gate(watches, clock, deadline, config.poll_interval, runner.info, config.poll_strategy)
                    result = gate.run()
                outcome = Outcome(result, exit_code_for(result, config.on_pending), gate.states)
            except ApiError as error:
                states = gate.states if gate else []
                outcome = Outcome(Result.ERROR, ExitCode.API_ERROR, states, setup_error=error)
    except Cancelled as cancelled:
        states = gate.states if gate else []
        outcome = Outcome(Result.PENDING, cancelled.exit_code, states, cancelled=cancelled)
    outcome.elapsed = deadline.elapsed()
    from offergate.github.reporting import RunSettings, report  # lazily: not needed before the first request

    ending = Ending(config.timeout, config.on_pending)
    settings = RunSettings(config.timeout, config.poll_interval, config.write_summary)
    report(runner, outcome, [backend.present(ending) for backend in backends], settings)
    late = held()  # a signal while reporting (held by the command line) waited for the report
    if late is not None and outcome.cancelled is None:
        runner.info(f"offergate: {late} came after the verdict; the report was finished first")
    return outcome


def group_title(config: Config, backends: list[Backend]) -> str:
    watched = " and ".join(backend.watched for backend in backends)
    adaptive = config.poll_strategy is PollStrategy.ADAPTIVE and any(backend.adaptive for backend in backends)
    return (
        f"Watching {watched}, every {format_duration(config.poll_interval)}{' (adaptive)' if adaptive else ''}, "
        f"timeout {format_duration(config.timeout)}"
    )
