"""Loader for Polis conversation exports (the open data used to check our consensus maths).

Polis data is licensed CC BY 4.0. Data was gathered using the Polis software
(compdemocracy.org/polis) and is sub-licensed under CC BY 4.0 with Attribution to The
Computational Democracy Project. Source: the compdemocracy/openData repository. Keep this
attribution wherever results computed from the data are shown.

An export folder holds:

- ``votes.csv``: timestamp, datetime, comment-id, voter-id, vote (1 agree, -1 disagree,
  0 pass). A voter may revote; the latest timestamp stands.
- ``comments.csv``: ..., comment-id, ..., moderated, comment-body; ``moderated == -1``
  statements were moderated out and are dropped, with their votes.
- ``participants-votes.csv``: one row per participant with Polis' own opinion group
  (``group-id``, blank when Polis did not place them) and their vote on every comment
  (blank = not seen).

Pure: reads the files it is given with the stdlib ``csv`` module, returns numpy arrays.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ATTRIBUTION = (
    "Polis data CC BY 4.0: gathered using the Polis software (compdemocracy.org/polis), "
    "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project "
    "(source: compdemocracy/openData)."
)


@dataclass
class PolisConversation:
    """One conversation; vote arrays are parallel, everything else is indexed by
    voter index (``voter_ids[i]`` is the Polis id) or comment index (``comment_ids``)."""

    name: str
    voters: np.ndarray  # per vote: voter index
    comments: np.ndarray  # per vote: comment index
    votes: np.ndarray  # per vote: 1 agree, -1 disagree, 0 pass
    voter_ids: np.ndarray
    comment_ids: np.ndarray
    comment_texts: list[str]
    polis_group: np.ndarray  # per voter: Polis group id, -1 if Polis gave none
    polis_consensus: np.ndarray  # comment indices every Polis group agreed with

    @property
    def n_voters(self) -> int:
        return self.voter_ids.size

    @property
    def n_comments(self) -> int:
        return self.comment_ids.size

    @property
    def polis_consensus_ids(self) -> np.ndarray:
        """Polis comment ids of ``polis_consensus``."""
        return self.comment_ids[self.polis_consensus]


def load_conversation(
    folder: Path, *, consensus_share: float = 0.6, consensus_min_seen: int = 5
) -> PolisConversation:
    """Read a Polis export folder.

    ``polis_consensus`` is derived from ``participants-votes.csv`` (Polis' own snapshot):
    a comment qualifies when, in every Polis group, at least ``consensus_min_seen`` members
    voted on it (agree, disagree or pass) and at least ``consensus_share`` of those voted
    agree. Passes count as "seen but not agreed", as in Polis' own agree shares.
    """
    folder = Path(folder)
    comment_ids, texts = _read_comments(folder / "comments.csv")
    comment_index = {cid: i for i, cid in enumerate(comment_ids)}

    raw_voter, raw_comment, raw_vote, stamp = _read_votes(folder / "votes.csv", comment_index)
    # Latest timestamp per (voter, comment) stands: sort by pair then time, keep the last.
    order = np.lexsort((stamp, raw_comment, raw_voter))
    voter_sorted, comment_sorted = raw_voter[order], raw_comment[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = (voter_sorted[1:] != voter_sorted[:-1]) | (comment_sorted[1:] != comment_sorted[:-1])
    keep = order[last]
    voter_ids, voters = np.unique(raw_voter[keep], return_inverse=True)

    group_of, participant_votes = _read_participants(folder / "participants-votes.csv")
    polis_group = np.array([group_of.get(int(v), -1) for v in voter_ids], dtype=np.int64)
    consensus = _every_group_agrees(
        group_of, participant_votes, comment_ids, consensus_share, consensus_min_seen
    )
    return PolisConversation(
        name=folder.name,
        voters=voters.astype(np.int64),
        comments=raw_comment[keep],
        votes=raw_vote[keep],
        voter_ids=voter_ids,
        comment_ids=comment_ids,
        comment_texts=texts,
        polis_group=polis_group,
        polis_consensus=consensus,
    )


def _read_comments(path: Path) -> tuple[np.ndarray, list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["moderated"].strip() != "-1"]
    rows.sort(key=lambda r: int(r["comment-id"]))
    return np.array([int(r["comment-id"]) for r in rows], dtype=np.int64), [
        r["comment-body"] for r in rows
    ]


def _read_votes(path: Path, comment_index: dict[int, int]):
    """Votes on kept comments as (voter id, comment index, vote, timestamp) arrays."""
    voter, comment, vote, stamp = [], [], [], []
    with path.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            c = comment_index.get(int(r["comment-id"]))
            if c is None:
                continue
            voter.append(int(r["voter-id"]))
            comment.append(c)
            vote.append(int(r["vote"]))
            stamp.append(int(r["timestamp"]))
    return (
        np.array(voter, dtype=np.int64),
        np.array(comment, dtype=np.int64),
        np.array(vote, dtype=np.int8),
        np.array(stamp, dtype=np.int64),
    )


def _read_participants(path: Path) -> tuple[dict[int, int], dict[int, dict[int, int]]]:
    """Polis group per participant id, and each grouped participant's votes by comment id."""
    group_of: dict[int, int] = {}
    votes: dict[int, dict[int, int]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            group = (r.get("group-id") or "").strip()
            if not group:
                continue
            pid = int(r["participant"])
            group_of[pid] = int(group)
            votes[pid] = {int(k): int(v) for k, v in r.items() if k.isdigit() and v.strip()}
    return group_of, votes


def _every_group_agrees(group_of, participant_votes, comment_ids, share, min_seen) -> np.ndarray:
    groups = sorted(set(group_of.values()))
    if not groups:
        return np.zeros(0, dtype=np.int64)
    g_index = {g: i for i, g in enumerate(groups)}
    c_index = {int(c): i for i, c in enumerate(comment_ids)}
    agree = np.zeros((len(groups), comment_ids.size))
    seen = np.zeros_like(agree)
    for pid, row in participant_votes.items():
        g = g_index[group_of[pid]]
        for cid, v in row.items():
            c = c_index.get(cid)
            if c is not None:
                seen[g, c] += 1
                agree[g, c] += v == 1
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (seen >= min_seen) & (agree / seen >= share)
    return np.flatnonzero(ok.all(axis=0))
