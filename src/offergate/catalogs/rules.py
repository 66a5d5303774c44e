"""The catalog gate's verdict rules: pure functions of one observed catalog status and report."""

from __future__ import annotations

from dataclasses import dataclass

from offergate.catalogs.model import CatalogStatus
from offergate.catalogs.report.reader import ReportDigest
from offergate.core.verdict import Result, Verdict


@dataclass(frozen=True)
class CatalogRules:
    max_rejections: int
    ignore_warnings: bool
    expected_offers: int | None


@dataclass(frozen=True)
class CatalogObservation:
    status: CatalogStatus
    digest: ReportDigest | None = None
    report_problem: str | None = None
    no_status_yet: bool = False  # the API answered 404 for a catalog the store lists
    api_said: str = ""  # with no_status_yet: the API's own message and activity id, for the reason

    def rejections(self, ignore_warnings: bool) -> tuple[int, str]:
        """The number compared with the threshold, and what it counts."""
        if ignore_warnings and self.digest is not None:
            return self.digest.errors, "rejected items of Type Error"
        if ignore_warnings and self.status.rejected:
            return self.status.rejected, "rejected offers (the report could not be read to leave out warnings)"
        return self.status.rejected, "rejected offers"


NO_STATUS_YET = "no review status yet: the Content API answers 404 until the catalog's first offers are reviewed"


def what_the_api_said(code: str | None, message: str | None, activity_id: str | None) -> str:
    """`the API said: [code] message; activity id …`, from what an error answer gave (may be empty)."""
    detail = " ".join(part for part in (f"[{code}]" if code else "", message or "") if part).rstrip(". ")
    said = [f"the API said: {detail}" if detail else "", f"activity id {activity_id}" if activity_id else ""]
    return "; ".join(part for part in said if part)


def catalog_verdict(observed: CatalogObservation, rules: CatalogRules) -> Verdict:
    if observed.no_status_yet:
        return Verdict(Result.PENDING, f"{NO_STATUS_YET} ({observed.api_said})" if observed.api_said else NO_STATUS_YET)
    status = observed.status
    count, what = observed.rejections(rules.ignore_warnings)
    counts = f"{status.published} published, {status.rejected} rejected"
    if count > rules.max_rejections:
        details = tuple(
            f"{g.count} × {g.type}: {g.message}" for g in (observed.digest.groups[:10] if observed.digest else [])
        )
        return Verdict(
            Result.FAILED,
            f"{count} {what}, over max-rejections {rules.max_rejections} ({counts})",
            details,
        )
    if rules.expected_offers is not None:
        reviewed = status.published + status.rejected
        if reviewed >= rules.expected_offers:
            return Verdict(
                Result.PASSED,
                f"{reviewed} of {rules.expected_offers} expected offers reviewed, "
                f"rejections within max-rejections {rules.max_rejections} ({counts})",
            )
        return Verdict(Result.PENDING, f"{reviewed} of {rules.expected_offers} expected offers reviewed ({counts})")
    return Verdict(
        Result.PENDING,
        f"rejections within max-rejections {rules.max_rejections} so far ({counts})",
        at_deadline=Result.PASSED,
    )
