"""What an export may be asked for: its format and the filters that narrow it, parsed alike for
the command, the form and the API.

`parse_format` checks the format; `parse_filters` turns what a person typed (strings from the command line and the form, JSON
values from the API) into `ExportFilters`, or raises `ExportRequestError` naming every field at
fault. It only reads (which articles and usernames exist, whether the user moderates), so it
lives with the readers, which take its result.

What each filter does:

- `articles`: these article ids only.
- `tags`: annotations with these tags only (claim, evidence, opinion).
- `since` / `until`: annotations created on or after / on or before these ISO dates (a date
  covers its whole day, UTC; a date and time is taken as given, UTC when it names no zone).
- `annotators`: annotations by these usernames only (moderators only).
- `min_votes`: claims with at least this many votes (their claim annotations, evidence links,
  sources and comments with them).
- `status`: claims whose consensus status is one of these (same effect as `min_votes`).
- `split` and `seed`: document-level train / validation / test shares such as "80/10/10" (two
  shares: train / test), drawn deterministically from the seed.
- `include_hidden`: content hidden by moderators too (moderators only).
- `real_names`: usernames instead of pseudonyms (moderators only).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from annotations import policy
from annotations.models import Article, ConsensusStatus, ExportFormat, Tag

FILTER_NAMES = (
    "articles", "tags", "since", "until", "annotators", "min_votes", "status", "split", "seed",
    "include_hidden", "real_names",
)
MODERATOR_ONLY = {
    "annotators": "Only moderators can export by annotator.",
    "include_hidden": "Only moderators can export hidden content.",
    "real_names": "Only moderators can export real names.",
}
SPLIT_NAMES = {2: ("train", "test"), 3: ("train", "validation", "test")}
# The largest whole number a 64-bit column holds: a larger id or count matches nothing the
# database can store, and sent to it would be an error rather than an empty result.
LARGEST = 2**63 - 1
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ExportRequestError(ValueError):
    """An export that cannot be made as asked; `errors` maps each field at fault (`format`,
    `filters` or a filter's name) to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors

    @property
    def field(self) -> str:
        return next(iter(self.errors))


@dataclass(frozen=True)
class ExportFilters:
    articles: tuple[int, ...] | None = None
    tags: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    annotators: tuple[str, ...] | None = None
    min_votes: int | None = None
    status: tuple[str, ...] | None = None
    split: tuple[int, ...] | None = None
    seed: int = 0
    include_hidden: bool = False
    real_names: bool = False

    def as_json(self) -> dict:
        """The filters that narrow anything, in canonical form: what a job stores and a
        manifest records."""
        data: dict = {}
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if name == "seed":
                if self.split is not None:
                    data[name] = value
            elif name == "split":
                if value is not None:
                    data[name] = "/".join(str(part) for part in value)
            elif value not in (None, False):
                data[name] = list(value) if isinstance(value, tuple) else value
        return data

    @property
    def since_at(self) -> dt.datetime | None:
        return None if self.since is None else _moment(self.since, end_of_day=False)

    @property
    def until_at(self) -> dt.datetime | None:
        """Exclusive: the first moment after the period."""
        return None if self.until is None else _moment(self.until, end_of_day=True)

    @property
    def split_names(self) -> tuple[str, ...]:
        return SPLIT_NAMES[len(self.split)] if self.split else ()


def _moment(value: str, *, end_of_day: bool) -> dt.datetime:
    if "T" not in value and " " not in value:
        day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end_of_day else 0)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment + (dt.timedelta(microseconds=1) if end_of_day else dt.timedelta())


