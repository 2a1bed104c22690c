"""README promises that must stay exact."""

import re

from cdp.contract import contract_markdown
from tests.conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_contract_table_matches_the_contract_module():
    assert contract_markdown() in README


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    ci = (PROJECT_ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "\nmake test\n" in ci
