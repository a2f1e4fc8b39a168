"""Time of one update of the browser page: two 10,000-student districts of 10 replicates each
(issue 15's figure: a redraw within 250 ms at the 95th percentile in Chromium).

Three measures, each a median and a 95th percentile over many months:
  model+charts  every replicate of both districts steps one school month and all six charts
                (means, 95% bands) are rebuilt (plain Python, no Solara);
  page (server) the page's Step button is clicked in a rendered page (``solara.render``, no
                browser): the model step plus Solara/reacton re-rendering every widget that
                changed, i.e. the server's whole share of an update;
  browser       with --browser: Step clicked in headless Debian chromium against a running
                ``solara run`` server, until the chart shows the new month (the round trip a
                viewer sees). Needs /usr/bin/chromium, playwright and .ci/solara-assets.

Usage: python benchmarks/bench_ui.py [--students 10000] [--replicates 10] [--months 100] [--branches 0]
                                    [--spread] [--browser]
"""

from __future__ import annotations

import argparse
import statistics
import time


def summary(label: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"{label:14s} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"
          f"   ({len(ms)} updates)")


def bench_model_and_charts(students: int, months: int, branches: int, replicates: int, spread: bool) -> None:
    from district_sim.ui import charts
    from district_sim.ui.session import LEFT, Comparison

    c = Comparison(students=students, schools=max(1, students // 500), replicates=replicates)
    for i in range(branches):
        c.step_year()
        c.fork(LEFT, "strategy.initiatives_per_year", i)
    times = []
    for _ in range(months):
        t0 = time.perf_counter()
        c.step()
        charts.all_charts_svg(c, spread=spread)
        times.append(time.perf_counter() - t0)
    summary("model+charts", times)
    t0 = time.perf_counter()
    c.set_lever(LEFT, "strategy.buffering", 0.5)
    print(f"{'lever change':14s} {1000 * (time.perf_counter() - t0):7.1f} ms   (re-runs one side's "
          f"{replicates} replicates to month {c.months})")


def bench_page(students: int, months: int) -> None:
    """The page as it opens: its default replicates (``session.DEFAULT_REPLICATES``)."""
    import ipyvuetify as v
    import solara

    from district_sim.ui import app, session

    session.DEFAULT_STUDENTS, session.DEFAULT_SCHOOLS = students, max(1, students // 500)
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    times = []
    for _ in range(months):
        t0 = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - t0)
    rc.close()
    summary("page (server)", times)


def bench_browser(months: int) -> None:
    from playwright.sync_api import sync_playwright

    from district_sim.ui import server

    port = server.free_port()
    process = server.start("127.0.0.1", port)
    url = f"http://127.0.0.1:{port}/"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    try:
        server.wait_until_up(url, process)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url)
            page.wait_for_selector(".ds-chart-achievement svg")
            step = page.get_by_role("button", name="Step", exact=True)
            times = []
            for i in range(1, months + 1):
                t0 = time.perf_counter()
                step.click()
                page.wait_for_function("n => Number(document.querySelector("
                                       "'.ds-chart-achievement svg').dataset.months) >= n", arg=i)
                times.append(time.perf_counter() - t0)
            browser.close()
        summary("browser", times)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=100)
    ap.add_argument("--branches", type=int, default=0, help="branches forked before timing (0-4)")
    ap.add_argument("--replicates", type=int, default=10, help="replicates of each district (1-50)")
    ap.add_argument("--spread", action="store_true", help="draw every replicate's line too (model+charts)")
    ap.add_argument("--browser", action="store_true", help="also time the round trip in chromium")
    args = ap.parse_args()
    print(f"{args.students} students a district, {2 + args.branches} districts of {args.replicates} "
          f"replicates in lockstep, {args.months} months")
    bench_model_and_charts(args.students, args.months, args.branches, args.replicates, args.spread)
    if args.branches == 0:
        bench_page(args.students, args.months)
        if args.browser:
            bench_browser(min(args.months, 50))


if __name__ == "__main__":
    main()
