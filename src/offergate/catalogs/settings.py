"""What the catalog gate was asked to watch, validated (built by `offergate.config`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from offergate.core.secret import Secret
from offergate.transport.credentials import AdsCredentials


class ContentFormat(str, Enum):
    JSON = "json"
    XML = "xml"


@dataclass(frozen=True)
class CatalogSettings:
    merchant_id: str
    catalog_ids: tuple[str, ...] | None  # None: every catalog of the store (`catalog-id: all`)
    content_api_url: str
    content_format: ContentFormat
    developer_token: Secret
    credentials: AdsCredentials
    customer_id: str
    customer_account_id: str
    max_rejections: int
    ignore_warnings: bool
    expected_offers: int | None
    report_dir: str
    max_table_rows: int
    report_copies: frozenset[str] = frozenset()  # "csv", "json": the normalised copies to write
