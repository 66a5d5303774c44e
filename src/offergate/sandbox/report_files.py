"""The catalog status report: MerchantCatalogReport.csv inside MerchantCatalogReport.zip.

Layout, as Microsoft documents it: row 1 names the catalog fields (Catalog Name, Catalog Id,
Store Id, Upload Time), row 2 holds their values, row 3 is blank, row 4 names the body
fields (Item Id, Message, Type, Values, Offer Snippet) and every later row is one rejected
item. Type is Error or Warning. The Offer Snippet is
`title;productType;link;imageLink;price;salePrice;saleStartDate;saleEndDate`, any part empty.

Like real reports the file starts with a UTF-8 byte order mark, ends its lines with CRLF and
quotes the fields that hold commas, quotes or line breaks. `write_report_zip` streams rows
into the archive, so a report of a million rows is never held in memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import IO

CSV_NAME = "MerchantCatalogReport.csv"
ZIP_NAME = "MerchantCatalogReport.zip"
ZIP_CONTENT_TYPE = "application/x-zip-compressed"
HEADER_FIELDS = ("Catalog Name", "Catalog Id", "Store Id", "Upload Time")
BODY_FIELDS = ("Item Id", "Message", "Type", "Values", "Offer Snippet")
ERROR = "Error"
WARNING = "Warning"
BOM = "\ufeff"
BATCH = 2000  # rows encoded per write


@dataclass(slots=True)
class ReportRow:
    """One rejected item. `type` is "Error" or "Warning"; the rest make up the offer snippet.

    Not frozen: a frozen dataclass is three times slower to make, which counts for the
    million-row reports of benchmarks. Treat rows as values all the same.
    """

    item_id: str
    message: str
    type: str
    values: str
    title: str = ""
    product_type: str = ""
    link: str = ""
    image_link: str = ""
    price: str = ""
    sale_price: str = ""
    sale_start: str = ""
    sale_end: str = ""

    @property
    def snippet(self) -> str:
        """title;productType;link;imageLink;price;salePrice;saleStartDate;saleEndDate."""
        return (
            f"{self.title};{self.product_type};{self.link};{self.image_link};"
            f"{self.price};{self.sale_price};{self.sale_start};{self.sale_end}"
        )

    def fields(self) -> tuple[str, str, str, str, str]:
        return (self.item_id, self.message, self.type, self.values, self.snippet)


def upload_stamp(moment: datetime | str) -> str:
    """The Upload Time value: a string as given, a datetime as 2024-05-01T10:15:00Z (UTC)."""
    if isinstance(moment, str):
        return moment
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def report_chunks(
    rows: Iterable[ReportRow], *, catalog_name: str, catalog_id: str, store_id: str, upload_time: datetime | str
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks (BOM first, CRLF lines), a batch of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow(HEADER_FIELDS)
    writer.writerow((catalog_name, catalog_id, store_id, upload_stamp(upload_time)))
    buffer.write("\r\n")
    writer.writerow(BODY_FIELDS)
    items = iter(rows)
    while True:
        batch = list(islice(items, BATCH))
        writer.writerows(row.fields() for row in batch)
        yield buffer.getvalue().encode("utf-8")
        if len(batch) < BATCH:
            return
        buffer.seek(0)
        buffer.truncate()


def _write_zip(
    target: str | Path | IO[bytes],
    rows: Iterable[ReportRow],
    catalog_name: str,
    catalog_id: str,
    store_id: str,
    upload_time: datetime | str,
) -> None:
    with (
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        archive.open(CSV_NAME, "w", force_zip64=True) as member,
    ):
        for chunk in report_chunks(
            rows, catalog_name=catalog_name, catalog_id=catalog_id, store_id=store_id, upload_time=upload_time
        ):
            member.write(chunk)


def build_report_zip(
    rows: Iterable[ReportRow], *, catalog_name: str, catalog_id: str, store_id: str, upload_time: datetime | str
) -> bytes:
    """The report archive in memory (for the sandbox's small reports and for tests)."""
    buffer = io.BytesIO()
    _write_zip(buffer, rows, catalog_name, catalog_id, store_id, upload_time)
    return buffer.getvalue()


def write_report_zip(
    path: str | Path,
    rows: Iterable[ReportRow],
    *,
    catalog_name: str = "Default catalog",
    catalog_id: str = "1001",
    store_id: str = "123456",
    upload_time: datetime | str = "2024-05-01T10:15:00Z",
) -> Path:
    """The report archive written to `path`, streaming: `rows` may be a generator of millions."""
    target = Path(path)
    _write_zip(target, rows, catalog_name, catalog_id, store_id, upload_time)
    return target


def not_a_zip(data: bytes) -> bytes:
    """Bytes that are not a readable ZIP: the first half of a real archive (it still starts with PK)."""
    return data[: max(4, len(data) // 2)]


def seed_report_rows() -> list[ReportRow]:
    """The documentation's kind of sample: four errors and two warnings, one quoted comma among them."""
    return [
        ReportRow(
            "XYZ-123",
            "Invalid price",
            ERROR,
            "price: 0.00 USD",
            title="Contoso Trail Shoe",
            product_type="Apparel & Accessories > Shoes",
            link="https://www.contoso.com/shoes/xyz-123",
            image_link="https://www.contoso.com/img/xyz-123.jpg",
            price="0.00 USD",
        ),
        ReportRow(
            "XYZ-124",
            "Missing image link",
            ERROR,
            "image_link",
            title="Contoso Rain Jacket, Men's",
            product_type="Apparel & Accessories > Clothing > Outerwear",
            link="https://www.contoso.com/jackets/xyz-124",
            price="89.99 USD",
            sale_price="69.99 USD",
            sale_start="2024-05-01T00:00:00Z",
            sale_end="2024-05-31T23:59:59Z",
        ),
        ReportRow(
            "XYZ-125",
            "Title is too long",
            WARNING,
            "title: 187 characters, 150 allowed",
            title="Contoso Ultralight Backpacking Tent for Two, Three-Season, Freestanding, With Footprint",
            link="https://www.contoso.com/tents/xyz-125",
            image_link="https://www.contoso.com/img/xyz-125.jpg",
            price="249.00 USD",
        ),
        ReportRow(
            "XYZ-126",
            "Invalid GTIN ",
            ERROR,
            "gtin: 12345",
            title="Contoso Water Bottle",
            link="https://www.contoso.com/bottles/xyz-126",
            price="12.50 USD",
        ),
        ReportRow(
            "ABC-200",
            "Missing product category",
            WARNING,
            "product_category",
            title='Fabrikam "Classic" Mug',
            link="https://www.fabrikam.com/mugs/abc-200",
            image_link="https://www.fabrikam.com/img/abc-200.png",
            price="9.99 USD",
        ),
        ReportRow(
            "ABC-201",
            "Invalid landing page URL",
            ERROR,
            "link: htp://www.fabrikam.com/abc-201",
            title="Fabrikam Travel Mug",
            link="htp://www.fabrikam.com/abc-201",
            price="14.99 USD",
        ),
    ]
