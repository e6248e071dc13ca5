"""Helpers shared by the benchmark scripts (run them as ``python bench/NAME.py``; this folder is on the path)."""

from __future__ import annotations

import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port nobody listens on right now, on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """Stop a server like its operator would (SIGTERM, a graceful wait), killing it only if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
