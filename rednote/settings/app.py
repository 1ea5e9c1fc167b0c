"""rednote's own settings: consensus, uploads, moderation and exports."""
from pathlib import Path

from .backends import CELERY_BEAT_SCHEDULE
from .base import BASE_DIR, VAR_DIR, env

# ---- Consensus: votes, bridging scores, label agreement (README "Consensus") ----------------
# A claim is "agreed" with at least CONSENSUS_MIN_VOTES agree/disagree votes, intercept
# >= CONSENSUS_AGREE_INTERCEPT and |factor| <= CONSENSUS_MAX_ABS_FACTOR; "rejected" when
# intercept <= CONSENSUS_REJECT_BASE - CONSENSUS_REJECT_SLOPE * |factor|; else "divided".
CONSENSUS_MIN_VOTES = env.int("CONSENSUS_MIN_VOTES", default=5)
CONSENSUS_AGREE_INTERCEPT = env.float("CONSENSUS_AGREE_INTERCEPT", default=0.40)
CONSENSUS_MAX_ABS_FACTOR = env.float("CONSENSUS_MAX_ABS_FACTOR", default=0.50)
CONSENSUS_REJECT_BASE = env.float("CONSENSUS_REJECT_BASE", default=-0.05)
CONSENSUS_REJECT_SLOPE = env.float("CONSENSUS_REJECT_SLOPE", default=0.8)
CONSENSUS_MAX_GROUPS = env.int("CONSENSUS_MAX_GROUPS", default=5)
# Sentence tags: Dawid–Skene from this many tagged sentences in the corpus, majority vote below.
CONSENSUS_LABEL_MIN_SENTENCES = env.int("CONSENSUS_LABEL_MIN_SENTENCES", default=200)
# Full refit (all claims, the factor model) and sweep of out-of-date claims, in seconds.
CONSENSUS_REFIT_SECONDS = env.int("CONSENSUS_REFIT_SECONDS", default=300)
CONSENSUS_SWEEP_SECONDS = env.int("CONSENSUS_SWEEP_SECONDS", default=30)
CONSENSUS_REFIT_TIME_LIMIT = env.int("CONSENSUS_REFIT_TIME_LIMIT", default=1800)
CELERY_BEAT_SCHEDULE.update(
    {
        "consensus-refit": {
            "task": "annotations.tasks.refit_consensus",
            "schedule": float(CONSENSUS_REFIT_SECONDS),
            "options": {"expires": float(CONSENSUS_REFIT_SECONDS)},
        },
        "consensus-sweep": {
            "task": "annotations.tasks.sweep_consensus",
            "schedule": float(CONSENSUS_SWEEP_SECONDS),
            "options": {"expires": float(CONSENSUS_SWEEP_SECONDS)},
        },
    }
)
# ---- end of consensus settings ---------------------------------------------------------------

# rednote itself
REDNOTE_CORPUS_DIR = Path(env("REDNOTE_CORPUS_DIR", default=str(BASE_DIR.parent / "shared" / "corpus")))
REDNOTE_MAX_UPLOAD_BYTES = env.int("REDNOTE_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
# Texts longer than this (in characters) are segmented by a worker instead of in the request.
REDNOTE_SYNC_SEGMENT_CHARS = env.int("REDNOTE_SYNC_SEGMENT_CHARS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = REDNOTE_MAX_UPLOAD_BYTES + 512 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = REDNOTE_MAX_UPLOAD_BYTES + 512 * 1024
# The home page sums up the whole corpus, so any write anywhere changes it: it reads the corpus'
# stamps at most this often (seconds; 0: on every visit), so that under a stream of writes it is
# rebuilt once per interval rather than on every visit (annotations/selectors/home.py).
REDNOTE_HOME_FRESH_SECONDS = env.int("REDNOTE_HOME_FRESH_SECONDS", default=5)

# ---- Moderation: flags and the brigade rule (README "Moderation") ---------------------------
# An item is hidden pending review once this many distinct people from at least two opinion
# groups flag it (from a single group: twice as many). Each person may flag this many items a day.
REDNOTE_FLAG_HIDE_THRESHOLD = env.int("REDNOTE_FLAG_HIDE_THRESHOLD", default=3)
REDNOTE_FLAGS_PER_DAY = env.int("REDNOTE_FLAGS_PER_DAY", default=20)
# ---- end of moderation settings -------------------------------------------------------------

# ---- Exports: annotated corpora as background jobs (annotations/services/exports.py) --------
# Finished files live in REDNOTE_EXPORT_DIR (on storage every worker and web server shares when
# they run on several machines), work in progress in its tmp/ folder. Files are offered for
# REDNOTE_EXPORT_DAYS days; beat removes them every REDNOTE_EXPORT_EXPIRE_SECONDS. Annotators
# appear as HMAC pseudonyms under REDNOTE_EXPORT_PSEUDONYM_SECRET (empty: derived from
# SECRET_KEY). Keep REDNOTE_EXPORT_TIME_LIMIT below Redis' visibility timeout (3600 s), so that
# a job is never handed to a second worker while the first still runs it.
REDNOTE_EXPORT_DIR = Path(env("REDNOTE_EXPORT_DIR", default=str(VAR_DIR / "exports")))
REDNOTE_EXPORT_DAYS = env.int("REDNOTE_EXPORT_DAYS", default=7)
REDNOTE_EXPORT_PSEUDONYM_SECRET = env("REDNOTE_EXPORT_PSEUDONYM_SECRET", default="")
REDNOTE_EXPORT_TIME_LIMIT = env.int("REDNOTE_EXPORT_TIME_LIMIT", default=3000)
REDNOTE_EXPORT_EXPIRE_SECONDS = env.int("REDNOTE_EXPORT_EXPIRE_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["exports-expire"] = {
    "task": "annotations.tasks.expire_exports",
    "schedule": float(REDNOTE_EXPORT_EXPIRE_SECONDS),
    "options": {"expires": float(REDNOTE_EXPORT_EXPIRE_SECONDS)},
}
# ---- end of export settings -----------------------------------------------------------------
