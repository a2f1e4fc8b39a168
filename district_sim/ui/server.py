"""Starting the page's server: Solara, with its page scripts served from a local folder.

Solara fetches its browser scripts from a public CDN unless they sit in
``$SOLARA_ASSETS_PROXY_CACHE_DIR``; with no internet the page would stay blank. The folder
is filled once by ``.ci/solara-assets`` (npm packages, about 180 MB); the command line and
the tests point Solara at it. No Solara import here: the command line starts fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

APP = "district_sim.ui.app"
ASSETS_ENV = "SOLARA_ASSETS_PROXY_CACHE_DIR"
#: The package every Solara page loads first: if it is cached, the page can load offline.
CORE_ASSET = "@widgetti/solara-vuetify-app@10.1.1"


def assets_dir() -> Path:
    """Where the page scripts are cached: $SOLARA_ASSETS_PROXY_CACHE_DIR, else
    ~/.cache/district-sim/solara-assets (what ``.ci/solara-assets`` fills by default)."""
    if os.environ.get(ASSETS_ENV):
        return Path(os.environ[ASSETS_ENV])
    return Path.home() / ".cache" / "district-sim" / "solara-assets"


def assets_ready(folder: Path | None = None) -> bool:
    folder = folder or assets_dir()
    return (folder / CORE_ASSET / "package.json").is_file()


def server_env(base: dict | None = None) -> dict:
    """The environment for Solara's server: cached page scripts, no telemetry calls, and no
    "This website runs on Solara" banner (Solara's ``theme.show_banner`` setting), which
    would sit over the charts' lower right corner."""
    env = dict(os.environ if base is None else base)
    env.setdefault(ASSETS_ENV, str(assets_dir()))
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def server_command(host: str, port: int, app: str = APP) -> list[str]:
    return [sys.executable, "-m", "solara", "run", app, "--host", host, "--port", str(port),
            "--production", "--no-open"]


def bind_problem(host: str, port: int) -> str | None:
    """Why the page could not listen at host:port, in words (None if it can)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except socket.gaierror:
            return f"--host {host}: not an address of this machine"
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return f"--port {port}: already in use on {host} (pick another with --port)"
            return f"--host {host}: cannot listen there ({err.strerror})"
    return None


def port_free(host: str, port: int) -> bool:
    return bind_problem(host, port) is None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


#: Linux's prctl option that signals a process when its parent dies (``man 2 prctl``).
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the server's process before it starts: be sent SIGTERM when ``district-sim ui`` dies,
    however it dies (a SIGKILL leaves it no chance to stop its child itself). Linux only."""
    with contextlib.suppress(OSError, AttributeError):  # elsewhere the parent's handlers stop it
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(host: str, port: int, **popen) -> subprocess.Popen:
    if sys.platform.startswith("linux"):
        popen.setdefault("preexec_fn", _die_with_parent)
    return subprocess.Popen(server_command(host, port), env=server_env(), **popen)


def wait_until_up(url: str, process: subprocess.Popen | None = None, timeout: float = 60.0) -> None:
    """Poll ``url`` until the server answers; RuntimeError if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the page's server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the page's server did not answer at {url} within {timeout:.0f} s")
