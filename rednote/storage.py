"""Static files in production: compressed, with content hashes in their names (WhiteNoise)."""
from whitenoise.storage import CompressedManifestStaticFilesStorage

STATIC_IMPORT = (
    r"""(?P<matched>import(?s:(?P<import>[\s\{].*?))\s*from\s*["'](?P<url>\./.*?)["']\s*;)""",
    """import%(import)s from "%(url)s";""",
)
"""`import { a } from "./x.js";` in our JavaScript modules."""


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also points `import … from "./x.js"` in JavaScript modules at the hashed names, so that a
    browser never mixes a new module with an old one it cached.

    Django's `support_js_module_import_aggregation` would do this too, but it also reads
    `import("…")` in comments, such as the JSDoc types of django-htmx's extensions, and then
    fails on files that do not exist.
    """

    patterns = CompressedManifestStaticFilesStorage.patterns + (("*.js", (STATIC_IMPORT,)),)
