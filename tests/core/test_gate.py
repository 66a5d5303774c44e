"""The poll loop with scripted watchers and a virtual clock."""

from dataclasses import dataclass, field
from typing import Any

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.core.gate import Gate
from offergate.core.verdict import Result, Verdict
from offergate.core.watch import WatchState


@dataclass
class Scripted:
    """Answers from a script, one per poll; the last answer repeats."""

    key: str
    script: list[Any]
    polls: int = 0
    seen: list[float] = field(default_factory=list)

    def observe(self) -> Any:
        answer = self.script[min(self.polls, len(self.script) - 1)]
        self.polls += 1
        if isinstance(answer, ApiError):
            raise answer
        return answer

    def judge(self, observation: Any) -> Verdict:
        result, idle = observation
        return Verdict(Result(result), f"it is {result}", idle=idle)

    def state_line(self, observation: Any) -> str:
        return f"{observation[0]}{'-idle' if observation[1] else ''}"

    def phase(self, observation: Any) -> None:
        return None


def run(watchers: list[Scripted], timeout: float, interval: float = 60) -> tuple[Gate, VirtualClock, list[str]]:
    vc = VirtualClock()
    log: list[str] = []
    gate = Gate(
        [WatchState(w) for w in watchers], vc.as_clock(), Deadline(vc.as_clock(), timeout), interval, log.append
    )
    gate.run()
    return gate, vc, log


PENDING = ("pending", False)
IDLE = ("pending", True)


def test_passes_when_all_pass_and_never_sleeps_past_the_deadline() -> None:
    a = Scripted("a", [PENDING, PENDING, ("passed", False)])
    gate, vc, log = run([a], timeout=150)
    assert gate.result is Result.PASSED
    assert vc.sleeps == [60, 60]
    assert len(log) == 2  # pending once (no repeat for an unchanged state), then passed


def test_deadline_caps_the_last_sleep_and_ends_pending() -> None:
    gate, vc, _ = run([Scripted("a", [PENDING])], timeout=150)
    assert vc.sleeps == [60, 60, 30]
    assert gate.result is Result.PENDING


def test_timeout_zero_checks_once() -> None:
    a = Scripted("a", [PENDING])
    gate, vc, _ = run([a], timeout=0)
    assert a.polls == 1 and vc.sleeps == []
    assert gate.result is Result.PENDING


def test_stops_as_soon_as_one_fails() -> None:
    a = Scripted("a", [PENDING])
    b = Scripted("b", [PENDING, ("failed", False)])
    gate, _, _ = run([a, b], timeout=3600)
    assert gate.result is Result.FAILED
    assert a.polls == 2 and b.polls == 2


def test_passed_watchers_are_not_polled_again() -> None:
    a = Scripted("a", [("passed", False)])
    b = Scripted("b", [PENDING, PENDING, ("passed", False)])
    gate, _, _ = run([a, b], timeout=3600)
    assert gate.result is Result.PASSED and a.polls == 1 and b.polls == 3


def test_idle_until_the_deadline_fails() -> None:
    gate, _, _ = run([Scripted("a", [IDLE])], timeout=300)
    assert gate.result is Result.FAILED
    assert "pending" in gate.states[0].reason


def test_idle_that_moves_is_just_pending() -> None:
    gate, _, _ = run([Scripted("a", [IDLE, PENDING])], timeout=300)
    assert gate.result is Result.PENDING


def test_transient_errors_are_retried_at_the_next_poll() -> None:
    flaky = ApiError("svc", "HTTP 503", status=503, transient=True)
    gate, _, log = run([Scripted("a", [flaky, flaky, ("passed", False)])], timeout=3600)
    assert gate.result is Result.PASSED
    assert sum("HTTP 503" in line for line in log) == 1  # the same error is logged once


def test_transient_errors_until_the_deadline_end_in_error() -> None:
    flaky = ApiError("svc", "HTTP 500", status=500, transient=True)
    gate, _, _ = run([Scripted("a", [PENDING, flaky])], timeout=600)
    assert gate.result is Result.ERROR
    assert "HTTP 500" in gate.states[0].reason


def test_permanent_error_stops_at_once() -> None:
    gone = ApiError("svc", "HTTP 404", status=404)
    other = Scripted("b", [PENDING])
    gate, vc, _ = run([Scripted("a", [PENDING, gone]), other], timeout=3600)
    assert gate.result is Result.ERROR
    assert len(vc.sleeps) == 1 and other.polls == 2


def test_idle_that_moves_and_comes_back_is_pending_not_failed() -> None:
    """The state changed during the wait (idle, in progress, idle again): something happens, so
    at the deadline it is pending (exit 3), not "nothing to wait for"."""
    gate, _, _ = run([Scripted("a", [IDLE, PENDING, IDLE])], timeout=300)
    assert gate.result is Result.PENDING
    assert gate.states[0].moved


