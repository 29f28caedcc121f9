"""Catalogue files as downloaded: .csv, .csv.gz and one-CSV zips, and the archive limits."""

from __future__ import annotations

import gzip
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from db.importers.catalogue_file import ArchiveLimits, CatalogueFileError, read_catalogue_bytes

CSV = 'track_id,name\nt1,Café & "Crème"\nt2,B\n'.encode()


def _zip(path: Path, members: dict[str, bytes], *, directories: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in directories:
            archive.writestr(zipfile.ZipInfo(name), b"")  # a name ending in "/" is a folder
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_plain_gzip_and_zip_give_the_same_bytes(tmp_path):
    plain = tmp_path / "dataset.csv"
    plain.write_bytes(CSV)
    packed = tmp_path / "dataset.csv.gz"
    packed.write_bytes(gzip.compress(CSV))
    zipped = _zip(tmp_path / "archive.zip", {"dataset.csv": CSV})
    assert read_catalogue_bytes(plain) == read_catalogue_bytes(packed) == CSV
    assert read_catalogue_bytes(zipped) == CSV


def test_the_content_decides_not_the_name(tmp_path):
    misnamed = tmp_path / "dataset.csv"  # a gzip file someone renamed
    misnamed.write_bytes(gzip.compress(CSV))
    assert read_catalogue_bytes(misnamed) == CSV


def test_concatenated_gzip_members_are_one_stream(tmp_path):
    path = tmp_path / "joined.csv.gz"
    path.write_bytes(gzip.compress(CSV[:10]) + gzip.compress(CSV[10:]))
    assert read_catalogue_bytes(path) == CSV


def test_folders_and_macos_metadata_in_a_zip_are_not_members(tmp_path):
    path = _zip(
        tmp_path / "kaggle.zip",
        {"data/dataset.csv": CSV, "__MACOSX/data/._dataset.csv": b"\x00\x05\x16\x07"},
        directories=("data/",),
    )
    assert read_catalogue_bytes(path) == CSV


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"a.csv": CSV, "b.csv": CSV}, "holds 2 files (a.csv, b.csv); a catalogue zip must hold"),
        ({}, "is a zip archive with no file in it"),
        ({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b"<x/>"}, "is an Excel workbook"),
    ],
)
def test_a_zip_must_hold_exactly_one_file(tmp_path, members, message):
    path = _zip(tmp_path / "several.zip", members)
    with pytest.raises(CatalogueFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_catalogue_bytes(path)


def test_a_gzip_bomb_is_refused_while_streaming_without_inflating_it(tmp_path):
    # 64 MB of one repeated byte compresses to ~64 kB: a ratio near 1,000.
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        block = b"a" * (1024 * 1024)
        for _ in range(64):
            handle.write(block)
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueFileError, match="expands more than 100x"):
            read_catalogue_bytes(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # stopped after a few MB, far from the 64 MB inside


def test_a_zip_bomb_is_refused_from_its_header_and_while_streaming(tmp_path):
    path = _zip(tmp_path / "bomb.zip", {"dataset.csv": b"0" * (50 * 1024 * 1024)})
    with pytest.raises(CatalogueFileError, match=r"bomb.zip \(dataset.csv\) expands more than"):
        read_catalogue_bytes(path)


def test_a_zip_whose_header_lies_is_still_stopped_by_what_it_produces(tmp_path, monkeypatch):
    path = _zip(tmp_path / "liar.zip", {"dataset.csv": b"0" * (8 * 1024 * 1024)})
    real_check = __import__("db.importers.catalogue_file", fromlist=["_Budget"])._Budget.check
    calls: list[int] = []

    def check(self, produced: int, consumed: int) -> None:
        calls.append(produced)
        if len(calls) == 1:
            return  # pretend the header announced a small, honest member
        real_check(self, produced, consumed)

    monkeypatch.setattr("db.importers.catalogue_file._Budget.check", check)
    with pytest.raises(CatalogueFileError, match="expands more than"):
        read_catalogue_bytes(path)
    assert len(calls) >= 3  # refused after streaming a few chunks, not after reading it all


@pytest.mark.parametrize("kind", ["gz", "zip"])
def test_too_large_once_decompressed_is_refused(tmp_path, kind):
    rows = b"".join(b"t%07d,%d\n" % (i, i * 7919 % 104729) for i in range(200_000))  # ~3 MB
    limits = ArchiveLimits(max_bytes=1024 * 1024)
    if kind == "gz":
        path = tmp_path / "big.csv.gz"
        path.write_bytes(gzip.compress(rows))
    else:
        path = _zip(tmp_path / "big.zip", {"big.csv": rows})
    with pytest.raises(CatalogueFileError, match="decompresses to more than 1 MB"):
        read_catalogue_bytes(path, limits)
    assert read_catalogue_bytes(path, ArchiveLimits(max_bytes=4 * 1024 * 1024)) == rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(CSV)[:-12], "is cut short: the gzip stream ends early"),
        (gzip.compress(CSV)[:10] + b"not deflate at all", "is not a valid gzip file"),
        (gzip.compress(CSV) + b"trailing junk", "is not a valid gzip file"),
    ],
    ids=["truncated", "corrupt", "trailing_junk"],
)
def test_broken_gzip_gets_a_clear_message(tmp_path, data, message):
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(data)
    with pytest.raises(CatalogueFileError, match=message):
        read_catalogue_bytes(path)


def test_a_damaged_zip_gets_a_clear_message(tmp_path):
    path = _zip(tmp_path / "damaged.zip", {"dataset.csv": CSV * 100})
    data = bytearray(path.read_bytes())
    data[-30:] = b"\x00" * 30  # the central directory's end record is gone
    path.write_bytes(bytes(data))
    with pytest.raises(CatalogueFileError, match="is not a valid zip archive"):
        read_catalogue_bytes(path)
