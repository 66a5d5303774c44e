"""An in-process emulator of the Cloud Partner Portal API, the Product Ingestion API, the Merchant
Center Content API (catalog status and rejection reports) and the token endpoints they need.

`offergate demo`, `offergate sandbox` and the tests run the gate against it over real
loopback HTTP. Scenarios follow Microsoft's documentation, quirks included.
"""

from offergate.sandbox.catalog_scenarios import CATALOG_SCENARIOS, catalog_scenarios
from offergate.sandbox.command import run_sandbox_command
from offergate.sandbox.emulator import Sandbox
from offergate.sandbox.faults import Fault
from offergate.sandbox.report_files import ReportRow, build_report_zip, seed_report_rows, write_report_zip
from offergate.sandbox.scenarios import SCENARIOS
from offergate.sandbox.wire import Headers, RecordedRequest, Response

__all__ = [
    "CATALOG_SCENARIOS",
    "SCENARIOS",
    "Fault",
    "Headers",
    "RecordedRequest",
    "ReportRow",
    "Response",
    "Sandbox",
    "build_report_zip",
    "catalog_scenarios",
    "run_sandbox_command",
    "seed_report_rows",
    "write_report_zip",
]
