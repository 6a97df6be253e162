"""Issue 12: precise return types. mypy (--strict --disallow-any-expr) checks typing_script.py, a program using the
public API: each `reveal_type` there must show the type written after `# expect:`, and no expression may be
typed Any but the two every `async def` has (Coroutine[Any, Any, T]) and an exception class whose constructor
takes the decoded body (type[NotFound])."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import talos_dynamic
from talos_dynamic import TalosClient, errors
from talos_dynamic.errors_namespace import ErrorsNamespace

pytest.importorskip("mypy", reason="mypy is in the [test] extra")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("typing_script.py")
RESULTS = "talos_dynamic.call.results."
ANSWER = " | ".join(
    RESULTS + name
    for name in ("Result", "ResultList", "IntResult", "FloatResult", "BoolResult", "TextResult", "BytesResult")
)
VALUE = f"{RESULTS}Result | {RESULTS}ResultList | str | int | float | bool | None"


def run_mypy(*paths: str, strict: bool = True) -> list[str]:
    flags = ["--strict", "--disallow-any-expr"] if strict else []
    command = [sys.executable, "-m", "mypy", *flags, "--no-incremental", "--cache-dir", "/dev/null"]
    command += ["--show-error-codes", "--no-error-summary", "--follow-imports=silent", *paths]
    done = subprocess.run(command, cwd=ROOT, env={"MYPYPATH": str(ROOT), "PATH": ""}, capture_output=True, text=True)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def mypy_lines() -> list[str]:
    return run_mypy(str(SCRIPT.relative_to(ROOT)))


def expected_types() -> dict[int, str]:
    found = {}
    for number, line in enumerate(SCRIPT.read_text().splitlines(), 1):
        if line.startswith(" ") and "reveal_type(" in line and "# expect: " in line:
            text = line.split("# expect: ", 1)[1].replace("ANSWER", ANSWER).replace("VALUE", VALUE)
            text = text.replace("builtins.", "")  # mypy 2 no longer prints it
            found[number] = re.sub(r"\bR\.", RESULTS, re.sub(r"\bC\.", "talos_dynamic.client.", text))
    return found


def test_every_revealed_type_is_the_declared_precise_one(mypy_lines):
    revealed = {}
    for line in mypy_lines:
        if match := re.match(r'.*typing_script\.py:(\d+): note: Revealed type is "(.*)"$', line):
            revealed[int(match.group(1))] = match.group(2)
    expected = expected_types()
    assert len(expected) >= 35
    assert {number: revealed.get(number) for number in expected} == expected


def test_no_expression_of_the_public_api_is_typed_any(mypy_lines):
    problems = [line for line in mypy_lines if ": error: " in line]
    allowed = []
    for line in problems:
        shown = re.search(r'\(has type "(.*)"\)  \[misc\]$', line)
        if shown and "Any" not in shown.group(1).replace("Coroutine[Any, Any, ", ""):
            allowed.append(line)  # the yield and send types of a coroutine, as for any `async def`
        elif shown and re.fullmatch(r"type\[\w+\]", shown.group(1)):
            allowed.append(line)  # an exception class: its constructor takes the decoded body (Any)
    assert [line for line in problems if line not in allowed] == []


def test_a_type_error_in_a_call_result_is_caught(tmp_path):
    # the checks above would pass on a checker that knows nothing: here it must reject a wrong use
    script = tmp_path / "wrong.py"
    script.write_text(
        "from talos_dynamic import TalosClient\n"
        "talos = TalosClient()\n"
        "count: int = talos.admin_issue_api_key(name='x')\n"
        "text: str = talos.admin_issue_api_key.prepare(name='x').send()\n"
    )
    lines = run_mypy(str(script), strict=False)
    assert [line.split(": error: ")[1] for line in lines if ": error: " in line] == [
        'Incompatible types in assignment (expression has type "Result", variable has type "int")  [assignment]',
        'Incompatible types in assignment (expression has type "Result", variable has type "str")  [assignment]',
    ]


def test_the_errors_namespace_lists_every_public_error():
    declared = set(ErrorsNamespace.__annotations__) | {"error_class_for"}
    assert declared == set(errors.__all__)


def test_talos_client_declares_each_operation_answering_a_json_object():
    # TalosClient's operations are typed as returning Result: each success answer must be a JSON object
    client = TalosClient(base_url="http://127.0.0.1:9")
    for bound in client.operations:
        spec = bound.operation.response_for(200)
        assert spec is not None and list(spec.content) == ["application/json"], bound.__name__
        schema = spec.content["application/json"].schema
        assert schema is not None, bound.__name__
        assert client.spec.resolver.resolve(schema).value.get("type") == "object", bound.__name__


def test_the_types_are_exported():
    for name in ("Answer", "ResultValue", "IntResult", "FloatResult", "BoolResult", "TextResult", "BytesResult"):
        assert name in talos_dynamic.__all__ and hasattr(talos_dynamic, name)
