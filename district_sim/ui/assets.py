"""Solara's page scripts, cached for a machine without internet (``district-sim ui --fetch-assets``).

Solara serves ``/_solara/cdn/NAME@VERSION/...`` from ``$SOLARA_ASSETS_PROXY_CACHE_DIR`` first and
otherwise fetches it from a public CDN; with no internet the page stays blank. This reads the
``NAME@VERSION`` paths the installed solara itself asks for (its server, components and widgets;
not the Vuetify 3 app, as ipyvuetify is pinned below 2 so Solara serves the Vuetify 2 app) and
unpacks each npm package into ``<cache>/NAME@VERSION/`` with ``npm pack``: a version range such as
``vega@5`` stays the folder's name, as Solara asks for it literally. Folders already filled are
kept, so a second run takes a second. It ships in the package (``.ci/solara-assets`` calls it),
so an installed wheel can fill the cache too. No Solara import: only its files are read.

Run as ``python -m district_sim.ui.assets [CACHE_DIR]``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .server import CORE_ASSET, assets_dir

#: ``name@version`` or ``@scope/name@version`` as Solara writes its CDN paths.
SPEC = re.compile(r"(?:@[a-z0-9-]+/)?[a-z0-9.-]+@[0-9][0-9a-z.-]*")
#: Where in solara's source the page's CDN paths are written, and in which kinds of file.
SOURCES = ("server", "components", "widgets")
SUFFIXES = (".py", ".vue", ".j2", ".html")
#: Solara's Vuetify 3 app: never served while ipyvuetify < 2.
SKIPPED = ("solara-vuetify3-app",)


class AssetError(Exception):
    """The page scripts could not be fetched (no npm, no solara, a package npm cannot pack)."""


def solara_dir() -> Path:
    """The installed solara package's folder, found without importing it (importing solara
    starts its widget machinery)."""
    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        raise AssetError("solara is not installed (pip install district-sim installs it)")
    return Path(next(iter(spec.submodule_search_locations)))


def required(solara: Path | None = None) -> list[str]:
    """The npm packages (``name@version``) the installed solara's page asks for, sorted."""
    solara = solara or solara_dir()
    found: set[str] = set()
    for part in SOURCES:
        for path in (solara / part).rglob("*"):
            if path.suffix in SUFFIXES and path.is_file():
                found.update(SPEC.findall(path.read_text(encoding="utf-8", errors="replace")))
    specs = sorted(s for s in found if not any(skip in s for skip in SKIPPED))
    if not specs:
        raise AssetError(f"found no package paths in {solara}: has solara's layout changed?")
    return specs


def is_filled(cache: Path, spec: str) -> bool:
    """Whether ``spec`` is already unpacked in ``cache`` (a folder is only ever renamed in whole)."""
    return (cache / spec / "package.json").is_file()


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is needed to fetch Solara's page scripts (Debian: apt-get install -y npm)")
    return npm


def _pack(npm: str, spec: str, work: Path) -> Path:
    """Download one package's tarball from the npm registry with ``npm pack``."""
    done = subprocess.run([npm, "pack", "--silent", spec], cwd=work, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        why = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise AssetError(f"npm pack {spec} failed: {why}")
    return work / lines[-1]


def _extract(tgz: Path, into: Path) -> None:
    """Extract an npm tarball without its one top folder (``tar --strip-components=1``)."""
    try:
        with tarfile.open(tgz) as tar:
            members = []
            for member in tar.getmembers():
                _, sep, rest = member.name.partition("/")
                if sep and rest:
                    member.name = rest
                    if member.islnk():
                        member.linkname = member.linkname.partition("/")[2]
                    members.append(member)
            tar.extractall(into, members=members, filter="data")
    except tarfile.TarError as err:
        raise AssetError(f"could not unpack {tgz.name}: {err}") from None


def _unpack(tgz: Path, target: Path) -> None:
    """Unpack ``tgz`` as ``target``: next to it first, then renamed, so an interrupted run
    leaves no half-filled folder that would later count as filled."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".unpack.", dir=target.parent))
    try:
        _extract(tgz, tmp)
        tmp.chmod(0o755)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fetch(cache: Path | None = None, specs: Iterable[str] | None = None,
          say: Callable[[str], None] = print) -> Path:
    """Fill ``cache`` (default: the folder ``district-sim ui`` serves from) with every package
    in ``specs`` (default: what the installed solara asks for); return the folder."""
    cache = Path(cache) if cache else assets_dir()
    specs = list(specs) if specs is not None else required()
    missing = [s for s in specs if not is_filled(cache, s)]
    if missing:
        npm = _npm()
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as work:
            for spec in missing:
                say(f"solara-assets: {spec}")
                _unpack(_pack(npm, spec, Path(work)), cache / spec)
    say(f"solara-assets: {len(specs)} packages in {cache}")
    return cache


def ready(cache: Path | None = None) -> bool:
    """Whether the page can load offline: the first package every page loads is cached."""
    return is_filled(Path(cache) if cache else assets_dir(), CORE_ASSET)


def main(argv: list[str] | None = None) -> int:
    """``python -m district_sim.ui.assets [CACHE_DIR]``: one line on stderr and exit 2 on failure."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m district_sim.ui.assets [CACHE_DIR]", file=sys.stderr)
        return 2
    try:
        fetch(Path(args[0]) if args else None)
    except (AssetError, OSError) as err:
        print(f"solara-assets: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
