"""What a link to the page can ask for: how far the opening runs and how big the districts are.

``http://localhost:8765/?year=0`` opens at month 0 (a teacher who wants to play the first
months live, in class); ``?year=5`` runs the opening to year 5; ``?students=2000&runs=5``
opens smaller districts with fewer runs (a slow laptop, a projector machine). The same
names as the page's own controls, with the same ranges (``controls.SIZES``): a link can ask
for nothing the page's sliders could not set. A value out of range is not guessed at: the
page opens on its defaults and says, in one line, which setting was wrong and what it takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..calendar import MONTHS_PER_YEAR
from ..settings import SettingsError
from .controls import SIZES
from .levers import parse_whole
from .session import DEFAULT_REPLICATES, DEFAULT_SCHOOLS, DEFAULT_STUDENTS, MAX_MONTHS

#: The year the opening runs both sides to, unless the link says otherwise.
OPENING_YEAR = 10
#: What a link may set: its name -> (what the message calls it, lowest, highest).
OPTIONS = {
    "year": ("year (how far the opening runs)", 0, MAX_MONTHS // MONTHS_PER_YEAR),
    "students": ("students (in each district)", *SIZES["students"][:2]),
    "schools": ("schools (in each district)", *SIZES["schools"][:2]),
    "runs": ("runs (of each side)", *SIZES["replicates"][:2]),
}


@dataclass(frozen=True)
class PageOptions:
    """The page's opening and size, from its address."""

    year: int = OPENING_YEAR
    students: int = DEFAULT_STUDENTS
    schools: int = DEFAULT_SCHOOLS
    runs: int = DEFAULT_REPLICATES
    problems: tuple[str, ...] = field(default=())   # one plain line a setting not taken

    @property
    def opening_months(self) -> int:
        return self.year * MONTHS_PER_YEAR


def parse(search: str | None) -> PageOptions:
    """The options a query string (``year=0&students=2000``, no ``?``) asks for. Unknown names
    and bad values are reported in ``problems`` and leave that option at its default."""
    taken: dict[str, int] = {}
    problems: list[str] = []
    for name, raw in parse_qsl(search or "", keep_blank_values=True):
        if name not in OPTIONS:
            problems.append(f"The page's address: unknown setting {name!r} "
                            f"(it takes {', '.join(OPTIONS)})")
            continue
        label, low, high = OPTIONS[name]
        try:
            taken[name] = parse_whole(raw, f"The page's address: {label}", low, high)
        except SettingsError as err:
            problems.append(str(err))
    return PageOptions(**taken, problems=tuple(problems))
