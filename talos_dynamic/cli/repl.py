"""`talos-dynamic repl`: a Python session with `client` bound. IPython when it is installed and the
terminal is interactive, else the standard console; either way TAB completes operation names and, inside a
call's parentheses, argument names, and an error of this library shows as one line, not library frames."""

from __future__ import annotations

import code
import inspect
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import TalosDynamicError

BANNER = """talos_dynamic REPL: {client!r}
  client.operations            every operation, as a table
  client.find("revoke")        search names, paths, tags and summaries
  help(client.<operation>)     signature, parameters, body fields, responses, an example call
  client.enums, client.models  enum constants and checked constructors
Tab completes operation and argument names; exit() or Ctrl-D leaves."""

_CALLEE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$")


def open_call(text: str) -> str | None:
    """The dotted name whose call's parentheses are still open at the end of `text` (None: not in a call)."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                if char != "(":
                    return None
                match = _CALLEE.search(text[:index])
                return match.group(1) if match else None
            depth -= 1
    return None


def argument_names(namespace: dict[str, Any], callee: str, prefix: str) -> list[str]:
    """`name=` for each keyword argument of `callee` (looked up by attribute access only) starting with prefix."""
    first, *rest = callee.split(".")
    if first not in namespace:
        return []
    target = namespace[first]
    try:
        for part in rest:
            target = getattr(target, part)
        parameters = inspect.signature(target).parameters.values()
    except (AttributeError, TypeError, ValueError, TalosDynamicError):
        return []
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [f"{p.name}=" for p in parameters if p.kind in kinds and p.name.startswith(prefix)]


class Completer:
    """rlcompleter's names and attributes, plus argument names inside an open call."""

    def __init__(self, namespace: dict[str, Any], before: Callable[[], str]) -> None:
        """`before()` gives the line's text before the word being completed."""
        import rlcompleter

        self.namespace = namespace
        self.before = before
        self.names = rlcompleter.Completer(namespace)
        self.arguments: list[str] = []

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            callee = open_call(self.before())
            self.arguments = argument_names(self.namespace, callee, text) if callee else []
        if state < len(self.arguments):
            return self.arguments[state]
        return self.names.complete(text, state - len(self.arguments))


def short_error(exc: BaseException) -> str:
    """An error of this library as the session shows it: the type and the message, no library frames."""
    return f"{type(exc).__name__}: {exc}\n"


class Console(code.InteractiveConsole):
    """The standard console, showing this library's errors in one line (the exception stays in sys.last_value)."""

    def showtraceback(self) -> None:
        kind, value, tb = sys.exc_info()
        if isinstance(value, TalosDynamicError):
            sys.last_type, sys.last_value, sys.last_traceback = kind, value, tb
            frames = [f for f in traceback.extract_tb(tb) if f.filename == "<console>"]
            where = f'  File "<console>", line {frames[-1].lineno}\n' if frames else ""
            self.write(where + short_error(value))
            return
        super().showtraceback()


def ipython_error(shell: Any, kind: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    """IPython's handler for this library's errors (set_custom_exc): one line instead of library frames."""
    sys.stderr.write(short_error(value))


def interact(client: Any, plain: bool = False) -> int:
    """Run the session until exit() or Ctrl-D."""
    namespace = {"client": client}
    banner = BANNER.format(client=client)
    if sys.stdin.isatty() and not plain:
        try:
            from IPython.terminal.ipapp import TerminalIPythonApp
            from traitlets.config import Config
        except ImportError:
            pass
        else:
            config = Config()
            config.TerminalInteractiveShell.banner2 = banner
            app = TerminalIPythonApp.instance(config=config, user_ns=namespace)
            app.initialize([])
            app.shell.set_custom_exc((TalosDynamicError,), ipython_error)
            app.start()
            return 0
    if sys.stdin.isatty():
        import readline

        before = lambda: readline.get_line_buffer()[: readline.get_begidx()]  # noqa: E731
        readline.set_completer(Completer(namespace, before).complete)
        readline.parse_and_bind("tab: complete")
    Console(namespace).interact(banner=banner, exitmsg="")
    return 0
