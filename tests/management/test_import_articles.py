import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


def test_importing_the_sample_corpus_uses_its_manifest_and_is_idempotent(corpus_dir, corpus_manifest):
    unlisted = [p for p in corpus_dir.iterdir() if p.suffix in (".txt", ".md", ".html") and p.name not in corpus_manifest]
    first = run(corpus_dir)
    assert f"{len(corpus_manifest)} imported, {len(unlisted)} skipped, 0 failed" in first
    for path in unlisted:
        assert f"{path}: not listed in manifest.json" in first
    titled = {e["title"] for e in corpus_manifest.values() if e["title"]}
    assert titled <= set(Article.objects.values_list("title", flat=True))
    assert Article.objects.get(author="Joel Wong").published.isoformat() == "2025-01-19"

    second = run(corpus_dir)
    assert f"0 imported, {len(corpus_manifest) + len(unlisted)} skipped, 0 failed" in second
    assert "already imported" in second
    assert Article.objects.count() == len(corpus_manifest)


def test_good_files_are_imported_even_when_others_fail_and_the_command_fails(tmp_path):
    (tmp_path / "good.md").write_text("# A Good Title\n\nA fine *sentence*. Another one.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff\x00\xfe")
    (tmp_path / "empty.html").write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError, match="1 imported, 0 skipped, 3 failed"):
        call_command("import_articles", str(tmp_path), str(tmp_path / "missing.txt"), "--no-progress", stdout=out)
    report = out.getvalue()
    assert "binary.txt" in report and "empty.html" in report and "missing.txt: no such file" in report
    article = Article.objects.get()
    assert article.title == "A Good Title"
    assert "*" not in article.current_revision.text


def test_missing_paths_are_reported(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("import_articles", str(tmp_path / "nope.txt"), "--no-progress", stdout=out)
    assert "no such file" in out.getvalue()


def test_an_explicit_manifest_gives_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("First sentence here. Second sentence here.", encoding="utf-8")
    manifest = tmp_path / "meta.json"
    manifest.write_text(json.dumps({"articles": [{"file": "a.txt", "title": "From Manifest", "author": "Ed",
                                                  "source": "example.org", "published": "2025-01-02",
                                                  "language": "en"}]}))
    run(tmp_path / "a.txt", "--manifest", manifest)
    article = Article.objects.get()
    assert (article.title, article.author, article.source) == ("From Manifest", "Ed", "example.org")


def test_an_unreadable_manifest_stops_before_importing(tmp_path):
    (tmp_path / "a.txt").write_text("Some text here.", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read manifest"):
        run(tmp_path / "a.txt", "--manifest", bad)
    assert not Article.objects.exists()


def test_files_are_imported_in_batches_and_each_reported_once(tmp_path, monkeypatch):
    from annotations.management.commands import import_articles

    monkeypatch.setattr(import_articles, "BATCH_FILES", 2)
    for i in range(5):
        (tmp_path / f"a{i}.txt").write_text(f"Article {i}\nSentence {i} here. Another one.", encoding="utf-8")
    (tmp_path / "a2.txt").write_bytes(b"")  # fails, in the middle batch
    (tmp_path / "a4.txt").write_text("Article 1\nSentence 1 here. Another one.", encoding="utf-8")  # same text as a1
    out = StringIO()
    with pytest.raises(CommandError, match="3 imported, 1 skipped, 1 failed"):
        call_command("import_articles", str(tmp_path), "--no-progress", stdout=out)
    lines = sorted(line.split(":")[0] for line in out.getvalue().splitlines())
    assert lines == sorted([f"imported {tmp_path / f'a{i}.txt'}" for i in (0, 1, 3)]
                           + [f"failed   {tmp_path / 'a2.txt'}", f"skipped  {tmp_path / 'a4.txt'}"])
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Article 0", "Article 1", "Article 3"]
    assert "already imported as #" in out.getvalue()