BAD = ApiError("svc", "GET x answered HTTP 200 OK with an HTML page instead of JSON", status=200)


def test_unusable_answer_at_the_first_poll_is_an_error_at_once() -> None:
    gate, vc, log = run([Scripted("a", [BAD, PENDING])], timeout=3600)
    assert gate.result is Result.ERROR and vc.sleeps == []
    assert "giving up" in log[-1]


def test_unusable_answer_mid_wait_is_tried_again_at_the_next_poll() -> None:
    gate, _, log = run([Scripted("a", [PENDING, BAD, BAD, ("passed", False)])], timeout=3600)
    assert gate.result is Result.PASSED
    assert sum("HTML page" in line for line in log) == 1
    assert "1 of 3 in a row" in "\n".join(log)


def test_unusable_answers_mid_wait_give_up_after_three_in_a_row() -> None:
    a = Scripted("a", [PENDING, BAD, PENDING, BAD, BAD, BAD, BAD, PENDING])
    gate, _, log = run([a], timeout=86400)
    assert gate.result is Result.ERROR
    assert a.polls == 7  # the count starts again after a good answer; the 4th in a row ends the wait
    assert "giving up" in log[-1]


def test_unusable_answer_until_the_deadline_is_an_error() -> None:
    gate, _, _ = run([Scripted("a", [PENDING, BAD])], timeout=120)
    assert gate.result is Result.ERROR
    assert "still failing when the wait ended" in gate.states[0].reason


def test_hostile_answer_mid_wait_stops_at_once() -> None:
    class Hostile(ApiError):
        hostile = True

    refused = Hostile("svc", "the XML answer was refused", status=200)
    gate, vc, _ = run([Scripted("a", [PENDING, refused, PENDING])], timeout=3600)
    assert gate.result is Result.ERROR and len(vc.sleeps) == 1


# -- heartbeat: a long wait shows it is alive -------------------------------------------------


def stamps(log: list[str]) -> list[int]:
    """Each line's wait time in seconds, from its `[hh:mm:ss]` stamp."""
    seconds = []
    for line in log:
        hours, minutes, secs = (int(part) for part in line[1:9].split(":"))
        seconds.append(hours * 3600 + minutes * 60 + secs)
    return seconds


def heartbeats(log: list[str]) -> list[str]:
    return [line for line in log if "still waiting" in line]


def test_a_quiet_wait_says_it_is_alive_every_ten_minutes() -> None:
    _, _, log = run([Scripted("a", [PENDING])], timeout=3600, interval=60)
    assert len([line for line in log if "still waiting" not in line]) == 1  # one line per change, as before
    times = stamps(log)
    assert times[0] == 0 and len(heartbeats(log)) == 5
    assert all(later - earlier <= 600 for earlier, later in zip(times, [*times[1:], 3600], strict=True))


def test_the_heartbeat_says_what_is_awaited_how_long_and_the_next_check() -> None:
    _, _, log = run([Scripted("a", [PENDING])], timeout=3600, interval=60)
    first = heartbeats(log)[0]
    assert first.startswith("[00:10:00] still waiting, 10m of 1h; next check in 1m.")
    assert first.endswith("a: it is pending")


def test_with_rare_polls_every_quiet_poll_gets_a_heartbeat() -> None:
    _, vc, log = run([Scripted("a", [PENDING])], timeout=3 * 3600, interval=1800)
    assert vc.sleeps == [1800] * 6
    assert stamps(heartbeats(log)) == [1800, 3600, 5400, 7200, 9000]
    assert "next check in 30m" in heartbeats(log)[0]


def test_the_last_heartbeat_names_the_deadline() -> None:
    _, _, log = run([Scripted("a", [PENDING])], timeout=2700, interval=1800)
    assert heartbeats(log) == [
        "[00:30:00] still waiting, 30m of 45m; last check in 15m, at the deadline. a: it is pending"
    ]


def test_a_change_resets_the_silence_and_settled_watches_are_not_awaited() -> None:
    changing = Scripted("a", [("pending", i % 2 == 0) for i in range(8)] + [("passed", False)])
    _, _, log = run([changing], timeout=3600, interval=300)
    assert heartbeats(log) == []  # a line every poll already shows the wait is alive
    done = Scripted("done", [("passed", False)])
    _, _, log = run([done, Scripted("slow", [PENDING])], timeout=1800, interval=900)
    assert heartbeats(log) and all("done" not in line and "slow: it is pending" in line for line in heartbeats(log))
