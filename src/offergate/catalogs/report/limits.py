"""How large a report may be, and the error that says why one could not be read."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
READ_SIZE = 64 * 1024
RATIO_FLOOR_BYTES = 1 * MiB  # below this unpacked size the compression ratio is not judged
RECORD_FIELDS_FACTOR = 12  # one CSV record may hold at most this many max-size fields' bytes


class ReportError(Exception):
    """The report could not be read; str() says why in one user-facing sentence."""


@dataclass(frozen=True)
class ReportLimits:
    """Bounds on what a report may be. `max_field_bytes` is counted in characters, as csv does."""

    max_compressed_bytes: int = 512 * MiB
    max_uncompressed_bytes: int = 4 * 1024 * MiB
    max_ratio: float = 200.0
    max_field_bytes: int = 131072
    max_members: int = 16

    @property
    def max_record_bytes(self) -> int:
        """The most bytes one CSV record (row) may span."""
        return RECORD_FIELDS_FACTOR * self.max_field_bytes


def display_name(name: str, limit: int = 80) -> str:
    """A member name made safe to show: printable characters only, bounded length, quoted."""
    clean = "".join(c if c.isprintable() else "?" for c in name[: limit + 1])
    if len(clean) > limit:
        clean = clean[:limit] + "…"
    return f"'{clean}'"
