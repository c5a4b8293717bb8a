import subprocess
import sys

import neardup


def test_all_names_exist() -> None:
    for name in neardup.__all__:
        assert hasattr(neardup, name), name


def test_import_does_not_pull_heavy_optional_dependencies() -> None:
    code = "import sys, neardup; print(sorted(m for m in ('ray', 'fastapi', 'torch', 'uvicorn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
