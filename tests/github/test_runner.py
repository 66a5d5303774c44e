"""The runner interface: workflow-command safety, masking, outputs, summary limits."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_mock import MockerFixture

from offergate.github import commands
from offergate.github.commands import escape_data, escape_property, neutralise
from offergate.github.runner import ANNOTATION_LIMIT, SUMMARY_LIMIT_BYTES, Runner

ACTIONS = {"GITHUB_ACTIONS": "true"}

# Characters that matter to the runner, mixed with anything else.
_TRICKY = st.sampled_from(
    [*":#[]%,=<>\r\n\t ", "::", "##[", "##vso[", "\u200b", "\u00ad", "\ufeff", "\x1b", "\x00", "\x85", "\u2028"]
)
tricky_text = st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=30).map("".join)


# -- an emulation of the runner's parsing (actions/runner ActionCommand.cs) -----------------

_IGNORABLE = re.compile(f"[{commands._IGNORABLE}]")


def runner_lines(log: str) -> list[str]:
    """Split as .NET StreamReader.ReadLine does: \\r\\n, \\r and \\n each end a line."""
    return re.split(r"\r\n|\r|\n", log)


def _unescape(text: str, pairs: list[tuple[str, str]]) -> str:
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def unescape_data(text: str) -> str:
    return _unescape(text, [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")])


def unescape_property(text: str) -> str:
    return _unescape(text, [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")])


def looks_like_command(line: str) -> bool:
    """Whether the runner could take the line as a command (ignorable characters removed:
    its comparisons are culture-sensitive)."""
    visible = _IGNORABLE.sub("", line)
    return visible.lstrip().startswith("::") or "##[" in visible or "##vso[" in visible.lower()


def parse_v2(line: str) -> tuple[str, dict[str, str], str]:
    """TryParseV2: `::name k=v,k=v::data` after TrimStart."""
    line = line.lstrip()
    assert line.startswith("::")
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2 :]
    name, _, props = info.partition(" ")
    properties = {}
    for prop in filter(None, props.strip().split(",")):
        pair = [p for p in prop.split("=", 1) if p]
        if len(pair) == 2:
            properties[pair[0]] = unescape_property(pair[1])
    return name, properties, unescape_data(data)


def parse_output_file(text: str) -> dict[str, str]:
    """The runner's heredoc reader for GITHUB_OUTPUT on Linux (lines end at \\n only)."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        eq, heredoc = line.find("="), line.find("<<")
        assert heredoc >= 0 and (eq < 0 or heredoc < eq), line
        name, delimiter = line.split("<<", 1)
        value: list[str] = []
        while lines[i] != delimiter:
            value.append(lines[i])
            i += 1
        i += 1
        outputs[name] = "\n".join(value)
    return outputs


def make(env: dict[str, str] | None = None, **kw: object) -> tuple[Runner, io.StringIO]:
    out = io.StringIO()
    return Runner(env if env is not None else dict(ACTIONS), out, **kw), out  # type: ignore[arg-type]


# -- escaping -------------------------------------------------------------------------------


def test_escaping_rules() -> None:
    assert escape_data("50% a\r\nb:c,d") == "50%25 a%0D%0Ab:c,d"
    assert escape_property("50% a\r\nb:c,d") == "50%25 a%0D%0Ab%3Ac%2Cd"


@given(st.text())
def test_escape_data_round_trips_through_the_runner(text: str) -> None:
    escaped = escape_data(text)
    assert "\r" not in escaped and "\n" not in escaped
    assert unescape_data(escaped) == text


@given(st.text())
def test_escape_property_round_trips_through_the_runner(text: str) -> None:
    escaped = escape_property(text)
    assert not set("\r\n:,") & set(escaped)
    assert unescape_property(escaped) == text


# -- neutralise -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("::set-output name=x::y", ": :set-output name=x::y"),
        ("  \t::error::boom", "  \t: :error::boom"),
        ("\u200b::error::boom", "\u200b: :error::boom"),
        (":\u200b:error::boom", ": \u200b:error::boom"),
        ("text ##[group]x", "text # #[group]x"),
        ("###[x", "## #[x"),
        ("#\u00ad#[x", "# \u00ad#[x"),
        ("##VSO[task.setvariable]", "# #VSO[task.setvariable]"),
        ("a\r::warning::b", "a\\r::warning::b"),
        ("a\r\nb\nc", "a\\r\\nb\\nc"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("nul\x00 del\x7f c1\x85", "nul\\x00 del\\x7f c1\\x85"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
        ("tab\tkept: a::b", "tab\tkept: a::b"),
        ("lone \ud800", "lone \ufffd"),
    ],
)
def test_neutralise_examples(raw: str, shown: str) -> None:
    assert neutralise(raw) == shown


