"""The core stays framework-free: import-linter's contract (pyproject.toml) plus a direct scan."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).parents[2] / "src" / "eventflow" / "core"
FORBIDDEN = ("sqlalchemy", "alembic", "falcon", "click", "PIL", "jinja2", "eventflow.adapters", "eventflow.entrypoints")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_a_framework_or_an_outer_layer() -> None:
    offenders = [
        f"{path.relative_to(CORE)} imports {name}"
        for path in CORE.rglob("*.py")
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert offenders == []


def test_the_scan_would_catch_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport eventflow.adapters.sql\n")
    assert imported_modules(bad) >= {"sqlalchemy", "eventflow.adapters.sql"}


def test_import_linter_contract_holds() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], capture_output=True, text=True, cwd=CORE.parents[2])
    assert result.returncode == 0, result.stdout + result.stderr
