"""``district-sim ui`` never leaves its Solara server behind, however it is stopped.

Real processes and real signals: the command is started as a user would start it, its server
child is found in /proc, the command is signalled, and the child and the port must be gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from district_sim.ui import server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


def start_page() -> tuple[subprocess.Popen, int, int]:
    port = server.free_port()
    cli = Path(sys.executable).with_name("district-sim")
    page = subprocess.Popen([cli, "ui", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    server.wait_until_up(f"http://127.0.0.1:{port}/", page, timeout=90)
    (child,) = children(page.pid)
    return page, child, port


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_no_server_outlives_the_page_command(sig):
    page, child, port = start_page()
    try:
        os.kill(page.pid, sig)
        assert gone_within(child, 10), f"the Solara server outlived district-sim ui after {sig.name}"
        page.wait(10)
        assert server.port_free("127.0.0.1", port)
    finally:
        for pid in (page.pid, child):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
