"""Generate realistic rejection reports of any size, the way the sandbox serves them.

Rows look like Merchant Center's: a few dozen distinct messages (errors and warnings), item
ids, values, and offer snippets with titles (some with commas, quotes or accents), product
types, links, prices and now and then a sale. About 220 bytes of CSV per row, so 1,000,000
rows make a CSV of about 220 MB (26 MB zipped). The same `rows` always give the same file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from offergate.sandbox.report_files import ReportRow, write_report_zip

MESSAGES = [
    ("Invalid price", "Error", "price"),
    ("Missing image link", "Error", "image_link"),
    ("Image could not be crawled", "Error", "image_link"),
    ("Invalid GTIN", "Error", "gtin"),
    ("Missing required attribute: brand", "Error", "brand"),
    ("Invalid landing page URL", "Error", "link"),
    ("Landing page not reachable (HTTP 404)", "Error", "link"),
    ("Price mismatch between feed and landing page", "Error", "price"),
    ("Currency does not match the target market", "Error", "price"),
    ("Item violates the editorial policy", "Error", "title"),
    ("Sale price is higher than price", "Error", "sale_price"),
    ("Invalid sale price effective date", "Error", "sale_price_effective_date"),
    ("Title is too long", "Warning", "title"),
    ("Description is too long", "Warning", "description"),
    ("Missing product category", "Warning", "product_category"),
    ("Missing recommended attribute: color", "Warning", "color"),
    ("Missing recommended attribute: size", "Warning", "size"),
    ("Image is too small", "Warning", "image_link"),
    ("Promotional text in title", "Warning", "title"),
    ("Shipping weight is missing", "Warning", "shipping_weight"),
]
PRODUCTS = [
    ("Trail Running Shoe", "Apparel & Accessories > Shoes"),
    ("Rain Jacket, Men's", "Apparel & Accessories > Clothing"),
    ("Tent for Two", "Sporting Goods > Camping"),
    ("Water Bottle", "Home & Garden > Drinkware"),
    ('"Classic" Mug', "Home & Garden > Drinkware"),
    ("Crème brûlée Torch", "Home & Garden > Kitchen"),
    ("Wireless Headphones", "Electronics > Audio"),
    ("Cotton T-Shirt", "Apparel & Accessories > Clothing"),
]
BRANDS = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove", "Adventure Works"]


def report_rows(count: int, seed: int = 5) -> Iterator[ReportRow]:
    pick = random.Random(seed)
    for number in range(count):
        message, kind, attribute = MESSAGES[int(pick.random() ** 2 * len(MESSAGES))]
        title, product_type = PRODUCTS[pick.randrange(len(PRODUCTS))]
        brand = BRANDS[number % len(BRANDS)]
        item = f"{brand[:3].upper()}-{number:08d}"
        slug = item.lower()
        price = f"{pick.randrange(5, 500)}.{pick.randrange(100):02d} USD"
        on_sale = number % 10 == 0
        yield ReportRow(
            item, message, kind, f"{attribute}: {price}" if attribute == "price" else attribute,
            title=f"{brand} {title} {number % 97}",
            product_type=product_type,
            link=f"https://www.{brand.lower().replace(' ', '')}.com/p/{slug}",
            image_link=f"https://www.{brand.lower().replace(' ', '')}.com/i/{slug}.jpg",
            price=price,
            sale_price=price.replace(".", ".5", 1) if on_sale else "",
            sale_start="2026-11-01T00:00:00Z" if on_sale else "",
            sale_end="2026-11-30T23:59:59Z" if on_sale else "",
        )  # fmt: skip


def report_zip(folder: str | Path, rows: int) -> Path:
    """The report of `rows` rows in `folder`, generated once and reused."""
    path = Path(folder) / f"report-{rows}.zip"
    if not path.exists():
        partial = path.with_suffix(".part")
        write_report_zip(
            partial, report_rows(rows), catalog_name="Benchmark catalog", catalog_id="1001", store_id="123456"
        )
        partial.rename(path)
    return path
