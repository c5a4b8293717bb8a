import subprocess
import sys

import neardup


def test_all_names_exist() -> None:
    for name in neardup.__all__:
        assert hasattr(neardup, name), name


def test_import_does_not_pull_heavy_optional_dependencies() -> None:
    code = "import sys, neardup; print(sorted(m for m in ('ray', 'fastapi', 'torch', 'uvicorn', 'sentence_transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_batch_run_starts_without_the_index_explain_and_report_modules() -> None:
    """Every command pays for what the CLI imports at start; these load on first use."""
    code = (
        "import sys, neardup.cli\n"
        "print(sorted({m.split('.')[1] for m in sys.modules if m.startswith('neardup.')}"
        " & {'index', 'explain', 'report'}))\n"
        "from neardup import Index\n"
        "print(Index.__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "neardup.index"]
