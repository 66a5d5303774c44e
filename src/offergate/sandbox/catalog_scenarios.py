"""The named catalog review scenarios: counts and rejected items over scenario seconds.

A scenario is a list of stages (from second `at`: so many offers published, so many
rejected) and the rejected items in the order they are rejected. Before the first stage
the catalog has no status yet (the API answers 404). At any moment the report holds
exactly the first `rejected` items, so the report always agrees with rejectedCount.
"""

from __future__ import annotations

from dataclasses import dataclass

from offergate.sandbox.report_files import ERROR, WARNING, ReportRow, seed_report_rows
from offergate.sandbox.timeline import HOUR, MINUTE


@dataclass(frozen=True)
class Stage:
    """From scenario second `at` on: `published` offers passed review, `rejected` did not."""

    at: float
    published: int
    rejected: int


@dataclass(frozen=True)
class CatalogScenario:
    """A whole review timeline. `rows` holds the final report, in order of rejection."""

    name: str
    description: str
    stages: tuple[Stage, ...]
    rows: tuple[ReportRow, ...] = ()
    unreadable: bool = False  # the report URL serves bytes that are not a ZIP

    def __post_init__(self) -> None:
        if not self.stages:
            raise ValueError(f"catalog scenario {self.name!r} has no stages")
        times = [stage.at for stage in self.stages]
        counts = [stage.rejected for stage in self.stages]
        if times != sorted(times) or counts != sorted(counts):
            raise ValueError(f"catalog scenario {self.name!r}: stages must run forward in time and count")
        if len(self.rows) != self.final_rejected:
            raise ValueError(
                f"catalog scenario {self.name!r}: {len(self.rows)} rows for {self.final_rejected} rejected"
            )

    @property
    def first_status_at(self) -> float:
        return self.stages[0].at

    @property
    def final_rejected(self) -> int:
        return self.stages[-1].rejected

    def stage(self, t: float) -> Stage | None:
        """The stage in force at scenario second `t`; None before the first (no status yet)."""
        current: Stage | None = None
        for stage in self.stages:
            if stage.at <= t:
                current = stage
        return current


# ------------------------------------------------------------------ trickle

TRICKLE_FIRST_STATUS_AT = 10 * MINUTE
TRICKLE_HOURS = 30
TRICKLE_PUBLISHED = 2000
TRICKLE_DONE_AT = TRICKLE_HOURS * HOUR
TRICKLE_REJECTIONS = (  # (hour, row): a warning first, then two errors
    (
        3,
        ReportRow(
            "TR-1001",
            "Title is too long",
            WARNING,
            "title: 162 characters, 150 allowed",
            title="Contoso Trail Runner 2 Waterproof Shoe, Men's, Wide Fit, Charcoal with Orange Laces",
            link="https://www.contoso.com/shoes/tr-1001",
            image_link="https://www.contoso.com/img/tr-1001.jpg",
            price="119.00 USD",
        ),
    ),
    (
        9,
        ReportRow(
            "TR-1002",
            "Invalid price",
            ERROR,
            "price: -5.00 USD",
            title="Contoso Sock 3-Pack",
            link="https://www.contoso.com/socks/tr-1002",
            price="-5.00 USD",
        ),
    ),
    (
        21,
        ReportRow(
            "TR-1003",
            "Missing image link",
            ERROR,
            "image_link",
            title="Contoso Insoles",
            product_type="Apparel & Accessories > Shoe Accessories",
            link="https://www.contoso.com/insoles/tr-1003",
            price="19.99 USD",
        ),
    ),
)


