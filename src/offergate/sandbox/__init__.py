"""An in-process emulator of the Cloud Partner Portal API and the token endpoints it needs.

`offergate demo`, `offergate sandbox` and the tests run the gate against it over real
loopback HTTP. Scenarios follow Microsoft's documentation, quirks included.
"""

from offergate.sandbox.command import run_sandbox_command
from offergate.sandbox.emulator import Sandbox
from offergate.sandbox.faults import Fault
from offergate.sandbox.scenarios import SCENARIOS
from offergate.sandbox.wire import Headers, RecordedRequest, Response

__all__ = ["SCENARIOS", "Fault", "Headers", "RecordedRequest", "Response", "Sandbox", "run_sandbox_command"]