def _items(value) -> list[str]:
    """A list, or a comma-separated string, as a list of stripped non-empty strings."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def _integer(value, *, minimum: int) -> int:
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip()) if not isinstance(value, int) else value
    if not minimum <= number <= LARGEST:
        raise ValueError
    return number


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError


def _is_no(value) -> bool:
    """A string saying false: a yes/no filter that was not asked for."""
    return isinstance(value, str) and value.strip().lower() in _FALSE


def _date(value) -> str:
    text = str(value).strip()
    _moment(text, end_of_day=False)
    return text


def _split(value) -> tuple[int, ...]:
    parts = value if isinstance(value, list | tuple) else str(value).replace(" ", "").split("/")
    shares = tuple(_integer(part, minimum=0) for part in parts)
    if len(shares) not in SPLIT_NAMES or sum(shares) != 100:
        raise ValueError
    return shares


def _choices(value, allowed: list[str], what: str) -> tuple[str, ...]:
    items = _items(value)
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise ExportRequestError({"": f"Unknown {what}: {', '.join(unknown)}. Use {', '.join(allowed)}."})
    return tuple(dict.fromkeys(items))


def _article_ids(value) -> tuple[int, ...]:
    try:
        ids = tuple(dict.fromkeys(_integer(item, minimum=1) for item in _items(value)))
    except ValueError:
        raise ExportRequestError({"": "Article ids are whole numbers, such as 1,2,3."}) from None
    missing = sorted(set(ids) - set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    if missing:
        raise ExportRequestError({"": f"No article with id {', '.join(map(str, missing))}."})
    return ids


def _usernames(value) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(_items(value)))
    if any("\x00" in name for name in names):
        raise ExportRequestError({"": "A username cannot contain a NUL character."})
    User = get_user_model()
    found = set(User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names}).values_list(User.USERNAME_FIELD, flat=True))
    missing = [name for name in names if name not in found]
    if missing:
        raise ExportRequestError({"": f"No user named {', '.join(missing)}."})
    return names


_PARSERS = {
    "articles": (_article_ids, None),
    "tags": (lambda v: _choices(v, list(Tag.values), "tag"), None),
    "since": (_date, "Use an ISO date such as 2026-01-31 (or a date and time)."),
    "until": (_date, "Use an ISO date such as 2026-01-31 (or a date and time)."),
    "annotators": (_usernames, None),
    "min_votes": (lambda v: _integer(v, minimum=0), "Give a whole number of votes, 0 or more."),
    "status": (lambda v: _choices(v, list(ConsensusStatus.values), "status"), None),
    "split": (_split, "Give two or three whole-number shares adding up to 100, such as 80/10/10."),
    "seed": (lambda v: _integer(v, minimum=0), "The seed is a whole number, 0 or more."),
    "include_hidden": (_boolean, "Give true or false."),
    "real_names": (_boolean, "Give true or false."),
}
_EMPTY = (None, "", [], ())
_YES_NO = ("include_hidden", "real_names")


def parse_format(value) -> str:
    """One of ExportFormat's values; raises ExportRequestError."""
    if value not in ExportFormat.values:
        raise ExportRequestError(
            {"format": f"Unknown format “{value}”; use one of {', '.join(ExportFormat.values)}."}
        )
    return value


def may_use_moderator_filters(user: AbstractBaseUser | AnonymousUser) -> bool:
    return policy.allowed(user, policy.Act.MODERATE)


def parse_filters(raw: Mapping | None, *, moderator: bool) -> ExportFilters:
    """Validate `raw`, from a moderator (who may use MODERATOR_ONLY) or not; empty values
    count as not given. Raises ExportRequestError."""
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ExportRequestError({"filters": "Filters are an object of filter names and values."})
    errors: dict[str, str] = {}
    unknown = [name for name in raw if name not in _PARSERS]
    if unknown:
        errors["filters"] = f"Unknown filter {', '.join(map(str, unknown))}; use {', '.join(FILTER_NAMES)}."
    values: dict = {}
    for name, (parse, message) in _PARSERS.items():
        value = raw.get(name)
        if value in _EMPTY or value is False or (name in _YES_NO and _is_no(value)):
            continue
        if name in MODERATOR_ONLY and not moderator:
            errors[name] = MODERATOR_ONLY[name]
            continue
        try:
            values[name] = parse(value)
        except ExportRequestError as error:
            errors[name] = error.errors[""]
        except (ValueError, TypeError, OverflowError):
            errors[name] = message
    if "seed" in values and "split" not in values and "split" not in errors:
        errors["seed"] = "A seed only applies to a split; give a split such as 80/10/10 too."
    if (
        "since" in values and "until" in values
        and _moment(values["since"], end_of_day=False) >= _moment(values["until"], end_of_day=True)
    ):
        errors["until"] = "The end date comes before the start date."
    if errors:
        raise ExportRequestError(errors)
    return ExportFilters(**values)