def _trickle() -> CatalogScenario:
    stages = [Stage(TRICKLE_FIRST_STATUS_AT, 0, 0)]
    for hour in range(1, TRICKLE_HOURS + 1):
        rejected = sum(1 for at, _ in TRICKLE_REJECTIONS if at <= hour)
        stages.append(Stage(hour * HOUR, TRICKLE_PUBLISHED * hour // TRICKLE_HOURS, rejected))
    return CatalogScenario(
        name="trickle",
        description=(
            f"no status for {TRICKLE_FIRST_STATUS_AT / MINUTE:.0f} min (404), then reviews trickle in hourly until "
            f"{TRICKLE_HOURS} h: {TRICKLE_PUBLISHED} published, 3 rejected (a warning at 3 h, errors at 9 h and 21 h)"
        ),
        stages=tuple(stages),
        rows=tuple(row for _, row in TRICKLE_REJECTIONS),
    )


# ------------------------------------------------------------------ over-threshold

OVER_THRESHOLD_REJECTED = 40
OVER_THRESHOLD_DONE_AT = 6 * HOUR
OVER_THRESHOLD_STEP = 30 * MINUTE
_OVER_THRESHOLD_REASONS = (  # cycled: three errors for each warning
    ("Invalid price", ERROR, "price: 0.00 USD"),
    ("Missing image link", ERROR, "image_link"),
    ("Title is too long", WARNING, "title: 171 characters, 150 allowed"),
    ("Invalid GTIN", ERROR, "gtin: 0000000000000"),
)


def _over_threshold_rows() -> tuple[ReportRow, ...]:
    rows = []
    for index in range(OVER_THRESHOLD_REJECTED):
        message, kind, values = _OVER_THRESHOLD_REASONS[index % len(_OVER_THRESHOLD_REASONS)]
        item = f"OT-{index + 1:04d}"
        rows.append(
            ReportRow(
                item,
                message,
                kind,
                values,
                title=f"Fabrikam Lamp, Model {index + 1}",
                link=f"https://www.fabrikam.com/lamps/{item.lower()}",
                price="39.00 USD",
            )
        )
    return tuple(rows)


def _over_threshold() -> CatalogScenario:
    steps = int(OVER_THRESHOLD_DONE_AT // OVER_THRESHOLD_STEP)
    stages = tuple(
        Stage(k * OVER_THRESHOLD_STEP, 300 + 100 * k, OVER_THRESHOLD_REJECTED * k // steps) for k in range(steps + 1)
    )
    return CatalogScenario(
        name="over-threshold",
        description=(
            f"status from the start; every 30 min more rejections (3, 6, 10, ...), {OVER_THRESHOLD_REJECTED} "
            f"rejected (30 errors, 10 warnings) and 1500 published at {OVER_THRESHOLD_DONE_AT / HOUR:.0f} h"
        ),
        stages=stages,
        rows=_over_threshold_rows(),
    )


# ------------------------------------------------------------------ the static ones

CLEAN = CatalogScenario(
    name="clean",
    description="status from the start: 1200 published, 0 rejected, no report",
    stages=(Stage(0.0, 1200, 0),),
)

SEED_ROWS = tuple(seed_report_rows())
SEED = CatalogScenario(
    name="seed",
    description=f"status from the start: 994 published, {len(SEED_ROWS)} rejected, the documentation-style report",
    stages=(Stage(0.0, 994, len(SEED_ROWS)),),
    rows=SEED_ROWS,
)

WARNINGS_ONLY_ROWS = (
    *(row for row in SEED_ROWS if row.type == WARNING),
    ReportRow(
        "ABC-310",
        "Description is too long",
        WARNING,
        "description: 5210 characters, 5000 allowed",
        title="Fabrikam Espresso Cup, Set of 2",
        link="https://www.fabrikam.com/cups/abc-310",
        price="24.00 USD",
    ),
    ReportRow(
        "ABC-311",
        "Sale price is not lower than price",
        WARNING,
        "sale_price: 30.00 USD, price: 30.00 USD",
        title="Fabrikam Kettle",
        link="https://www.fabrikam.com/kettles/abc-311",
        price="30.00 USD",
        sale_price="30.00 USD",
        sale_start="2024-06-01T00:00:00Z",
        sale_end="2024-06-15T00:00:00Z",
    ),
)
WARNINGS_ONLY = CatalogScenario(
    name="warnings-only",
    description=(
        f"status from the start: 1200 published, {len(WARNINGS_ONLY_ROWS)} rejected, every report row a Warning"
    ),
    stages=(Stage(0.0, 1200, len(WARNINGS_ONLY_ROWS)),),
    rows=WARNINGS_ONLY_ROWS,
)

UNREADABLE_REPORT = CatalogScenario(
    name="unreadable-report",
    description="status from the start: 995 published, 5 rejected, but the report URL serves a truncated ZIP",
    stages=(Stage(0.0, 995, 5),),
    rows=SEED_ROWS[:5],
    unreadable=True,
)

TRICKLE = _trickle()
OVER_THRESHOLD = _over_threshold()

ALL: tuple[CatalogScenario, ...] = (CLEAN, TRICKLE, OVER_THRESHOLD, SEED, WARNINGS_ONLY, UNREADABLE_REPORT)

CATALOG_SCENARIOS: dict[str, str] = {s.name: s.description for s in ALL}


def catalog_scenarios() -> list[str]:
    """The scenario names, for add_catalog(scenario=...)."""
    return list(CATALOG_SCENARIOS)


def get_catalog_scenario(name: str) -> CatalogScenario:
    for scenario in ALL:
        if scenario.name == name:
            return scenario
    raise ValueError(f"unknown catalog scenario {name!r}; one of {', '.join(CATALOG_SCENARIOS)}")
