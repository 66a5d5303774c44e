"""offergate: gate releases on Microsoft's commercial review pipelines."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place the version lives is pyproject.toml; the installed metadata carries it here.
    __version__ = version("offergate")
except PackageNotFoundError:  # pragma: no cover - a source tree on sys.path without an install
    __version__ = "0+unknown"
