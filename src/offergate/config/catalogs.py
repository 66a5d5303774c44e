"""The catalog gate's inputs, read into `CatalogSettings`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from offergate.catalogs.report.folder import CATALOG_ID, COPY_KINDS, ReportFolderError, check_report_folder
from offergate.catalogs.settings import CatalogSettings, ContentFormat
from offergate.config.credentials import ads_credentials
from offergate.config.values import (
    parse_base_url,
    parse_bool,
    parse_choice,
    parse_count,
    parse_id_list,
    parse_identifier,
    parse_list,
    parse_listed_id,
    parse_secret,
    shown,
    url_path_segments,
)
from offergate.core.errors import InputError
from offergate.core.secret import Secret

MAX_REPORT_DIR = 1024


def parse_report_dir(value: str) -> str:
    """A folder inside the workspace, given relative to it (so upload-artifact can use it as is)."""
    text = value.strip().replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or text.startswith("/") or ".." in parts:
        raise InputError("report-dir", f"{shown(value)} must be a folder inside the workspace, given relative to it")
    if not text.isprintable():
        raise InputError("report-dir", f"{shown(value)} holds an unprintable character: give a plain folder name")
    if len(text) > MAX_REPORT_DIR or any(len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
        raise InputError(
            "report-dir", f"{shown(value)} is too long: at most {MAX_REPORT_DIR} characters, 255 bytes a folder"
        )
    return "/".join(parts)


def parse_content_api_url(value: str) -> str:
    """content-api-url, refused when it already holds the merchant id or catalog path the gate appends."""
    url = parse_base_url("content-api-url", value)
    segments = url_path_segments(url)
    if segments and (segments[-1].isdigit() or "catalogs" in segments):
        raise InputError(
            "content-api-url",
            "already holds part of the path the gate appends to it ({merchant-id}/catalogs/…): give the URL "
            "up to /bmc/, such as https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/ (the store id "
            "goes in merchant-id)",
        )
    return url


def check_report_dir(workspace: Path, report_dir: str) -> None:
    """Before the run: nothing in the way of the report folder (a symbolic link, a file)."""
    try:
        check_report_folder(workspace, report_dir)
    except ReportFolderError as error:
        raise InputError("report-dir", str(error)) from None


def parse_report_copies(value: str) -> frozenset[str]:
    """`none`, or `csv`, `json` or both, separated by commas."""
    items = {item.lower() for item in parse_list(value)}
    if items <= {"none"}:
        return frozenset()
    unknown = sorted(items - set(COPY_KINDS))
    if unknown or "none" in items:
        raise InputError("report-copies", f"{shown(value.strip())} is not none, csv, json or csv,json")
    return frozenset(items)


def parse_catalog_id(value: str) -> str:
    """A Content API catalog id (digits), or a name given by mistake, which the check against the
    store's catalog list answers with the id of that name. Only ids from that list, checked to be
    digits again, ever name report files."""
    if CATALOG_ID.fullmatch(value):
        return value
    try:
        return parse_listed_id("catalog-id", value)
    except InputError:
        raise InputError(
            "catalog-id", f"{shown(value)} is not a valid id: Content API catalog ids are digits"
        ) from None


def catalog_settings(raw: Mapping[str, str], notices: list[str]) -> CatalogSettings | None:
    merchant = raw["merchant-id"].strip()
    catalog_list = parse_id_list("catalog-id", raw["catalog-id"])
    developer_token = parse_secret("developer-token", raw["developer-token"])
    if not merchant and not catalog_list:
        return None
    if not merchant:
        raise InputError("merchant-id", "is required with catalog-id: give the Merchant Center store id")
    if not catalog_list:
        raise InputError("catalog-id", "is required with merchant-id: give one or more catalog ids, or all")
    if not developer_token:
        raise InputError(
            "developer-token", "is required for the catalog gate: give your Microsoft Advertising developer token"
        )
    if any(c.lower() == "all" for c in catalog_list):
        if len(catalog_list) > 1:
            raise InputError("catalog-id", "'all' cannot be combined with catalog ids")
        catalog_ids: tuple[str, ...] | None = None
    else:
        catalog_ids = tuple(parse_catalog_id(c) for c in catalog_list)
    customer = raw["customer-id"].strip()
    account = raw["customer-account-id"].strip()
    if bool(customer) != bool(account):
        missing = "customer-account-id" if customer else "customer-id"
        raise InputError(missing, "customer-id and customer-account-id go together: give both or neither")
    content_format = parse_choice("content-format", raw["content-format"], ContentFormat)
    expected = raw["expected-offers"].strip()
    url = parse_content_api_url(raw["content-api-url"])
    return CatalogSettings(
        merchant_id=parse_identifier("merchant-id", merchant),
        catalog_ids=catalog_ids,
        content_api_url=url + "/",
        content_format=content_format,
        developer_token=Secret(developer_token),
        credentials=ads_credentials(raw, notices),
        customer_id=parse_identifier("customer-id", customer) if customer else "",
        customer_account_id=parse_identifier("customer-account-id", account) if account else "",
        max_rejections=parse_count("max-rejections", raw["max-rejections"]),
        ignore_warnings=parse_bool("ignore-warnings", raw["ignore-warnings"]),
        expected_offers=parse_count("expected-offers", expected, minimum=1) if expected else None,
        report_dir=parse_report_dir(raw["report-dir"]),
        max_table_rows=parse_count("max-table-rows", raw["max-table-rows"], maximum=1000),
        report_copies=parse_report_copies(raw["report-copies"]),
    )
