"""The scenario reader: text (YAML or JSON) into data with lines, every mistake a problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_ghe.scenario import ScenarioError, load_scenario, validate_scenario
from fake_ghe.scenario.problems import shown
from fake_ghe.scenario.reader import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    UNREADABLE,
    read_bytes,
    read_path,
    read_text,
)
from fake_ghe.store import Store
from fake_ghe.textrules import NUMBER_TOO_LARGE, TextRuleError, checked_text
from fake_ghe.wire import parse_json


def problems(text: str) -> list[str]:
    return [str(problem) for problem in read_text(text, "s.yaml").problems]


# ---------------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 0x" + "F" * 4000 + "\n", f"s.yaml:1: version: {NUMBER_TOO_LARGE}"),
        ("version: " + ":".join(["59"] * 3000) + "\n", f"s.yaml:1: version: {NUMBER_TOO_LARGE}"),
        ("version: 18446744073709551616\n", f"s.yaml:1: version: {NUMBER_TOO_LARGE}"),
        (
            "version: !!timestamp x\n",
            "s.yaml:1: version: cannot read this value: 'x' is not a valid !!timestamp",
        ),
        (
            "version: !!bool x\n",
            "s.yaml:1: version: cannot read this value: 'x' is not a valid !!bool",
        ),
        ("version: !!int\n", "s.yaml:1: version: cannot read this value: '' is not a valid !!int"),
        (
            "!!bool authorizations: {}\n",
            "s.yaml:1: (document): cannot read this value: 'authorizations' is not a valid !!bool",
        ),
        (
            "a: !!float x\n",
            "s.yaml:1: a: cannot read this value: could not convert string to float",
        ),
        ("a: !!set {x}\n", "s.yaml:1: a: cannot read this value: the tag 'tag:yaml.org,2002:set'"),
    ],
    ids=[
        "hex",
        "sexagesimal",
        "2**64",
        "timestamp",
        "bool",
        "empty-int",
        "bool-key",
        "float",
        "set",
    ],
)
def test_values_pyyaml_cannot_make_are_problems_with_their_line(text: str, expected: str) -> None:
    [problem] = problems(text)
    assert problem.startswith(expected)


def test_the_largest_64_bit_integer_reads() -> None:
    assert read_text("a: 18446744073709551615\nb: -18446744073709551615\n").data == {
        "a": 2**64 - 1,
        "b": -(2**64 - 1),
    }


def test_huge_values_become_problems_through_the_whole_load_not_tracebacks(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("version: 0x" + "F" * 4000 + "\n")
    with pytest.raises(ScenarioError, match="number too large"):
        load_scenario(Store(), path)


def test_a_lone_surrogate_does_not_load() -> None:
    scenario = read_text('users:\n  - login: "x\\ud800"\n    password: pw\n', "s.yaml")
    assert scenario.data is None
    [problem] = scenario.problems
    assert (problem.line, "lone surrogate \\ud800" in problem.message) == (2, True)


def test_shown_never_raises_and_stays_short() -> None:
    assert shown(int("F" * 4000, 16)) == "<an integer of 16000 bits>"
    assert len(shown("x" * 10_000)) <= 60
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert shown(deep) == "<list>"  # its repr is too deep: the type, not an exception


# ---------------------------------------------------------------------------------- merge keys


@pytest.mark.parametrize(
    "text",
    [
        # the four examples of https://yaml.org/type/merge.html: each is {x: 1, y: 2, r: 10, label}
        "m: {x: 1, y: 2, r: 10, label: center/big}\n",
        "m:\n  <<: *CENTER\n  r: 10\n  label: center/big\n",
        "m:\n  <<: [*CENTER, *BIG]\n  label: center/big\n",
        "m:\n  <<: [*BIG, *LEFT, *SMALL]\n  x: 1\n  label: center/big\n",
    ],
    ids=["explicit", "merge-one", "merge-list", "override"],
)
def test_merge_keys_as_the_spec_examples(text: str) -> None:
    anchors = "- &CENTER {x: 1, y: 2}\n- &LEFT {x: 0, y: 2}\n- &BIG {r: 10}\n- &SMALL {r: 1}\n"
    scenario = read_text(
        "anchors:\n" + "".join("  " + line + "\n" for line in anchors.splitlines()) + text
    )
    assert scenario.problems == ()
    assert scenario.data["m"] == {"x": 1, "y": 2, "r": 10, "label": "center/big"}


def test_merge_precedence_own_keys_then_the_earlier_mapping() -> None:
    scenario = read_text(
        "a: &a {k: from-a, only_a: 1}\n"
        "b: &b {k: from-b, only_b: 2, own: from-b}\n"
        "c:\n  own: mine\n  <<: [*a, *b]\n"
    )
    assert scenario.data["c"] == {"k": "from-a", "only_a": 1, "only_b": 2, "own": "mine"}
    # merged keys have the lines where they were written
    assert scenario.lines[("c", "k")] == 1
    assert scenario.lines[("c", "only_b")] == 2
    assert scenario.lines[("c", "own")] == 4


def test_merge_of_an_inline_mapping_and_of_a_non_mapping() -> None:
    scenario = read_text("a:\n  <<: {x: 1}\n  y: 2\nb:\n  <<: [{x: 1}, 5]\n", "s.yaml")
    assert scenario.data["a"] == {"x": 1, "y": 2}
    assert scenario.lines[("a", "x")] == 2
    assert [str(p) for p in scenario.problems] == [
        "s.yaml:5: b['<<']: << merges mappings only (or a list of them), not int 5"
    ]


# ---------------------------------------------------------------------------------- lines and keys


def test_lines_of_nested_keys_and_list_items() -> None:
    scenario = read_text(
        "version: 1\nusers:\n  - login: a\n    two_factor:\n      type: app\n  - login: b\n"
    )
    assert dict(scenario.lines) == {
        (): 1,
        ("version",): 1,
        ("users",): 2,
        ("users", 0): 3,
        ("users", 0, "login"): 3,
        ("users", 0, "two_factor"): 4,
        ("users", 0, "two_factor", "type"): 5,
        ("users", 1): 6,
        ("users", 1, "login"): 6,
    }


def test_aliases_get_the_lines_of_what_they_name() -> None:
    scenario = read_text("a: &x\n  k: 1\nb: *x\n")
    assert scenario.lines[("b",)] == 3 and scenario.lines[("b", "k")] == 2


def test_repeated_and_unhashable_keys_are_problems() -> None:
    assert problems("a:\n  k: 1\n  k: 2\n? [x]\n: 1\n") == [
        "s.yaml:3: a.k: key repeated (first at line 2); YAML would keep only the last",
        "s.yaml:4: (document): a key must be a string, not a list",
    ]


# ---------------------------------------------------------------------------------- limits


def test_each_limit_has_its_message() -> None:
    assert problems("users: [" + "1," * MAX_NODES + "1]\n") == [
        f"s.yaml:1: (document): the document expands to more than {MAX_NODES} nodes"
    ]
    assert problems("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n") == [
        f"s.yaml:1: (document): nested too deeply (more than {MAX_DEPTH} levels)"
    ]
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{n}: &a{n} [{', '.join(['*a' if n == 1 else f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9)
    )
    [laugh] = problems(laughs)
    assert laugh.endswith(f"the document expands to more than {MAX_NODES} nodes")
    assert problems("a: &r [*r]\n")[0].startswith(
        "s.yaml:1: (document): nested too deeply: recursive alias *r"
    )
    assert problems("a: " + "x" * MAX_BYTES + "\n") == [
        f"s.yaml: (document): the document is more than {MAX_BYTES} bytes (1 MiB),"
        " the most a scenario may be"
    ]


def test_just_under_the_limits_loads() -> None:
    nodes = read_text("users: [" + "1," * (MAX_NODES - 4) + "1]\n")
    assert nodes.problems == () and len(nodes.data["users"]) == MAX_NODES - 3
    depth = MAX_DEPTH - 1
    assert read_text("a: " + "[" * depth + "]" * depth + "\n").problems == ()
    text = "a: " + "x" * (MAX_BYTES - 10) + "\n"
    assert read_text(text + " " * (MAX_BYTES - len(text))).problems == ()


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * MAX_BYTES)
    [problem] = read_path(path).problems
    assert str(problem) == (
        f"{path}: (document): the file is more than {MAX_BYTES} bytes (1 MiB),"
        " the most a scenario may be"
    )


# ---------------------------------------------------------------------------------- bytes and JSON


def test_bytes_that_are_not_utf8_are_a_problem_at_their_line() -> None:
    [problem] = read_bytes(b"a: 1\nb: caf\xe9\n", "s.yaml").problems
    assert (
        str(problem)
        == "s.yaml:2: (document): not UTF-8 text: byte 0xe9 (invalid continuation byte)"
    )
    assert read_bytes("\ufeffa: é\n".encode()).data == {"a": "é"}


def test_json_with_tabs_reads_with_lines() -> None:
    text = '{\n\t"users": [\n\t\t{"login": "a",\n\t\t "password": "p"}\n\t]\n}\n'
    scenario = read_text(text)
    assert scenario.problems == ()
    assert scenario.data == {"users": [{"login": "a", "password": "p"}]}
    assert scenario.lines[("users", 0, "password")] == 4


def test_json_surrogate_pairs_join_and_lone_ones_refuse() -> None:
    paired = read_text('{"users": [{"login": "\\ud83d\\ude00", "password": "\\\\ud83d"}]}')
    assert paired.problems == ()
    assert paired.data["users"][0] == {"login": "😀", "password": "\\ud83d"}
    lone = read_text('{\n "users": [{"login": "\\ud83d"}]}', "s.json")
    assert lone.data is None and lone.problems[0].line == 2
    assert "lone surrogate \\ud83d" in lone.problems[0].message


def test_json_body_parser_shares_the_text_rule() -> None:
    assert parse_json(b'{"a": "\\ud83d\\ude00"}') == {"a": "😀"}
    with pytest.raises(ValueError, match="lone surrogate"):
        parse_json(b'{"a": ["\\udfff"]}')
    with pytest.raises(TextRuleError):
        checked_text("x\ud800")
    assert checked_text("\ud83d\ude00") == "😀"


def test_an_unreadable_path_is_a_problem_naming_it(tmp_path: Path) -> None:
    found = validate_scenario(str(tmp_path / "missing.yaml"))
    assert [problem.message for problem in found] == [
        "cannot read the file: No such file or directory"
    ]
    assert read_path(tmp_path).problems[0].message == "cannot read the file: Is a directory"
    assert UNREADABLE is not None
