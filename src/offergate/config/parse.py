"""Parse and validate every input once into a typed, frozen Config composed of each gate's settings.

Errors name the input and say what to do; secrets are kept out of repr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from offergate.catalogs.settings import CatalogSettings
from offergate.config.catalogs import catalog_settings, check_report_dir
from offergate.config.inputs import with_defaults
from offergate.config.offers import offer_settings
from offergate.config.product_ingestion import OfferApi, offer_api, product_ingestion_settings
from offergate.config.values import parse_bool, parse_choice, parse_seconds
from offergate.core.errors import InputError
from offergate.core.outcome import OnPending
from offergate.core.schedule import PollStrategy
from offergate.offers.product_ingestion.settings import ProductIngestionSettings
from offergate.offers.settings import OfferSettings

MIN_POLL_INTERVAL = 1.0


def workspace_of(env: Mapping[str, str]) -> Path:
    """Where report files go: the job's workspace, or the current folder outside GitHub."""
    return Path(env.get("GITHUB_WORKSPACE") or ".")


@dataclass(frozen=True)
class Config:
    offers: OfferSettings | None
    catalogs: CatalogSettings | None
    timeout: float
    poll_interval: float
    on_pending: OnPending
    write_summary: bool
    notices: tuple[str, ...] = field(default=())
    poll_strategy: PollStrategy = PollStrategy.FIXED
    product_ingestion: ProductIngestionSettings | None = None


def parse_config(given: Mapping[str, str], env: Mapping[str, str]) -> Config:
    """Build the Config from inputs (missing ones take their defaults) and the environment."""
    raw = with_defaults(given)
    timeout = parse_seconds("timeout", raw["timeout"])
    poll_interval = parse_seconds("poll-interval", raw["poll-interval"], minimum=MIN_POLL_INTERVAL)
    poll_strategy = parse_choice("poll-strategy", raw["poll-strategy"], PollStrategy)
    on_pending = parse_choice("on-pending", raw["on-pending"], OnPending)
    write_summary = parse_bool("summary", raw["summary"])
    notices: list[str] = []
    offers = offer_settings(raw, env, notices) if offer_api(raw) is OfferApi.CLOUD_PARTNER_PORTAL else None
    product_ingestion = product_ingestion_settings(raw, env, notices)
    catalogs = catalog_settings(raw, notices)
    if catalogs is not None:
        check_report_dir(workspace_of(env), catalogs.report_dir)
    if offers is None and catalogs is None and product_ingestion is None:
        raise InputError(
            None,
            "nothing to gate: give publisher-id and offer-id (the offer gate), or merchant-id, "
            "catalog-id and developer-token (the catalog gate), or both",
        )
    return Config(
        offers=offers,
        catalogs=catalogs,
        timeout=timeout,
        poll_interval=poll_interval,
        on_pending=on_pending,
        write_summary=write_summary,
        notices=tuple(notices),
        poll_strategy=poll_strategy,
        product_ingestion=product_ingestion,
    )