@settings(max_examples=250)
@given(st.one_of(tricky_text, st.text()))
def test_neutralise_output_is_one_line_and_no_command(text: str) -> None:
    safe = neutralise(text)
    assert runner_lines(safe) == [safe]
    assert not looks_like_command(safe)
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", safe)


# -- log lines ------------------------------------------------------------------------------


@settings(max_examples=200)
@given(tricky_text, tricky_text)
def test_nothing_the_runner_prints_from_untrusted_text_is_a_foreign_command(message: str, title: str) -> None:
    runner, out = make()
    runner.info(message)
    runner.debug(message)
    with runner.group(title):
        runner.annotate("error", message, title=title or None)
    runner.annotate("warning", message)
    for line in runner_lines(out.getvalue().rstrip("\n")):
        if not looks_like_command(line):
            continue
        name, props, data = parse_v2(line)
        assert name in {"debug", "group", "endgroup", "error", "warning"}
        if name in {"error", "warning"}:
            assert set(props) <= {"title"}
            for text_line in runner_lines(data):
                assert not looks_like_command(text_line)


def test_annotation_round_trips_title_and_message() -> None:
    runner, out = make()
    runner.annotate("error", "100% failed:\nline two, with commas", title="offer a:b, c")
    name, props, data = parse_v2(out.getvalue().strip())
    assert (name, props, data) == ("error", {"title": "offer a:b, c"}, "100% failed:\nline two, with commas")


def test_annotations_capped_per_level() -> None:
    runner, out = make()
    for i in range(ANNOTATION_LIMIT + 3):
        runner.annotate("error", f"e{i}")
    runner.annotate("notice", "n")
    lines = out.getvalue().splitlines()
    assert len([x for x in lines if x.startswith("::error::")]) == ANNOTATION_LIMIT
    assert "::notice::n" in lines
    assert runner.annotations_dropped("error") == 3
    assert runner.annotations_dropped("notice") == 0


def test_outside_actions_plain_lines() -> None:
    runner, out = make({})
    runner.annotate("warning", "first\n::add-mask::x", title="t")
    runner.annotate("error", "no title")
    with runner.group("##[grp]"):
        runner.info("inside")
    runner.debug("hidden")
    assert out.getvalue().splitlines() == [
        "warning: t: first",
        "  : :add-mask::x",
        "error: no title",
        "== # #[grp]",
        "inside",
    ]


def test_group_and_debug_in_actions() -> None:
    runner, out = make()
    with runner.group("title\n::x::"):
        runner.debug("50%\nsecond")
    assert out.getvalue().splitlines() == ["::group::title\\n::x::", "::debug::50%25\\nsecond", "::endgroup::"]


@pytest.mark.parametrize("variable", ["RUNNER_DEBUG", "OFFERGATE_DEBUG"])
def test_debug_outside_actions_when_asked(variable: str) -> None:
    runner, out = make({variable: "1"})
    runner.debug("detail")
    assert out.getvalue() == "debug: detail\n"


# -- secrets --------------------------------------------------------------------------------


def test_masks_printed_first_in_actions_and_redacted_after() -> None:
    runner, out = make()
    runner.mask("app-secret-value-1")
    runner.info("using app-secret-value-1")
    assert out.getvalue().splitlines() == ["::add-mask::app-secret-value-1", "using ***"]


def test_no_mask_command_outside_actions_but_still_redacted() -> None:
    runner, out = make({})
    runner.mask("app-secret-value-1")
    runner.info("using app-secret-value-1")
    assert out.getvalue() == "using ***\n"


def test_mask_multi_line_secret_line_by_line() -> None:
    runner, out = make()
    runner.mask("-----BEGIN KEY-----\r\nabcdefgh\n}\n")
    masks = [line.removeprefix("::add-mask::") for line in out.getvalue().splitlines()]
    assert "-----BEGIN KEY-----" in masks and "abcdefgh" in masks
    assert "}" not in masks and "" not in masks
    assert all("\n" not in m and "\r" not in m for m in masks)
    assert runner.redact("key abcdefgh end") == "key *** end"


def test_mask_escapes_percent_so_the_runner_masks_the_real_value() -> None:
    runner, out = make()
    runner.mask("p%0Ass")
    name, _, data = parse_v2(out.getvalue().splitlines()[0])
    assert (name, data) == ("add-mask", "p%0Ass")


def test_mask_prints_url_encoded_forms_once() -> None:
    runner, out = make()
    runner.mask("a b/c+d")
    runner.mask("a b/c+d")
    masks = [unescape_data(line.removeprefix("::add-mask::")) for line in out.getvalue().splitlines()]
    assert masks[0] == "a b/c+d"
    assert "a%20b%2Fc%2Bd" in masks and "a+b%2Fc%2Bd" in masks
    assert len(masks) == len(set(masks))


