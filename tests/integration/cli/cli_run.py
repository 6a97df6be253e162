"""Running talos-dynamic as a user does: in a subprocess, piped or on a pseudo-terminal of a given size."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-m", "talos_dynamic.cli"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT, stdin: str | None = None):
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=180, cwd=cwd, input=stdin, env=env or clean_env()
    )


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the TALOS_DYNAMIC_* defaults a developer may have set, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALOS_DYNAMIC_") or k == "TALOS_DYNAMIC_SHARED"}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    return {**env, **extra}


class Terminal:
    """A process on a pseudo-terminal `columns` wide: what it writes is read back as the terminal shows it."""

    def __init__(self, args: list[str], columns: int = 80, rows: int = 40, env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env or clean_env(TERM="xterm"), close_fds=True
        )
        os.close(slave)
        self.output = b""

    def read_until(self, marker: bytes, timeout: float = 60) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.output and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the process closed the terminal
                    break
                if not chunk:
                    break
                self.output += chunk
        return self.output

    def write(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 120) -> str:
        """Read until the process closes the terminal, then wait for its exit."""
        try:
            self.read_until(b"\x00never\x00", timeout=timeout)  # ends at EOF: the process exited
            self.process.wait(timeout=10)
        finally:
            os.close(self.master)
        return self.output.decode("utf-8", "replace").replace("\r\n", "\n")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
