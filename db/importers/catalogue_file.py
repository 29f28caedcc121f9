"""Open a catalogue file as people download it: plain CSV, gzip-compressed CSV, or a zip of one CSV.

Kaggle hands the "Spotify Tracks" dataset out as a zip and mirrors keep it as ``.csv.gz``, so both
are read directly. The format is told by the file's first bytes, not its name. Compressed input is
decompressed in chunks under hard limits (total size, compression ratio): a decompression bomb is
refused after producing at most ``max_bytes`` plus one chunk, never expanded in memory.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# Compressed bytes read per step, and the most output one decompression step may produce.
READ_CHUNK = 64 * 1024
OUTPUT_CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
# Archive entries that are not data someone chose to put there: macOS Finder's resource forks.
_ARCHIVE_NOISE = ("__MACOSX/",)


class CatalogueFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's terms."""


@dataclass(frozen=True)
class ArchiveLimits:
    """How large and how compressed an archive may be before it is refused.

    The 114k-track Kaggle file is 20 MB uncompressed at a ratio of 2.4 (CSV text of numbers
    compresses 2-10x); a million-track catalogue is about 180 MB. Ratios above 100 are what
    decompression bombs look like (deflate peaks near 1,000). Ratios are only judged once the
    output passes ``ratio_grace_bytes``, because a tiny file of repeated rows compresses well.
    """

    max_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_grace_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ArchiveLimits()


def read_catalogue_bytes(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> bytes:
    """The CSV bytes of ``path``, decompressed when it is a gzip file or a one-member zip."""
    if not path.exists():
        raise CatalogueFileError(f"{path} does not exist")
    if path.is_dir():
        raise CatalogueFileError(f"{path} is a directory, not a CSV file")
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
        if head.startswith(GZIP_MAGIC):
            return _gunzip(path, limits)
        if head.startswith(ZIP_MAGICS):
            return _unzip(path, limits)
        return path.read_bytes()
    except OSError as error:
        raise CatalogueFileError(f"{path} cannot be read: {error.strerror or error}") from error


class _Budget:
    """Counts output against the limits as it is produced; raises the moment one is passed."""

    def __init__(self, label: str, limits: ArchiveLimits) -> None:
        self.label = label
        self.limits = limits

    def check(self, produced: int, consumed: int) -> None:
        limits = self.limits
        if produced > limits.max_bytes:
            raise CatalogueFileError(
                f"{self.label} decompresses to more than {_megabytes(limits.max_bytes)}; "
                "that is too large for a catalogue (refused without unpacking it)"
            )
        if produced > limits.ratio_grace_bytes and produced > limits.max_ratio * max(consumed, 1):
            raise CatalogueFileError(
                f"{self.label} expands more than {limits.max_ratio:.0f}x when decompressed; "
                "that is not a catalogue but a decompression bomb (refused)"
            )


def _gunzip(path: Path, limits: ArchiveLimits) -> bytes:
    budget = _Budget(path.name, limits)
    out = bytearray()
    consumed = 0
    # 16 + MAX_WBITS: expect a gzip header and trailer. Concatenated members are one stream.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            consumed += len(chunk)
            pending = chunk
            while pending:
                if decompressor.eof:
                    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
                try:
                    out += decompressor.decompress(pending, OUTPUT_CHUNK)
                except zlib.error as error:
                    raise CatalogueFileError(
                        f"{path.name} is not a valid gzip file ({error}); download it again"
                    ) from error
                budget.check(len(out), consumed)
                pending = (
                    decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
                )
    if not decompressor.eof:
        raise CatalogueFileError(
            f"{path.name} is cut short: the gzip stream ends early (truncated download?)"
        )
    return bytes(out)


def _unzip(path: Path, limits: ArchiveLimits) -> bytes:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise CatalogueFileError(
            f"{path.name} is not a valid zip archive ({error}); download it again"
        ) from error
    with archive:
        member = _only_member(path, archive)
        label = f"{path.name} ({member.filename})"
        budget = _Budget(label, limits)
        # The header's sizes refuse most bombs before any work; the loop below does not trust them.
        budget.check(member.file_size, member.compress_size)
        out = bytearray()
        try:
            with archive.open(member) as stream:
                while piece := stream.read(OUTPUT_CHUNK):
                    out += piece
                    # Output so far against the whole compressed member: never over-refuses.
                    budget.check(len(out), member.compress_size)
        except RuntimeError as error:  # zipfile's way of saying "encrypted"
            raise CatalogueFileError(
                f"{label} is password-protected; unzip it yourself and import the CSV"
            ) from error
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise CatalogueFileError(f"{label} is damaged ({error}); download it again") from error
        except NotImplementedError as error:
            raise CatalogueFileError(
                f"{label} uses an unsupported compression ({error})"
            ) from error
    return bytes(out)


def _only_member(path: Path, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith(_ARCHIVE_NOISE)
    ]
    names = [info.filename for info in members]
    if "xl/workbook.xml" in names:
        raise CatalogueFileError(f"{path.name} is an Excel workbook; save it as CSV (UTF-8)")
    if not members:
        raise CatalogueFileError(f"{path.name} is a zip archive with no file in it")
    if len(members) > 1:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise CatalogueFileError(
            f"{path.name} holds {len(members)} files ({shown}); a catalogue zip must hold "
            "exactly one CSV file: unzip it and import the CSV you mean"
        )
    return members[0]


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"
