"""The imports run one way (pyproject.toml, [tool.importlinter]): the edges (jingfu, admin_api,
dialogs, bot) over render, core and storage; the bot never imports the conversations; nlu imports
none of the others; no two modules of a package import each other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_imports_keep_the_layers() -> None:
    # A process of its own: import-linter reads the source, it does not import it.
    lint = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    run = subprocess.run(
        [sys.executable, "-c", lint, "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
