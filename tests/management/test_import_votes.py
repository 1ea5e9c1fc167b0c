import csv
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations.models import Claim, ClaimConsensus, ConsensusRun, Vote
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

POLIS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "polis" / "brexit-consensus"


@pytest.fixture
def claims():
    article = ArticleFactory()
    return [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(3)]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_votes", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_plain_csv_is_imported_and_the_consensus_recomputed(tmp_path, claims, django_capture_on_commit_callbacks):
    UserFactory(username="ann")
    a, b, _ = (c.pk for c in claims)
    (tmp_path / "votes.csv").write_text(
        f"user,claim,value\nann,{a},agree\nbob,{a},-1\nbob,{b},unsure\nann,{b},1\nann,{a},disagree\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run(tmp_path / "votes.csv")
    assert out.strip() == "4 votes imported, 1 new accounts (they cannot sign in), 0 bad rows" and not err
    votes = set(Vote.objects.values_list("user__username", "claim_id", "value"))
    assert votes == {("ann", a, -1), ("bob", a, -1), ("bob", b, 0), ("ann", b, 1)}  # ann's later vote on a stands
    # A refit was queued after commit (and ran in-process here).
    assert ConsensusRun.objects.filter(finished_at__isnull=False).count() == 1
    row = ClaimConsensus.objects.get(claim_id=a)
    assert (row.dirty, row.votes, row.disagree) == (False, 2, 2)


def test_bad_rows_are_reported_with_their_lines_and_the_good_ones_imported(tmp_path, claims):
    a = claims[0].pk
    (tmp_path / "votes.csv").write_text(
        f"ann,{a},agree\n"  # 1 good
        f"bob,{a},maybe\n"  # 2 unknown value
        "cid,999999,agree\n"  # 3 no such claim
        f"dee,{a}\n"  # 4 malformed
        "\n"  # 5 blank: ignored
        f"eve,abc,agree\n"  # 6 not a claim id
        f"no spaces allowed,{a},agree\n"  # 7 impossible username
        f'"fay",{a},"Disagree"\n',  # 8 good
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2 votes imported, 2 new accounts .*, 5 bad rows"):
        run(tmp_path / "votes.csv")
    assert set(Vote.objects.values_list("user__username", "value")) == {("ann", 1), ("fay", -1)}
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_votes", str(tmp_path / "votes.csv"), stdout=StringIO(), stderr=err)
    lines = [line.split(":")[0] for line in err.getvalue().splitlines()]
    assert lines == ["line 2", "line 3", "line 4", "line 6", "line 7"]
    assert "“maybe” is not a vote" in err.getvalue() and "no claim 999999" in err.getvalue()


def test_a_large_file_is_streamed_in_bounded_memory(tmp_path, claims):
    """100,000 votes: holding them as objects would take tens of MB (the importer used to
    build a list of votes, a dict of the latest and a model instance per vote); streamed
    through the staging table, the command allocates next to nothing however long the file."""
    path = tmp_path / "votes.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("user,claim,value\n")
        handle.writelines(f"user{i // 3},{claims[i % 3].pk},{('agree', 'disagree', 'unsure')[i % 7 % 3]}\n" for i in range(100_000))
    tracemalloc.start()
    try:
        out, err = run(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.strip() == "100000 votes imported, 33334 new accounts (they cannot sign in), 0 bad rows" and not err
    assert peak < 10 * 2**20, f"peak {peak / 2**20:.1f} MB"
    assert Vote.objects.count() == 100_000
    assert Vote.objects.get(user__username="user33333", claim_id=claims[0].pk).value == -1  # row 99,999: i % 7 == 4


def test_odd_claim_ids_are_bad_rows_not_crashes(tmp_path, claims):
    (tmp_path / "votes.csv").write_text(
        f"ann,{claims[0].pk},agree\nbob,²,agree\ncid,{2**70},agree\n", encoding="utf-8"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 votes imported, 1 new accounts .*, 2 bad rows"):
        call_command("import_votes", str(tmp_path / "votes.csv"), stdout=StringIO(), stderr=err)
    assert "line 2: “²” is not a claim id" in err.getvalue() and f"line 3: no claim {2**70}" in err.getvalue()


def test_a_file_that_turns_out_not_to_be_utf8_imports_nothing(tmp_path, claims):
    good = "".join(f"user{i},{claims[0].pk},agree\n" for i in range(20_000)).encode()
    (tmp_path / "votes.csv").write_bytes(good + b"late,1,\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(tmp_path / "votes.csv")
    assert not Vote.objects.exists() and not get_user_model().objects.filter(username="user1").exists()


def test_imported_accounts_cannot_sign_in(tmp_path, claims, client):
    (tmp_path / "votes.csv").write_text(f"newcomer,{claims[0].pk},agree\n", encoding="utf-8")
    run(tmp_path / "votes.csv")
    newcomer = get_user_model().objects.get(username="newcomer")
    assert not newcomer.has_usable_password()
    assert not client.login(username="newcomer", password="")
    assert not client.login(username="newcomer", password=newcomer.password)


def write_polis(folder: Path, rows: list[tuple[int, int, int, int]]) -> Path:
    folder.mkdir()
    with (folder / "votes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for stamp, comment, voter, vote in rows:
            writer.writerow([stamp, "Mon Jul 17 02:17:32 WIB 2017", comment, voter, vote])
    return folder / "votes.csv"


def test_a_polis_export_with_a_mapping_keeps_each_voters_latest_vote(tmp_path, claims):
    votes = write_polis(
        tmp_path / "conversation",
        [
            (300, 0, 7, -1),  # later in time than the next row, though earlier in the file
            (100, 0, 7, 1),
            (200, 1, 7, 0),
            (150, 1, 8, 1),
            (120, 5, 8, 1),  # statement 5 is not mapped
            (130, 0, 9, 2),  # not a Polis vote
        ],
    )
    (tmp_path / "map.csv").write_text(f"comment-id,claim\n0,{claims[0].pk}\n1,{claims[1].pk}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"3 votes imported, 2 new accounts .*, 1 bad rows, 1 votes on statements"):
        run(votes, "--mapping", tmp_path / "map.csv")
    assert set(Vote.objects.values_list("user__username", "claim_id", "value")) == {
        ("polis-conversation-7", claims[0].pk, -1),
        ("polis-conversation-7", claims[1].pk, 0),
        ("polis-conversation-8", claims[1].pk, 1),
    }


def test_a_polis_export_needs_its_mapping(tmp_path):
    votes = write_polis(tmp_path / "c", [(1, 0, 1, 1)])
    with pytest.raises(CommandError, match="give --mapping"):
        run(votes)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


def test_a_real_polis_conversation(tmp_path):
    if not (POLIS_DIR / "votes.csv").is_file():
        pytest.skip(f"Polis data not found at {POLIS_DIR}")
    from annotations.consensus.polis import load_conversation

    conversation = load_conversation(POLIS_DIR)
    article = ArticleFactory()
    claims = {int(cid): Claim.objects.create(article=article, quote=text[:200] or "-")
              for cid, text in zip(conversation.comment_ids, conversation.comment_texts, strict=True)}
    (tmp_path / "map.csv").write_text(
        "comment-id,claim\n" + "".join(f"{cid},{claim.pk}\n" for cid, claim in claims.items()), encoding="utf-8"
    )
    out, _ = run(POLIS_DIR / "votes.csv", "--mapping", tmp_path / "map.csv", "--user-prefix", "brexit-")
    # The loader keeps the latest vote per voter and statement, as the import does.
    assert out.startswith(f"{conversation.votes.size} votes imported, {conversation.n_voters} new accounts")
    by_claim = {claims[int(cid)].pk: cid for cid in conversation.comment_ids}
    imported = sorted(
        (int(username.removeprefix("brexit-")), int(by_claim[claim_id]), value)
        for username, claim_id, value in Vote.objects.values_list("user__username", "claim_id", "value")
    )
    expected = sorted(
        zip(conversation.voter_ids[conversation.voters].tolist(),
            conversation.comment_ids[conversation.comments].tolist(), conversation.votes.tolist(), strict=True)
    )
    assert imported == expected
