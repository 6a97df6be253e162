"""`talos-dynamic ops` on a terminal: a rich table that fits the terminal's width and never cuts a Python
name (operations stack on two lines when the names are too long for columns), paged when it is taller than
the terminal. Piped, the plain table of OperationsView (every cell whole) is printed instead."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from typing import IO, Any

from ..explore.views import SUMMARY_WIDTH, OperationsView

METHOD_WIDTH = 7
MIN_PATH_WIDTH = 24


def operations_text(view: OperationsView, width: int, colour: bool) -> str:
    """The operations rendered for a terminal `width` columns wide (ANSI colours when `colour`)."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    rows = view.rows()
    console = Console(width=width, force_terminal=colour, no_color=not colour, highlight=False)
    name_width = max([len("python name"), *(len(row["python_name"]) for row in rows)])
    with console.capture() as captured:
        console.print(Text(f"{len(rows)} {view.label}", style="bold"))
        if name_width + 2 + METHOD_WIDTH + 2 + MIN_PATH_WIDTH <= width:
            table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", padding=(0, 2, 0, 0))
            table.add_column("python name", style="cyan", no_wrap=True, min_width=name_width)
            table.add_column("method", style="magenta", no_wrap=True, min_width=METHOD_WIDTH - 1)
            path_width = max([4, *(len(row["path"]) for row in rows)])
            room = width - name_width - METHOD_WIDTH - 4 - min(path_width, 60)
            table.add_column("path", overflow="fold", ratio=2 if room >= 30 else None)
            if room >= 30:
                table.add_column("tag", overflow="fold", ratio=1)
                table.add_column("summary", overflow="ellipsis", no_wrap=True, ratio=2, max_width=SUMMARY_WIDTH)
            for row in rows:
                cells = [row["python_name"], row["method"], row["path"]]
                cells += [row["tag"], row["summary"]] if room >= 30 else []
                table.add_row(*(Text(cell) for cell in cells))
            console.print(table)
        else:  # names too long for columns: each operation on its own lines, the name first and whole
            for row in rows:
                console.print(Text(row["python_name"], style="bold cyan"), overflow="fold")
                detail = Text(row["method"], style="magenta")
                detail.append(f" {row['path']}")
                if row["summary"]:
                    detail.append(f"  {row['summary']}", style="dim")
                console.print(Padding(detail, (0, 0, 0, 4)), overflow="fold")
    return "\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n"


def terminal_size(stream: IO[str]) -> os.terminal_size:
    try:
        return os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return shutil.get_terminal_size()


def show(text: str, stream: IO[str], height: int, page: bool) -> None:
    """Write `text`, through $PAGER (default `less -FRX`) when it is taller than the terminal."""
    if page and text.count("\n") >= height:
        command = os.environ.get("PAGER") or "less -FRX"
        try:
            pager = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, text=True)
        except OSError:
            pass
        else:
            try:
                assert pager.stdin is not None
                pager.stdin.write(text)
                pager.stdin.close()
            except BrokenPipeError:  # the user quit the pager early
                pass
            pager.wait()
            return
    stream.write(text)


def print_operations(view: OperationsView, args: Any, stream: IO[str] = sys.stdout) -> None:
    """ops' table: fitted to a terminal, whole and plain when piped."""
    from .exchange import colour_wanted

    if not stream.isatty():
        stream.write(view.table() + "\n")
        return
    size = terminal_size(stream)
    width = int(os.environ.get("COLUMNS") or size.columns)
    show(operations_text(view, width, colour_wanted(stream)), stream, size.lines, not args.no_pager)
