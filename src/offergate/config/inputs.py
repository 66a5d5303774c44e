"""The action's inputs: names, defaults and which ones are secrets.

action.yml declares the same inputs with the same defaults (a test keeps them equal); every
input also works as a command-line flag `--name value`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class InputSpec:
    name: str
    default: str = ""
    secret: bool = False


INPUTS: tuple[InputSpec, ...] = (
    InputSpec("publisher-id"),
    InputSpec("offer-id"),
    InputSpec("wait-until", "publisher-signoff"),
    InputSpec("timeout", "5h30m"),
    InputSpec("poll-interval", "1m"),
    InputSpec("poll-strategy", "fixed"),
    InputSpec("on-pending", "fail"),
    InputSpec("azure-access-token", secret=True),
    InputSpec("azure-tenant-id"),
    InputSpec("azure-client-id"),
    InputSpec("azure-client-secret", secret=True),
    InputSpec("authority-url", "https://login.microsoftonline.com"),
    InputSpec("marketplace-url", "https://cloudpartner.azure.com"),
    InputSpec("marketplace-api-version", "2017-10-31"),
    InputSpec("summary", "true"),
    InputSpec("merchant-id"),
    InputSpec("catalog-id"),
    InputSpec("content-api-url", "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/"),
    InputSpec("content-format", "json"),
    InputSpec("developer-token", secret=True),
    InputSpec("ads-access-token", secret=True),
    InputSpec("ads-client-id"),
    InputSpec("ads-client-secret", secret=True),
    InputSpec("ads-refresh-token", secret=True),
    InputSpec("customer-id"),
    InputSpec("customer-account-id"),
    InputSpec("max-rejections", "0"),
    InputSpec("ignore-warnings", "false"),
    InputSpec("expected-offers"),
    InputSpec("report-dir", "offergate-report"),
    InputSpec("report-copies", "none"),
    InputSpec("max-table-rows", "50"),
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
