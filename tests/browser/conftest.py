"""What every browser test shares: Debian's chromium driven by Playwright against `solara run`.

One server for the whole session runs on a free loopback port, with Solara's page scripts
from the local cache (``.ci/solara-assets``); each test gets its own tab (its own districts).
The ``ui`` tab opens at month 0 (``?year=0``, as a link to the page may ask: ``ui.address``),
so a test starts from where a class would, without waiting for the opening run to year 10;
the tests of the opening load the page's plain address. Page errors (uncaught exceptions,
console errors) fail the test. ``drive`` holds the helpers that use the page as a user does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="playwright is in the test extra: pip install -e '.[test]'")

from district_sim.ui import server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 30_000  # ms
#: The page at month 0: its address asks for no opening run (``ui.address``).
AT_MONTH_0 = "?year=0"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skipif(
                not os.path.exists(CHROMIUM),
                reason=f"{CHROMIUM} missing (apt-get install -y chromium; .ci/run does it)"))
            # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 deprecates
            item.add_marker(pytest.mark.filterwarnings(
                "ignore:Session-scoped fixtures defined as instance methods"))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright's launch arguments: Debian's chromium, no downloads, no sandbox."""
    return {"executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1700, "height": 1250}, "accept_downloads": True}


@pytest.fixture(scope="session")
def ui_url(tmp_path_factory):
    if not server.assets_ready():
        pytest.fail(f"Solara's page scripts are not cached in {server.assets_dir()}: run .ci/solara-assets")
    port = server.free_port()
    log = open(tmp_path_factory.mktemp("ui") / "server.log", "w")  # noqa: SIM115
    process = server.start("127.0.0.1", port, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        server.wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()
        log.close()


def _tab(page, url: str):
    """A tab on ``url`` with its page errors collected; the test fails if any came."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.wait_for_selector(".ds-chart-achievement svg[data-months]")
    yield page
    assert errors == []


@pytest.fixture
def ui(page, ui_url):
    """A fresh page at month 0 (its own districts), with errors collected."""
    yield from _tab(page, ui_url + AT_MONTH_0)


@pytest.fixture
def ui_opening(page, ui_url):
    """A fresh page at its plain address: it opens by running both sides to year 10."""
    yield from _tab(page, ui_url)
