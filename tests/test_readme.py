"""README and docs promises that must stay exact."""

import re
from pathlib import Path

from cdp.ingest.contract import contract_markdown
from tests.conftest import PROJECT_ROOT

README_PATH = PROJECT_ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
CONTRACT_DOC = (PROJECT_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
MARKDOWN_FILES = [README_PATH, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 250

FENCED_BLOCK = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def test_contract_doc_table_matches_the_contract_module():
    assert contract_markdown() in CONTRACT_DOC


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    ci = (PROJECT_ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "\nmake test\n" in ci


def test_readme_is_a_front_door_of_at_most_250_lines():
    lines = README.splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move depth into docs/"


def relative_links(text: str) -> list[str]:
    """Targets of the markdown links in ``text`` that point into the repository, anchors stripped."""
    prose = INLINE_CODE.sub("", FENCED_BLOCK.sub("", text))
    targets = []
    for target in LINK.findall(prose):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue  # a URL (https:, mailto:) or an anchor in the same page
        targets.append(target.split("#", 1)[0])
    return targets


def test_relative_links_find_the_link_in_prose_and_skip_code_urls_and_anchors():
    text = ('see [a](docs/a.md#x), [b](b.md "title"), [web](https://x.org), [here](#top)\n'
            "`[c](c.md)`\n```\n[d](d.md)\n```\n")
    assert relative_links(text) == ["docs/a.md", "b.md"]


def test_every_relative_link_in_readme_and_docs_points_to_an_existing_file():
    assert len(MARKDOWN_FILES) > 1, "docs/*.md not found"
    broken = []
    for path in MARKDOWN_FILES:
        for target in relative_links(path.read_text(encoding="utf-8")):
            if not (path.parent / Path(target)).exists():
                broken.append(f"{path.relative_to(PROJECT_ROOT)} -> {target}")
    assert not broken, broken
