"""Deployment settings, checked the way an operator would: in a fresh process."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Variables the test run itself sets (the browser tests allow sync ORM calls in their thread).
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}


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


def test_debug_is_off_unless_asked_for():
    secret = "x" * 20 + "a-real-secret-with-enough-entropy-0123456789"
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY=secret)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_without_debug_or_a_secret_the_app_says_what_to_set():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr and "manage.py up" in result.stderr and "DEBUG=true" in result.stderr


def test_up_runs_in_debug_for_local_work_without_any_setting():
    result = run_manage("up", "--help")
    assert result.returncode == 0, result.stderr
    assert "Run rednote on this machine" in result.stdout


def test_checking_models_against_migrations_needs_no_setting():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
