"""Every relative link in README.md, docs/*.md and ops/RUNBOOK.md resolves: the file exists, and
an anchor names a heading of its target as GitHub slugs it (lowercase, spaces to '-', punctuation
other than '-' and '_' removed, a repeated heading suffixed -1, -2, ...)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "ops" / "RUNBOOK.md"]
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


def _prose(text: str) -> str:
    """The text without fenced code blocks (their lines are not headings or links)."""
    return _FENCE.sub("", text)


def slug(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: Counter[str] = Counter()
    found = set()
    for heading in _HEADING.findall(_prose(path.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(f"{base}-{seen[base]}" if seen[base] else base)
        seen[base] += 1
    return found


def links(path: Path) -> list[str]:
    prose = _prose(path.read_text(encoding="utf-8"))
    # inline code cannot hold a link, but a link's text may be inline code: blank the code only
    prose = _CODE.sub(lambda m: "`" * len(m.group(0)), prose)
    return _LINK.findall(prose)


def test_the_slug_is_githubs() -> None:
    assert slug("A production cluster (SASL/TLS)") == "a-production-cluster-sasltls"
    assert slug("`./ops/demo`: the whole pipeline, live") == "opsdemo-the-whole-pipeline-live"
    assert slug("Heatmaps and A/B tests") == "heatmaps-and-ab-tests"
    assert slug("worker_down and day-key") == "worker_down-and-day-key"


def test_links_are_found_outside_code_only(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '# Title\n\n[`a.md`](a.md) and ![img](b.png "t")\n\n```sh\n# not a heading\n[x](c.md)\n```\n'
        "`[y](d.md)`\n\n## Title\n",
        encoding="utf-8",
    )
    assert links(page) == ["a.md", "b.png"]
    assert anchors(page) == {"title", "title-1"}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    broken = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading with that anchor in {dest.relative_to(ROOT)}")
        elif anchor and dest.suffix != ".md":
            broken.append(f"{target}: an anchor into a file that is not Markdown")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_docs_page_has_one_title() -> None:
    for path in DOCS:
        titles = re.findall(r"^# ", _prose(path.read_text(encoding="utf-8")), re.M)
        assert len(titles) == 1, f"{path.relative_to(ROOT)}: {len(titles)} H1 headings"


_REPO_PATH = re.compile(r"\b(?:pipeline|tests|perf|ops|examples|avro|topics)/[\w./-]*[\w/]")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_path_the_docs_name_exists(doc: Path) -> None:
    """Paths in prose and code (`pipeline/core/steps/`, `tests/worker/test_faults.py`) are real:
    a module that moved cannot leave its old name behind. `pipeline/_bundled/` is made by the
    wheel build, and `*` marks a pattern."""
    named = set(_REPO_PATH.findall(doc.read_text(encoding="utf-8")))
    missing = sorted(
        p
        for p in named
        if "*" not in p and not p.startswith("pipeline/_bundled/") and not (ROOT / p).exists()
    )
    assert missing == []


def test_the_path_scan_sees_paths() -> None:
    assert "pipeline/core/steps/__init__.py" in _REPO_PATH.findall(
        "see `pipeline/core/steps/__init__.py`."
    )
