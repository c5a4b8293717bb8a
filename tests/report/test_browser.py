"""The report as a person sees it: rendered in headless Chromium.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the
``playwright`` package (in the ``test`` extra; its own browser downloads are
never used). Skips, saying which is missing, otherwise. A screenshot of the
example corpus's report is kept at ``artifacts/report.png``; with
``../shared`` present, one of the syndication dev set's report at
``artifacts/report-dev.png``, and the time it takes to open is printed
(tests never assert on time).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from neardup import DedupConfig, ReadConfig, dedup_files
from neardup.report import build_report
from tests.conftest import REPO, shared_path

ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not found: apt-get install -y chromium to run the browser tests")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(browser: Any, html: Path) -> tuple[Any, float]:
    """Open the report; seconds until its cluster list is on screen."""
    page = browser.new_page(viewport={"width": 1280, "height": 1500})
    began = time.perf_counter()
    page.goto(html.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("body[data-ready] #list details.cluster")
    return page, time.perf_counter() - began


def _expand_first_cluster(page: Any) -> None:
    page.click("#cluster-0 > summary")
    page.wait_for_selector("#cluster-0 .diff .cell")


def test_the_report_renders_and_a_cluster_expands_into_its_diff(
    browser: Any, example_run: Path, tmp_path: Path
) -> None:
    html = tmp_path / "report.html"
    data = build_report(example_run, html, by="source")
    page, seconds = _open(browser, html)
    print(f"\nexample report ({html.stat().st_size:,} bytes) opened in {seconds:.2f} s")
    assert page.locator("#figures .figure").count() >= 6
    assert page.locator("figure.plot svg").count() == 3
    assert page.locator("figure.plot svg rect.bar").count() > 5
    assert page.locator("details.cluster").count() == len(data.clusters)
    assert not page.locator("#cluster-0 .diff").count()  # rendered on demand only
    _expand_first_cluster(page)
    copies = len(data.clusters[0].copies)
    assert page.locator("#cluster-0 .copy").count() == copies
    assert page.locator("#cluster-0 .cell .badge").count() > 0  # labelled passages
    assert page.locator("#cluster-0 .cell.kind-s").count() > 0  # shared text beside it
    page.fill("#search", data.clusters[-1].copies[0].id)
    page.wait_for_function("document.querySelectorAll('#list details.cluster').length === 1")
    page.fill("#search", "")
    page.wait_for_selector("#cluster-0")
    _expand_first_cluster(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    print(f"screenshot: {ARTIFACTS / 'report.png'}")
    page.close()


def test_the_dev_set_report_opens_quickly(browser: Any, tmp_path: Path) -> None:
    corpus = shared_path("bench/syndication-dev.jsonl.gz")
    out = tmp_path / "out"
    dedup_files([str(corpus)], out, DedupConfig(), ReadConfig())
    html = tmp_path / "dev.html"
    data = build_report(out, html, by="level", workers=2)
    page, seconds = _open(browser, html)
    print(
        f"\ndev-set report: {len(data.clusters):,} clusters, {html.stat().st_size / 1e6:.1f} MB, "
        f"opened in Chromium in {seconds:.2f} s"
    )
    _expand_first_cluster(page)
    assert page.locator("#cluster-0 .copy").count() == len(data.clusters[0].copies)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-dev.png"), full_page=False)
    page.close()
