"""Deployment settings, checked the way an operator would: in a fresh process."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Variables the test run itself sets (the browser tests allow sync ORM calls in their thread).
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG"}


def operator_env(**env) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in TEST_ONLY}, **env}


def run_manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=operator_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_debug_off_and_a_real_secret():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY="x" * 20 + "a-real-secret-with-enough-entropy-0123456789", ALLOWED_HOSTS="rednote.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_refuses_to_start():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_collectstatic_hashes_the_reader_modules_and_their_imports(tmp_path):
    secret = "x" * 20 + "a-real-secret-with-enough-entropy-0123456789"
    result = run_manage("collectstatic", "--noinput", DEBUG="false", SECRET_KEY=secret, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = __import__("json").loads((tmp_path / "staticfiles.json").read_text())["paths"]
    main = (tmp_path / manifest["js/reader/main.js"]).read_text()
    for module in ("paint", "panel", "text"):
        hashed = Path(manifest[f"js/reader/{module}.js"]).name
        assert hashed != f"{module}.js" and f'from "./{hashed}"' in main
