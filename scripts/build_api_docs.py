"""Build the API reference (``docs/api/``) from the package's docstrings with pdoc.

    pip install -e ".[docs]"
    python scripts/build_api_docs.py            # writes docs/api/ (index.html, one page a module)
    python scripts/build_api_docs.py /tmp/api   # elsewhere

Every module of ``district_sim`` gets a page: the package's ``__all__`` lists only the Python API
(``run``, ``compare``, ...), and pdoc would otherwise document the top page alone. Importing a
module must have no side effects (no files, threads, output), which ``tests/test_docs.py`` checks.
A module whose optional dependency is not installed (``district_sim.ema`` without the ``ema``
extra) is left out with a note, so the reference builds from a plain install too. Docstrings are
reStructuredText (``literal``, :func:`roles`), as pdoc is told.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "district_sim"
DEFAULT_OUT = ROOT / "docs" / "api"


def module_names(package_dir: Path = ROOT / PACKAGE) -> list[str]:
    """Every module of the package, by dotted name, read from its files (nothing imported)."""
    names = []
    for path in sorted(package_dir.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def importable(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """The modules that import here, and why each other one does not (a missing optional extra)."""
    ok, skipped = [], {}
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as err:  # ModuleNotFoundError, or a module's own message naming its extra
            missing = err.name or getattr(err.__cause__, "name", None)
            if not missing or missing.split(".")[0] == PACKAGE:
                raise
            skipped[name] = f"needs {missing} (an optional extra)"
        else:
            ok.append(name)
    return ok, skipped


def build(out: Path = DEFAULT_OUT) -> tuple[list[str], dict[str, str]]:
    """Render every importable module into ``out``, replacing it whole (a stale page of a
    removed module would otherwise linger)."""
    import pdoc
    import pdoc.render

    sys.path.insert(0, str(ROOT))
    modules, skipped = importable(module_names())
    # No search index: it is 4 MB of the reference's 8, for a reference of 60 pages.
    pdoc.render.configure(docformat="restructuredtext", show_source=False, search=False,
                          footer_text=f"{PACKAGE} API reference (scripts/build_api_docs.py)")
    out = Path(out)
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.is_dir() else None) as tmp:
        with warnings.catch_warnings():
            # Mesa's generic annotations (Model[A, S]) cannot be resolved; they are Mesa's.
            warnings.filterwarnings("ignore", "Error parsing type annotation", UserWarning)
            # pdoc also walks a package's submodules, which are listed here already.
            warnings.filterwarnings("ignore", ".*has already been added", UserWarning)
            pdoc.pdoc(*modules, output_directory=Path(tmp) / "api")
        for page in (Path(tmp) / "api").rglob("*.html"):
            _relative_paths(page)
        shutil.rmtree(out, ignore_errors=True)
        shutil.move(Path(tmp) / "api", out)
    return modules, skipped


def _relative_paths(page: Path) -> None:
    """Module constants that are paths (the shipped accepted set, the page's CSS) show as paths
    in the checkout, not on the machine that built the reference."""
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(f"{ROOT}/", ""), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: python scripts/build_api_docs.py [OUT_DIR]", file=sys.stderr)
        return 2
    try:
        import pdoc  # noqa: F401
    except ModuleNotFoundError:
        print('build_api_docs: pdoc is needed: pip install -e ".[docs]"', file=sys.stderr)
        return 2
    out = Path(argv[0]) if argv else DEFAULT_OUT
    modules, skipped = build(out)
    for name, why in skipped.items():
        print(f"build_api_docs: left out {name}: {why}", file=sys.stderr)
    print(f"build_api_docs: {len(modules)} modules in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
