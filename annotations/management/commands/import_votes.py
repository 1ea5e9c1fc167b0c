"""python manage.py import_votes FILE [--mapping MAP] [--user-prefix PREFIX]"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.models import VoteValue
from annotations.services.votes import VOTE_VALUES, ImportedVote, votes_import

VALUES = {**VOTE_VALUES, "1": VoteValue.AGREE, "-1": VoteValue.DISAGREE, "0": VoteValue.UNSURE}
POLIS_COLUMNS = {"timestamp", "comment-id", "voter-id", "vote"}


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank row."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                yield reader.line_num, cells


@dataclass
class _Tally:
    """What reading a file found besides votes: bad rows, and Polis votes on unmapped statements."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    unmapped: int = 0


def _claim_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _parse_plain(path: Path, tally: _Tally) -> Iterator[ImportedVote]:
    """The votes of a plain CSV in file order (so a person's last row on a claim stands)."""
    for line, row in _rows(path):
        if line == 1 and [cell.lower() for cell in row] == ["user", "claim", "value"]:
            continue
        if len(row) != 3:
            tally.errors.append((line, f"expected 3 fields (user,claim,value), found {len(row)}"))
            continue
        user, claim, value = row
        claim_id, vote_value = _claim_id(claim), VALUES.get(value.lower())
        if claim_id is None:
            tally.errors.append((line, f"“{claim}” is not a claim id"))
        elif vote_value is None:
            tally.errors.append((line, f"“{value}” is not a vote (agree, disagree, unsure, 1, -1 or 0)"))
        else:
            yield ImportedVote(line, user, claim_id, vote_value)


def _read_mapping(path: Path) -> dict[int, int]:
    """Polis comment id -> claim id, from a CSV `comment-id,claim` (header optional)."""
    mapping = {}
    try:
        for line, row in _rows(path):
            if len(row) == 2 and row[0].isdigit() and row[1].isdigit():
                mapping[int(row[0])] = int(row[1])
            elif line != 1:
                raise CommandError(f"{path}, line {line}: expected comment-id,claim")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
    return mapping


def _parse_polis(path: Path, mapping: dict[int, int], prefix: str, tally: _Tally) -> Iterator[ImportedVote]:
    """The votes of a Polis votes.csv, stamped with their time (so the latest per voter and
    statement stands, and of equal times the later row); votes on statements the mapping
    leaves out are counted in `tally.unmapped`."""
    rows = _rows(path)
    _, header = next(rows)
    column = {name: i for i, name in enumerate(header)}
    for line, row in rows:
        try:
            stamp, comment, voter, vote = (int(row[column[name]]) for name in ("timestamp", "comment-id", "voter-id", "vote"))
        except (ValueError, IndexError):
            tally.errors.append((line, "expected integer timestamp, comment-id, voter-id and vote"))
            continue
        if str(vote) not in VALUES:
            tally.errors.append((line, f"“{vote}” is not a Polis vote (1, -1 or 0)"))
        elif comment not in mapping:
            tally.unmapped += 1
        else:
            yield ImportedVote(line, f"{prefix}{voter}", mapping[comment], VALUES[str(vote)], stamp)


class Command(BaseCommand):
    help = (
        "Import votes from a CSV `user,claim,value` (value agree, disagree, unsure, or 1, -1, 0) or "
        "from a Polis votes.csv export with --mapping. Unknown users become accounts that cannot sign "
        "in. Bad rows are reported with their line numbers and the good ones imported; exits non-zero "
        "when any row was bad. A refit of the consensus is queued afterwards."
    )
    # A data job, not a server start: the system checks (a second or so) are `manage.py check`'s.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file of votes.")
        parser.add_argument(
            "--mapping", type=Path,
            help="For a Polis votes.csv: a CSV `comment-id,claim` mapping Polis statements to claim ids. "
            "Votes on statements it leaves out are skipped.",
        )
        parser.add_argument(
            "--user-prefix",
            help="For a Polis votes.csv: usernames are this prefix plus the voter id "
            "(default: polis-<name of the file's folder>-).",
        )

    def handle(self, *args, file: Path, mapping: Path | None, user_prefix: str | None, **options):
        tally = _Tally()
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                header = {cell.strip() for cell in next(csv.reader(handle), [])}
            if header >= POLIS_COLUMNS:
                if mapping is None:
                    raise CommandError("This is a Polis votes.csv: give --mapping FILE (comment-id,claim).")
                prefix = user_prefix if user_prefix is not None else f"polis-{file.resolve().parent.name}-"
                votes = _parse_polis(file, _read_mapping(mapping), prefix, tally)
            else:
                votes = _parse_plain(file, tally)
            # The file is read as the votes are imported: a bad file rolls the whole import back.
            result = votes_import(votes=votes)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from error

        errors = sorted(tally.errors + result.errors)
        unmapped = tally.unmapped
        for line, reason in errors:
            self.stderr.write(self.style.ERROR(f"line {line}: {reason}"))
        summary = (
            f"{result.imported} votes imported, {result.new_users} new accounts (they cannot sign in), "
            f"{len(errors)} bad rows"
        )
        if unmapped:
            summary += f", {unmapped} votes on statements not in the mapping skipped"
        if errors:
            raise CommandError(summary)
        self.stdout.write(summary)
