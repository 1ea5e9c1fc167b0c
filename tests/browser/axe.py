"""axe-core in the page under test: the accessibility checker comes from the npm registry
(tests/browser/package.json pins it, `npm ci` installs it into tests/browser/node_modules) and
is only ever loaded by the browser tests, never served to users.

The pages' Content-Security-Policy allows scripts from their own origin only, so an inline copy
of axe (what `add_script_tag(path=...)` inserts) would be blocked. Instead the page fetches axe
from a same-origin address that Playwright answers from node_modules (`page.route`): the policy
stays enforced while axe runs, and any violation still fails the test.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import tempfile
import weakref
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe-core__/axe.min.js"  # answered by Playwright, never by the app
SERIOUS = ("serious", "critical")
# Rules whose "needs review" answer is a defect here all the same. axe cannot tell whether an id
# used twice matters, but a label or aria reference only reaches the first; nor whether an
# aria-describedby naming no element on the page will find one later, but a help text a screen
# reader should read with its field must be there with the field.
REVIEW_IS_FAILURE = ("duplicate-id-aria", "aria-valid-attr-value")
_routed: weakref.WeakSet = weakref.WeakSet()  # pages that answer AXE_PATH already


class AxeUnavailable(RuntimeError):
    """axe-core is not installed and npm cannot install it here."""


def ensure_installed() -> Path:
    """Install axe-core with `npm ci` when a fresh clone lacks it. Test workers run in parallel,
    so one installs while the others wait on a lock file."""
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise AxeUnavailable("axe-core needs Node.js and npm (apt-get install nodejs npm)")
    digest = hashlib.sha1(str(HERE).encode()).hexdigest()[:12]
    lock = Path(tempfile.gettempdir()) / f"rednote-axe-{digest}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not AXE_SCRIPT.is_file():
            result = subprocess.run(
                [npm, "ci", "--prefix", str(HERE), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
                capture_output=True, text=True, timeout=600,
            )
            if result.returncode != 0 or not AXE_SCRIPT.is_file():
                raise AxeUnavailable(f"npm ci in {HERE} failed:\n{result.stdout}{result.stderr}")
    return AXE_SCRIPT


def axe_violations(page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """Run axe-core on the page as it is now: one readable entry per violation of the given
    impacts (and per `REVIEW_IS_FAILURE` rule axe leaves for review), naming the rule, its help
    and the elements at fault."""
    if page not in _routed:
        page.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=str(AXE_SCRIPT), content_type="text/javascript"))
        _routed.add(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate(
        """async (review) => {
            const results = await axe.run(document);
            const reviewed = results.incomplete.filter((v) => review.includes(v.id));
            return results.violations.concat(reviewed).map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), impact: n.impact,
                    summary: (n.failureSummary || "").split("\\n").slice(1, 3).join(" ").trim(),
                })),
            }));
        }""",
        list(REVIEW_IS_FAILURE),
    )
    found = []
    for violation in results:
        nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in impacts]
        if not nodes:
            continue
        lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
        lines += [f"    {n['target']}: {n['summary']}" for n in nodes[:8]]
        if len(nodes) > 8:
            lines.append(f"    … and {len(nodes) - 8} more")
        found.append("\n".join(lines))
    return found