@pytest.mark.parametrize("secret", ["env-\udcff-bytes", "lone-\ud800-surrogate"])
def test_secret_with_surrogates_masked_and_redacted(secret: str) -> None:
    runner, out = make()
    runner.mask(secret)
    runner.info(f"x {secret} y")
    lines = out.getvalue().splitlines()
    assert lines[0] == "::add-mask::" + re.sub("[\ud800-\udfff]", "\ufffd", secret)
    assert lines[-1] == "x *** y"


def test_blank_secrets_ignored() -> None:
    runner, out = make()
    runner.mask("")
    runner.mask("  \n ")
    assert out.getvalue() == ""
    assert runner.redact("a b") == "a b"


def test_redacts_plain_encoded_and_decoded_forms_longest_first() -> None:
    runner, _ = make({})
    runner.mask("s3cr=t/+ x")
    runner.mask("s3cr=t/+ x-longer")
    text = "1 s3cr=t/+ x 2 s3cr%3Dt%2F%2B%20x 3 s3cr%3Dt%2F%2B+x 4 s3cr=t/+ x-longer"
    assert runner.redact(text) == "1 *** 2 *** 3 *** 4 ***"
    runner.mask("enc%2Fded")
    assert runner.redact("enc/ded") == "***"


def test_short_secret_still_redacted() -> None:
    runner, out = make()
    runner.mask("abc")
    runner.info("xabcx")
    assert out.getvalue().splitlines() == ["::add-mask::abc", "x***x"]


def test_secret_hidden_even_when_neutralising_would_rebuild_it() -> None:
    runner, out = make({})
    runner.mask("a\\rb")  # a literal backslash-r; a real CR is shown as backslash-r
    runner.info("a\rb")
    assert out.getvalue() == "***\n"


# -- outputs --------------------------------------------------------------------------------


@settings(max_examples=100)
@given(st.text(alphabet=st.sampled_from(list("ab<=\r\n %:-_")) | st.characters(), max_size=40))
def test_outputs_parse_back(tmp_path_factory: pytest.TempPathFactory, value: str) -> None:
    path = tmp_path_factory.mktemp("out") / "github_output"
    runner, _ = make({**ACTIONS, "GITHUB_OUTPUT": str(path)})
    runner.set_output("first", "x")
    runner.set_output("value", value)
    runner.set_output("last", "y<<EOF\n=z")
    expected_value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    assert parse_output_file(path.read_bytes().decode("utf-8")) == {
        "first": "x",
        "value": expected_value,
        "last": "y<<EOF\n=z",
    }
    assert runner.outputs == {"first": "x", "value": value, "last": "y<<EOF\n=z"}


def test_output_file_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uuid, "uuid4", lambda: "fixed")
    path = tmp_path / "out"
    runner, _ = make({"GITHUB_OUTPUT": str(path)})
    runner.set_output("result", "passed")
    assert path.read_text() == "result<<ghadelimiter_fixed\npassed\nghadelimiter_fixed\n"


def test_value_with_the_delimiter_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uuid, "uuid4", lambda: "fixed")
    path = tmp_path / "out"
    runner, _ = make({"GITHUB_OUTPUT": str(path)})
    with pytest.raises(ValueError):
        runner.set_output("x", "a\nghadelimiter_fixed\nevil<<x")
    assert not path.exists() and runner.outputs == {}


@pytest.mark.parametrize("name", ["", "a\nb", "a=b", "a<<b", "a b", "1x", "a\rb"])
def test_bad_output_names_refused(name: str) -> None:
    runner, _ = make()
    with pytest.raises(ValueError):
        runner.set_output(name, "v")


def test_outputs_remembered_without_github_output() -> None:
    runner, out = make({})
    runner.set_output("result", "passed")
    assert runner.outputs == {"result": "passed"} and out.getvalue() == "" and runner.problems == []


def test_outputs_are_redacted_as_the_log_is(tmp_path: Path) -> None:
    """An output can carry API text that echoes a token: it is redacted, in every form."""
    path = tmp_path / "out"
    runner, _ = make({"GITHUB_OUTPUT": str(path)})
    runner.mask("token/value")
    runner.set_output("x", "has token/value and token%2Fvalue")
    assert parse_output_file(path.read_text())["x"] == "has *** and ***"
    assert runner.outputs["x"] == "has *** and ***"


