"""The Merchant Center stores and their catalogs, each catalog following a review scenario.

Scenario time runs from when the catalog was added: (clock - added) * time_scale. Counts
never age out of the API's 30-day window in the sandbox.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from offergate.sandbox.catalog_scenarios import CatalogScenario, get_catalog_scenario
from offergate.sandbox.report_files import ReportRow

DEFAULT_DEVELOPER_TOKEN = "sandbox-developer-token"


@dataclass
class Store:
    """A Merchant Center store. `customer` is (CustomerId, CustomerAccountId) when it is managed for a customer."""

    merchant_id: str
    developer_token: str
    customer: tuple[str, str] | None
    catalogs: dict[str, Catalog] = field(default_factory=dict)


@dataclass
class Catalog:
    merchant_id: str
    id: str
    name: str
    market: str
    is_default: bool
    scenario: CatalogScenario
    t0: float  # the clock when the catalog was added: scenario second 0
    uploaded: datetime  # wall time of scenario second 0: the report's Upload Time
    rows: tuple[ReportRow, ...] | None = None  # the caller's report rows, replacing the scenario's
    report_bytes: bytes | None = None  # what the report URL serves instead of a built report
    report_file: Path | None = None  # ditto, streamed from disk
    rejected_override: int | None = None  # rejectedCount while a report override is set
    is_publishing_enabled: bool = True


@dataclass(frozen=True)
class CatalogStatus:
    """The status at one moment; `rows` are the report's items, as many as `rejected` (without overrides)."""

    published: int
    rejected: int
    rows: tuple[ReportRow, ...]


def _scaled(stage_rejected: int, scenario_final: int, rows: int) -> int:
    """The caller's rows follow the scenario's curve, ending at all of them (all at once if it has none)."""
    if scenario_final == 0:
        return rows
    return rows * stage_rejected // scenario_final


class CatalogBook:
    """Thread-safe store of stores and catalogs. Ids are matched exactly (they are numbers on the wire)."""

    def __init__(self, clock: Callable[[], float], time_scale: float) -> None:
        self._clock = clock
        self.time_scale = time_scale
        self._stores: dict[str, Store] = {}
        self._lock = threading.Lock()

    def add_store(self, merchant_id: str, developer_token: str, customer: tuple[str, str] | None) -> None:
        """A store (or new credentials for a known one; its catalogs stay)."""
        if customer is not None and not all(customer):
            raise ValueError("customer must be (customer_id, customer_account_id), both non-empty")
        with self._lock:
            store = self._stores.get(merchant_id)
            if store is None:
                self._stores[merchant_id] = Store(merchant_id, developer_token, customer)
            else:
                store.developer_token, store.customer = developer_token, customer

    def add_catalog(
        self,
        merchant_id: str,
        catalog_id: str,
        scenario: str,
        name: str | None,
        market: str,
        is_default: bool,
        rows: list[ReportRow] | None,
    ) -> Catalog:
        """A catalog following `scenario` from now on (adds the store with defaults if needed)."""
        catalog = Catalog(
            merchant_id=merchant_id,
            id=catalog_id,
            name=name if name is not None else ("Default catalog" if is_default else f"Catalog {catalog_id}"),
            market=market,
            is_default=is_default,
            scenario=get_catalog_scenario(scenario),
            t0=self._clock(),
            uploaded=datetime.now(UTC),
            rows=None if rows is None else tuple(rows),
        )
        with self._lock:
            store = self._stores.setdefault(merchant_id, Store(merchant_id, DEFAULT_DEVELOPER_TOKEN, None))
            store.catalogs[catalog_id] = catalog
        return catalog

    def find_store(self, merchant_id: str) -> Store | None:
        with self._lock:
            return self._stores.get(merchant_id)

    def catalogs(self, merchant_id: str) -> list[Catalog]:
        with self._lock:
            store = self._stores.get(merchant_id)
            return [] if store is None else list(store.catalogs.values())

    def find(self, merchant_id: str, catalog_id: str) -> Catalog | None:
        with self._lock:
            store = self._stores.get(merchant_id)
            return None if store is None else store.catalogs.get(catalog_id)

    def get(self, merchant_id: str, catalog_id: str) -> Catalog:
        catalog = self.find(merchant_id, catalog_id)
        if catalog is None:
            raise KeyError(f"{merchant_id}/{catalog_id}")
        return catalog

    def override_report(self, catalog: Catalog, data: bytes | None, path: Path | None, rejected: int | None) -> None:
        if rejected is not None and rejected < 0:
            raise ValueError("rejected must not be negative")
        with self._lock:
            catalog.report_bytes, catalog.report_file, catalog.rejected_override = data, path, rejected

    def scenario_time(self, catalog: Catalog) -> float:
        return (self._clock() - catalog.t0) * self.time_scale

    def status(self, catalog: Catalog) -> CatalogStatus | None:
        """The catalog's status now; None while it has none yet."""
        scenario = catalog.scenario
        stage = scenario.stage(self.scenario_time(catalog))
        if stage is None:
            return None
        with self._lock:
            rows, override = catalog.rows, catalog.rejected_override
        if rows is None:
            rows, rejected = scenario.rows, stage.rejected
        else:
            rejected = _scaled(stage.rejected, scenario.final_rejected, len(rows))
        if override is not None:
            rejected = override
        return CatalogStatus(stage.published, rejected, rows[:rejected])
