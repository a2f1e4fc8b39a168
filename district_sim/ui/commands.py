"""``district-sim ui``: the browser page on localhost."""

from __future__ import annotations

import signal
import sys

from ..settings import SettingsError


def register(sub) -> None:
    """Add this face's subcommands to the ``district-sim`` parser."""
    p = sub.add_parser("ui", help="open the browser page: two strategies side by side, live")
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only; "
                        "0.0.0.0 shares the page on the network)")
    p.add_argument("--fetch-assets", action="store_true",
                   help="download Solara's page scripts from npm into the offline cache "
                        "($SOLARA_ASSETS_PROXY_CACHE_DIR, else ~/.cache/district-sim/solara-assets; "
                        "npm needed, about 200 MB) and exit, so the page works without internet")
    p.set_defaults(func=cmd_ui)


def cmd_fetch_assets() -> int:
    """Fill the page's offline cache (:mod:`.assets`); a failure is one line."""
    from . import assets

    try:
        assets.fetch()
    except assets.AssetError as err:
        raise SettingsError(f"--fetch-assets: {err}") from None
    return 0


def cmd_ui(args) -> int:
    from . import server

    if args.fetch_assets:
        return cmd_fetch_assets()
    if not 1 <= args.port <= 65535:
        raise SettingsError(f"--port must be between 1 and 65535, got {args.port}")
    problem = server.bind_problem(args.host, args.port)
    if problem:
        raise SettingsError(problem)
    if not server.assets_ready():
        print(f"district-sim: warning: Solara's page scripts are not cached in {server.assets_dir()}; "
              "the page needs internet access to load them. Run district-sim ui --fetch-assets once "
              "to cache them (npm needed).", file=sys.stderr)
    shown = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(f"district-sim page at http://{shown}:{args.port}/ (Ctrl+C stops it)", flush=True)
    process = server.start(args.host, args.port)
    previous = {sig: signal.signal(sig, _stop_requested) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return process.wait()
    except (KeyboardInterrupt, PageStopped):
        stop_server(process)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class PageStopped(Exception):
    """SIGTERM or SIGHUP reached ``district-sim ui``: stop the server as Ctrl+C does."""


def _stop_requested(signum, frame) -> None:
    raise PageStopped(signal.Signals(signum).name)


def stop_server(process) -> None:
    """Ask the server to stop, then make it: nobody may be left serving the port."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except Exception:
        process.kill()
        process.wait()
