"""The action's inputs: names, defaults, which ones are secrets, and how `--help` presents them.

action.yml declares the same inputs with the same defaults and descriptions (tests keep them
equal); every input also works as a command-line flag `--name value`. A new input is one row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class Group(Enum):
    """The sections of `offergate --help`, in order."""

    OFFERS = "offer gate (Cloud Partner Portal or Product Ingestion API)"
    CATALOGS = "catalog gate (Merchant Center Content API)"
    COMMON = "common (waiting, polling, sign-in)"
    OUTPUT = "output (job summary, report files)"


@dataclass(frozen=True)
class InputSpec:
    name: str
    default: str = ""
    secret: bool = False
    #: What the input means: action.yml's description of it, word for word.
    description: str = ""
    group: Group = Group.COMMON
    #: The placeholder `--help` shows after the flag.
    metavar: str = "VALUE"


_O, _C, _OUT = Group.OFFERS, Group.CATALOGS, Group.OUTPUT

INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "publisher-id",
        description="Publisher namespace in the Cloud Partner Portal, for example contoso.",
        group=_O,
        metavar="ID",
    ),
    InputSpec(
        "offer-id",
        description=(
            "One or more offer ids, separated by commas or new lines. Each gets its own verdict; "
            "the step passes only when all pass."
        ),
        group=_O,
        metavar="IDS",
    ),
    InputSpec(
        "wait-until",
        "publisher-signoff",
        description=(
            "What to wait for: publisher-signoff (the preview is ready for your sign-off) or live "
            "(the offer status is Succeeded)."
        ),
        group=_O,
        metavar="publisher-signoff|live",
    ),
    InputSpec(
        "timeout",
        "5h30m",
        description=(
            "How long to wait, such as 90s, 45m, 2h, 1h30m or plain seconds. 0 checks once and returns at once."
        ),
        metavar="DURATION",
    ),
    InputSpec(
        "poll-interval",
        "1m",
        description="Time between status checks (at least 1s).",
        metavar="DURATION",
    ),
    InputSpec(
        "poll-strategy",
        "fixed",
        description=(
            "How often offers are checked: fixed (every poll-interval) or adaptive (up to every 15 minutes "
            "while the current step's estimated time is far from over, every poll-interval near the steps "
            "that decide the verdict; fewer API calls, sign-off still noticed within one poll-interval)."
        ),
        metavar="fixed|adaptive",
    ),
    InputSpec(
        "on-pending",
        "fail",
        description=(
            "What the step does when the wait ends with no verdict: fail (exit 3), warn (a warning "
            "annotation, the step passes) or pass."
        ),
        metavar="fail|warn|pass",
    ),
    InputSpec(
        "azure-access-token",
        secret=True,
        description=(
            "A bearer token for https://cloudpartner.azure.com acquired elsewhere. It cannot be refreshed; "
            "prefer an app."
        ),
        group=_O,
        metavar="TOKEN",
    ),
    InputSpec(
        "azure-tenant-id",
        description="Microsoft Entra tenant id of the app registration.",
        group=_O,
        metavar="ID",
    ),
    InputSpec(
        "azure-client-id",
        description=(
            "Application (client) id of the app registration. With azure-client-secret the "
            "client-credentials grant is used; without it, a GitHub OIDC federated credential "
            "(needs `permissions: id-token: write`)."
        ),
        group=_O,
        metavar="ID",
    ),
    InputSpec(
        "azure-client-secret",
        secret=True,
        description="Client secret of the app registration. Leave empty to use a federated credential.",
        group=_O,
        metavar="SECRET",
    ),
    InputSpec(
        "authority-url",
        "https://login.microsoftonline.com",
        description="Host of the Microsoft Entra token endpoint ({authority-url}/{tenant}/oauth2/v2.0/token).",
        metavar="URL",
    ),
    InputSpec(
        "marketplace-url",
        "https://cloudpartner.azure.com",
        description="Host of the Cloud Partner Portal API (for sovereign clouds and for the sandbox).",
        group=_O,
        metavar="URL",
    ),
    InputSpec(
        "marketplace-api-version",
        "2017-10-31",
        description="Cloud Partner Portal API version.",
        group=_O,
        metavar="YYYY-MM-DD",
    ),
    InputSpec(
        "summary",
        "true",
        description="Write the step and verdict tables to the job summary (true or false).",
        group=_OUT,
        metavar="true|false",
    ),
    InputSpec(
        "merchant-id",
        description=(
            "Microsoft Merchant Center store id (bmcMerchantId). With catalog-id and developer-token it "
            "turns on the catalog gate."
        ),
        group=_C,
        metavar="ID",
    ),
    InputSpec(
        "catalog-id",
        description=(
            "One or more catalog ids, separated by commas or new lines, or `all` for every catalog of the store."
        ),
        group=_C,
        metavar="IDS",
    ),
    InputSpec(
        "content-api-url",
        "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/",
        description="Base URL of the Content API (the merchant id follows it).",
        group=_C,
        metavar="URL",
    ),
    InputSpec(
        "content-format",
        "json",
        description="Answer format of the Content API: json or xml (the alt parameter).",
        group=_C,
        metavar="json|xml",
    ),
    InputSpec(
        "developer-token",
        secret=True,
        description="Microsoft Advertising developer token (required for the catalog gate).",
        group=_C,
        metavar="TOKEN",
    ),
    InputSpec(
        "ads-access-token",
        secret=True,
        description=(
            "An OAuth access token for Microsoft Advertising acquired elsewhere. It cannot be refreshed; "
            "prefer a refresh token."
        ),
        group=_C,
        metavar="TOKEN",
    ),
    InputSpec(
        "ads-client-id",
        description="Application (client) id used with ads-refresh-token.",
        group=_C,
        metavar="ID",
    ),
    InputSpec(
        "ads-client-secret",
        secret=True,
        description="Client secret of that application, for a confidential app.",
        group=_C,
        metavar="SECRET",
    ),
    InputSpec(
        "ads-refresh-token",
        secret=True,
        description=(
            "A Microsoft Advertising refresh token; access tokens are minted from it and renewed before they expire."
        ),
        group=_C,
        metavar="TOKEN",
    ),
    InputSpec(
        "customer-id",
        description="Customer id, when managing a store for a customer (agency). Give customer-account-id too.",
        group=_C,
        metavar="ID",
    ),
    InputSpec(
        "customer-account-id",
        description="Customer account id, when managing a store for a customer (agency). Give customer-id too.",
        group=_C,
        metavar="ID",
    ),
    InputSpec(
        "max-rejections",
        "0",
        description="The step fails when a catalog's rejections go over this number.",
        group=_C,
        metavar="N",
    ),
    InputSpec(
        "ignore-warnings",
        "false",
        description="Count only rejected items of Type Error (reads the rejection report).",
        group=_C,
        metavar="true|false",
    ),
    InputSpec(
        "expected-offers",
        description=(
            "Optional. Pass as soon as published plus rejected offers reach this number, with rejections "
            "within the threshold."
        ),
        group=_C,
        metavar="N",
    ),
    InputSpec(
        "report-dir",
        "offergate-report",
        description=(
            "Folder, relative to the workspace, for each catalog's rejection report (the ZIP as Microsoft "
            "sent it, a summary.json digest, and the copies asked for)."
        ),
        group=_OUT,
        metavar="DIR",
    ),
    InputSpec(
        "report-copies",
        "none",
        description=(
            "Normalised copies of each rejection report to write as well: none, csv (12 columns), json "
            "(JSON Lines) or csv,json."
        ),
        group=_OUT,
        metavar="none|csv|json|csv,json",
    ),
    InputSpec(
        "max-table-rows",
        "50",
        description="How many rejected items the job summary shows per catalog (at most 1000).",
        group=_OUT,
        metavar="N",
    ),
    InputSpec(
        "offer-api",
        "cloud-partner-portal",
        description=(
            "Which API the offer gate reads, cloud-partner-portal (in maintenance mode, existing offers only) "
            "or product-ingestion (Microsoft Graph; every offer)."
        ),
        group=_O,
        metavar="cloud-partner-portal|product-ingestion",
    ),
    InputSpec(
        "product-ingestion-url",
        "https://graph.microsoft.com/rp/product-ingestion",
        description="Base URL of the Product Ingestion API (change it only for another cloud or the sandbox).",
        group=_O,
        metavar="URL",
    ),
    InputSpec(
        "job-id",
        description=(
            "Optional, product-ingestion only. The configure job of your publish step; running is pending, "
            "failed or cancelled fails the gate."
        ),
        group=_O,
        metavar="ID",
    ),
    InputSpec(
        "submission-id",
        description=(
            "Optional, product-ingestion only. Judge this submission (its number, or "
            "submission/<product>/<number>) instead of the newest."
        ),
        group=_O,
        metavar="ID",
    ),
    InputSpec(
        "submitted-after",
        description=(
            "Optional, product-ingestion only. ISO 8601 time; only submissions created after it count, so an "
            "old live submission cannot pass a new release."
        ),
        group=_O,
        metavar="TIME",
    ),
)

INPUT_NAMES: frozenset[str] = frozenset(spec.name for spec in INPUTS)
SECRET_INPUTS: frozenset[str] = frozenset(spec.name for spec in INPUTS if spec.secret)


def env_name(input_name: str) -> str:
    """The variable the runner sets for an input: hyphens kept, upper-cased."""
    return "INPUT_" + input_name.upper()


def inputs_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """Inputs the runner passed as `INPUT_*` variables; empty values count as unset.

    `INPUT_PUBLISHER-ID` is the runner's form; `INPUT_PUBLISHER_ID` is accepted too for shells
    that cannot set a name with a hyphen.
    """
    found: dict[str, str] = {}
    for spec in INPUTS:
        for key in (env_name(spec.name), env_name(spec.name).replace("-", "_")):
            value = env.get(key, "")
            if value.strip():
                found[spec.name] = value
                break
    return found


def with_defaults(given: Mapping[str, str]) -> dict[str, str]:
    """Every input: the given value, or its default."""
    return {spec.name: given.get(spec.name, spec.default) for spec in INPUTS}


def secret_values(given: Mapping[str, str]) -> Sequence[str]:
    return [value for name, value in given.items() if name in SECRET_INPUTS and value.strip()]
