"""Polis export loader. The real conversations (CC BY 4.0, Attribution: The Computational
Democracy Project) are read from REDNOTE_POLIS_DIR (default: <repo>/../shared/polis);
those tests skip when the data is not there. The hand-made export always runs."""

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from annotations.consensus.polis import ATTRIBUTION, load_conversation

POLIS_DIR = Path(
    os.environ.get("REDNOTE_POLIS_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "polis")
)
CONVERSATIONS = sorted(p.name for p in POLIS_DIR.iterdir() if p.is_dir()) if POLIS_DIR.is_dir() else []


def _write(path: Path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def tiny(tmp_path):
    _write(
        tmp_path / "comments.csv",
        ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"],
        [
            [1, "x", 7, 0, 0, 0, 1, "Seven, with a comma"],
            [1, "x", 3, 0, 0, 0, 0, "Three\nspans two lines"],
            [1, "x", 5, 0, 0, 0, -1, "moderated out"],
        ],
    )
    _write(
        tmp_path / "votes.csv",
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
        [
            [300, "x", 3, 10, -1],  # revote: the later one (300) stands...
            [100, "x", 3, 10, 1],  # ...even though it comes first in the file
            [100, "x", 7, 10, 0],
            [200, "x", 7, 11, 1],
            [200, "x", 5, 11, 1],  # on a moderated comment: dropped
            [200, "x", 3, 12, 1],
        ],
    )
    _write(
        tmp_path / "participants-votes.csv",
        ["participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", "3", "5", "7"],
        [
            [10, "", 1, 0, 2, 0, 1, -1, "", 0],
            [11, "", 0, 0, 2, 2, 0, "", 1, 1],
            [12, "", "", 0, 1, 1, 0, 1, "", ""],  # no group
            [20, "", 0, 0, 2, 2, 0, 1, "", 1],  # grouped, but absent from votes.csv
        ],
    )
    return tmp_path


def test_tiny_export(tiny):
    conv = load_conversation(tiny, consensus_min_seen=1)
    assert list(conv.comment_ids) == [3, 7]
    assert conv.comment_texts == ["Three\nspans two lines", "Seven, with a comma"]
    assert list(conv.voter_ids) == [10, 11, 12]
    votes = {
        (int(conv.voter_ids[v]), int(conv.comment_ids[c]), int(x))
        for v, c, x in zip(conv.voters, conv.comments, conv.votes, strict=True)
    }
    assert votes == {(10, 3, -1), (10, 7, 0), (11, 7, 1), (12, 3, 1)}
    assert list(conv.polis_group) == [1, 0, -1]
    # Comment 3: group 0 agrees 1/1 but group 1 (voter 10) disagreed. Comment 7: group 0
    # (11 and 20) agrees 2/2 but group 1 passed, 0/1. No comment is agreed by every group.
    assert conv.polis_consensus.size == 0
    relaxed = load_conversation(tiny, consensus_share=0.0, consensus_min_seen=1)
    assert list(relaxed.polis_consensus) == [0, 1]


def test_attribution_names_the_licence_and_the_project():
    assert "CC BY 4.0" in ATTRIBUTION and "Computational Democracy Project" in ATTRIBUTION


def _latest_votes_by_hand(folder: Path) -> set[tuple[int, int, int]]:
    kept = set()
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["moderated"] != "-1":
                kept.add(int(r["comment-id"]))
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (int(r["voter-id"]), int(r["comment-id"]))
            stamp = int(r["timestamp"])
            if key[1] in kept and (key not in latest or stamp >= latest[key][0]):
                latest[key] = (stamp, int(r["vote"]))
    return {(v, c, vote) for (v, c), (_, vote) in latest.items()}


@pytest.mark.skipif(not CONVERSATIONS, reason=f"Polis data not found at {POLIS_DIR}")
@pytest.mark.parametrize("name", CONVERSATIONS)
def test_real_conversation_matches_a_by_hand_reading(name):
    folder = POLIS_DIR / name
    conv = load_conversation(folder)
    got = {
        (int(conv.voter_ids[v]), int(conv.comment_ids[c]), int(x))
        for v, c, x in zip(conv.voters, conv.comments, conv.votes, strict=True)
    }
    assert len(got) == conv.votes.size  # one vote per (voter, comment)
    assert got == _latest_votes_by_hand(folder)
    assert set(np.unique(conv.votes)) <= {-1, 0, 1}
    assert len(conv.comment_texts) == conv.n_comments

    groups, agree, seen = {}, {}, {}
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["group-id"] == "":
                continue
            g = groups[int(r["participant"])] = int(r["group-id"])
            for cid in conv.comment_ids.tolist():
                v = r.get(str(cid), "")
                if v != "":
                    seen[g, cid] = seen.get((g, cid), 0) + 1
                    agree[g, cid] = agree.get((g, cid), 0) + (v == "1")
    assert [groups.get(int(v), -1) for v in conv.voter_ids] == conv.polis_group.tolist()
    every = [
        i
        for i, cid in enumerate(conv.comment_ids.tolist())
        if all(seen.get((g, cid), 0) >= 5 and agree[g, cid] / seen[g, cid] >= 0.6 for g in set(groups.values()))
    ]
    assert conv.polis_consensus.tolist() == every
