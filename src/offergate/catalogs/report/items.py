"""What a report's digest keeps: its header block, the first rejected items, the message groups."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportHeader:
    catalog_name: str
    catalog_id: str
    store_id: str
    upload_time: str


@dataclass(frozen=True)
class RejectedItem:
    item_id: str
    message: str
    type: str
    values: str
    title: str
    product_type: str
    link: str
    image_link: str
    price: str
    sale_price: str
    sale_start: str
    sale_end: str


@dataclass
class MessageGroup:
    message: str
    type: str
    count: int
    sample_item_ids: list[str] = field(default_factory=list)
