"""Report shapes for the benchmarks: no single shape to tune the reader to.

Each shape yields the five body fields of every row (Item Id, Message, Type, Values, Offer
Snippet); `shape_zip` writes them the way Microsoft's example report is written (every field
quoted, CRLF lines, the four preamble rows) into MerchantCatalogReport.csv inside a ZIP.

    generated       the sandbox-like rows of reportgen.py (about 220 bytes a row)
    microsoft       the example report's rows from Microsoft's page, repeated with varied ids
                    and prices: snippets ending `;24.25;-1;;`, `>` category paths, `$` and `?`
                    in image URLs, messages with a trailing space, five-part snippets
    unicode         titles, messages and product types in many scripts (CJK, Arabic, Devanagari,
                    emoji, combining marks)
    long            values and snippets of about 500 characters each
    many-messages   50,000 distinct messages (past the 10,000-group cap), with quotes and commas
    odd-snippets    snippets of 1 to 14 parts: fewer and more `;` than the eight documented
    mixed-types     Error and Warning mixed (and `error`, ` WARNING `), quotes, commas, new lines

The same (shape, rows) always give the same file.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from reportgen import report_rows

Fields = tuple[str, str, str, str, str]

# The rows of Microsoft's example report (content-api-how-get-status-product-offers).
MICROSOFT_ROWS: list[Fields] = [
    ("SKU1234", "The product URL should be a sub-path of the store's domain. ", "Error", "",
     ";eBay Motors>Parts & Accessories>Car & Truck Parts>Brakes>Brake Hoses>;;$_1.JPG?set_id=880000500F;24.25;-1;;"),
    ("SKU5678", "The product URL should be a sub-path of the store's domain. ", "Error", "", ";;;;1205;-1;;"),
    ("SKU0987", "The product URL should be a sub-path of the store's domain. ", "Error", "",
     ";Apparel & Accessories > Clothing > Outerwear;;;1;-1;;"),
    ("SKU6543", "The price field is required.", "Error", "", "Mens T-shirt;N/A;;;N/A"),
    ("SKU2435", "The offer expiration date is in the past.", "Error", "",
     "full product title;Apparel & Accessories > Clothing > Outerwear;;;1.00"),
    ("SKU8675", "The price field is required.", "Error", "", "Mens T-shirt;N/A;;;N/A"),
]  # fmt: skip
PREAMBLE = [
    ["Catalog Name", "Catalog Id", "Store Id", "Upload Time"],
    ["Default Catalog", "1001", "5678", "04/21/2016 01:59:06"],
    [],
    ["Item Id", "Message", "Type", "Values", "Offer Snippet"],
]
SCRIPTS = [
    "日本語の商品タイトル", "中文产品标题", "한국어 제품", "منتج عربي", "उत्पाद शीर्षक", "Ελληνικό προϊόν",
    "Русский товар", "Crème brûlée", "🎧 Wireless 🎶", "e\u0301te\u0301 cafe\u0301", "ไทย สินค้า", "עברית מוצר",
]  # fmt: skip
WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "red", "green", "blue", "black",
    "white", "steel", "cotton", "wool", "leather", "outdoor", "indoor", "kitchen", "garden",
    "premium", "classic", "deluxe", "compact", "portable",
]  # fmt: skip


def _generated(count: int) -> Iterator[Fields]:
    for row in report_rows(count):
        yield row.fields()


def _microsoft(count: int) -> Iterator[Fields]:
    pick = random.Random(11)
    for number in range(count):
        item, message, kind, values, snippet = MICROSOFT_ROWS[number % len(MICROSOFT_ROWS)]
        price = f"{pick.randrange(1, 3000)}.{pick.randrange(100):02d}"
        snippet = snippet.replace("24.25", price).replace(";1205;", f";{pick.randrange(1, 9999)};")
        yield f"{item[:3]}{number:07d}", message, kind, values, snippet.replace("880000500F", f"{number:010X}")


def _unicode(count: int) -> Iterator[Fields]:
    pick = random.Random(12)
    for number in range(count):
        title = f"{SCRIPTS[number % len(SCRIPTS)]} {number % 997}"
        message = ["価格が無効です", "Le prix est invalide", "السعر غير صالح", "Invalid price ✗"][number % 4]
        kind = "Error" if pick.random() < 0.7 else "Warning"
        snippet = f"{title};{SCRIPTS[(number * 7) % len(SCRIPTS)]};https://example.com/p/{number};;{number % 500}.99;;;"
        yield f"商品-{number:08d}", message, kind, f"価格: {number % 500}", snippet


def _words(pick: random.Random, length: int) -> str:
    text: list[str] = []
    size = 0
    while size < length:
        word = WORDS[pick.randrange(len(WORDS))] + str(pick.randrange(1000))
        text.append(word)
        size += len(word) + 1
    return " ".join(text)[:length]


def _long(count: int) -> Iterator[Fields]:
    pick = random.Random(13)
    for number in range(count):
        title = _words(pick, 200)
        link = "https://www.example.com/p/" + _words(pick, 120).replace(" ", "-")
        image = "https://img.example.com/i/" + _words(pick, 120).replace(" ", "_") + ".jpg?w=800&h=600"
        snippet = f"{title};Home & Garden > Kitchen > Cookware;{link};{image};{number % 900}.00;-1;;"
        kind = "Error" if number % 3 else "Warning"
        yield f"LONG-{number:09d}", f"Attribute value too long ({number % 40})", kind, _words(pick, 500), snippet


def _many_messages(count: int) -> Iterator[Fields]:
    for number in range(count):
        distinct = number % 50_000
        message = f'Attribute "custom_label_{distinct}" has an invalid value, see rule {distinct * 7 % 1000}'
        kind = "Error" if distinct % 5 else "Warning"
        yield f"MM-{number:08d}", message, kind, f"custom_label_{distinct}", f"Item {number};;;;{number % 300}.50;;;"


def _odd_snippets(count: int) -> Iterator[Fields]:
    pick = random.Random(14)
    parts = ["Chair", "Home > Furniture", "https://x.example/p", "https://x.example/i.png?a=1", "19.99", "-1", "", ""]
    for number in range(count):
        width = pick.randrange(1, 15)
        snippet = ";".join((parts * 2)[:width])
        yield f"ODD-{number:08d}", f"Snippet has {width} parts", "Error", "", snippet


def _mixed_types(count: int) -> Iterator[Fields]:
    pick = random.Random(15)
    kinds = ["Error", "Warning", "error", " WARNING ", "Warning", "Error"]
    messages = [
        'The "price" field, in USD, is required.',
        "Image is too small; use 800x800, or larger",
        "Line one\nline two of the message",
        "Description exceeds 5,000 characters",
    ]
    for number in range(count):
        message = messages[pick.randrange(len(messages))]
        snippet = f'Title, "quoted" {number};Apparel > Shoes;https://s.example/{number};;{number % 70}.00;;;'
        yield f"MX-{number:08d}", message, kinds[number % len(kinds)], "price=-5.00", snippet


SHAPES: dict[str, Callable[[int], Iterator[Fields]]] = {
    "generated": _generated,
    "microsoft": _microsoft,
    "unicode": _unicode,
    "long": _long,
    "many-messages": _many_messages,
    "odd-snippets": _odd_snippets,
    "mixed-types": _mixed_types,
}


def shape_zip(folder: str | Path, shape: str, rows: int) -> Path:
    """The report of `rows` rows of `shape` in `folder`, generated once and reused."""
    path = Path(folder) / f"{shape}-{rows}.zip"
    if path.exists():
        return path
    partial = path.with_suffix(".part")
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    with (
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        archive.open("MerchantCatalogReport.csv", "w", force_zip64=True) as member,
    ):
        writer.writerows(PREAMBLE)
        for number, fields in enumerate(SHAPES[shape](rows), 1):
            writer.writerow(fields)
            if number % 4096 == 0:
                member.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
        member.write(buffer.getvalue().encode("utf-8"))
    partial.rename(path)
    return path