@pytest.mark.parametrize("kind", ["missing-folder", "directory", "permission"])
def test_unwritable_files_warn_and_carry_on(tmp_path: Path, kind: str, mocker: MockerFixture) -> None:
    target = tmp_path / "nope" / "file" if kind == "missing-folder" else tmp_path
    if kind == "permission":
        target = tmp_path / "file"
        denied = PermissionError(13, "Permission denied")
        mocker.patch.object(Path, "open", side_effect=denied)
    runner, out = make({**ACTIONS, "GITHUB_OUTPUT": str(target), "GITHUB_STEP_SUMMARY": str(target)})
    runner.set_output("result", "passed")
    runner.set_output("other", "x")
    runner.write_summary("# hi\n")
    assert runner.outputs == {"result": "passed", "other": "x"}
    assert len(runner.problems) == 2  # one for the outputs file, however many outputs; one for the summary
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("::warning title=offergate::")]
    assert len(warnings) == 2


def test_problem_messages_are_redacted(tmp_path: Path) -> None:
    runner, out = make({"GITHUB_OUTPUT": str(tmp_path / "tok-secret-1" / "f")})
    runner.mask("tok-secret-1")
    runner.set_output("a", "b")
    assert "tok-secret-1" not in "".join(runner.problems) + out.getvalue()


# -- summary --------------------------------------------------------------------------------


def test_summary_appends_to_step_summary(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("earlier\n")
    runner, _ = make({**ACTIONS, "GITHUB_STEP_SUMMARY": str(path)}, summary_file=str(tmp_path / "ignored"))
    runner.mask("sekrit-1")
    runner.write_summary("## result sekrit-1")
    assert path.read_text() == "earlier\n## result ***\n"
    assert not (tmp_path / "ignored").exists()


def test_summary_file_overwritten_then_appended(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("stale\n")
    runner, _ = make({}, summary_file=str(path))
    runner.write_summary("one\n")
    runner.write_summary("two\n")
    assert path.read_text() == "one\ntwo\n"


def test_summary_printed_neutralised_without_a_file() -> None:
    runner, out = make({})
    runner.write_summary("# title\n::set-output name=a::b\n| x ##[y] |\n")
    assert out.getvalue().splitlines() == ["# title", ": :set-output name=a::b", "| x # #[y] |"]


def test_summary_cut_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * 1000 + b"\n")
    runner, _out = make({"GITHUB_STEP_SUMMARY": str(path)})
    row = "| é | cell |\n"
    body = "<details><summary>rows</summary>\n\n" + row * 100_000 + "\n</details>\n"
    runner.write_summary(body)
    data = path.read_bytes()
    assert len(data) <= SUMMARY_LIMIT_BYTES
    assert len(data) > SUMMARY_LIMIT_BYTES - 200
    text = data.decode("utf-8")
    assert text.count("<details>") == text.count("</details>") == 1
    assert text.rstrip().endswith("the log has the rest.**")
    assert runner.problems and "cut" in runner.problems[0]


def test_full_summary_takes_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * (SUMMARY_LIMIT_BYTES - 10))
    runner, _ = make({"GITHUB_STEP_SUMMARY": str(path)})
    runner.write_summary("more than ten bytes\n")
    assert path.stat().st_size == SUMMARY_LIMIT_BYTES - 10
    assert runner.problems and "full" in runner.problems[0]


def test_summary_exactly_at_the_limit_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    runner, _ = make({"GITHUB_STEP_SUMMARY": str(path)})
    text = ("a" * 99 + "\n") * (SUMMARY_LIMIT_BYTES // 100) + "b" * (SUMMARY_LIMIT_BYTES % 100 - 1) + "\n"
    runner.write_summary(text)
    assert path.read_bytes() == text.encode() and runner.problems == []


def test_summary_with_a_lone_surrogate_is_written(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    runner, _ = make({"GITHUB_STEP_SUMMARY": str(path)})
    runner.write_summary("bad \ud800 char\n")
    assert path.read_text() == "bad ? char\n"


def test_unset_runner_files_in_actions_warn_once() -> None:
    runner, out = make(dict(ACTIONS))
    runner.set_output("result", "passed")
    runner.set_output("other", "x")
    runner.write_summary("# hi\n")
    assert runner.outputs == {"result": "passed", "other": "x"}
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("::warning title=offergate::")]
    assert len(warnings) == 2
    assert "GITHUB_OUTPUT" in warnings[0] and "GITHUB_STEP_SUMMARY" in warnings[1]
    assert "# hi" in out.getvalue()  # the summary still shows, in the log


def test_file_problem_after_ten_warnings_is_still_logged(tmp_path: Path) -> None:
    runner, out = make({**ACTIONS, "GITHUB_OUTPUT": str(tmp_path / "missing" / "out")})
    for n in range(10):
        runner.annotate("warning", f"w{n}")
    runner.set_output("result", "passed")
    assert runner.problems and f"offergate warning: {runner.problems[0]}" in out.getvalue()
