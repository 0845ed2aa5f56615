"""Zip archives read within limits (grids/archive.py), and a boundary file's archive as grids.io reports it: declared
sizes and counts refused before anything is unpacked, sizes that lie found out a megabyte at a time, archives zipfile
cannot unpack named as such (they raised out of the import: a 500)."""
import struct
import tracemalloc
import zipfile

import pytest

from grids.archive import ArchiveLimits, ArchiveTooLarge, BoundedArchive
from grids.io import FieldMapping, FileLimits, read_file
from grids.report import Report
from tests.zip_bombs import CENTRAL_ENTRY, MB, declaring, zip_of

LIMITS = ArchiveLimits(max_members=10, max_unpacked_bytes=10 * MB)


def refused(data, limits=LIMITS) -> ArchiveTooLarge:
    with pytest.raises(ArchiveTooLarge) as caught:
        BoundedArchive(data, limits).verify()
    return caught.value


def test_an_archive_within_the_limits_reads_as_it_is():
    archive = BoundedArchive(zip_of({"a.txt": b"x" * 1000}, zeros={"b.bin": 3 * MB}), LIMITS)
    archive.verify()
    assert archive.namelist() == ["b.bin", "a.txt"] and archive.read("a.txt") == b"x" * 1000
    assert archive.read("b.bin") == bytes(3 * MB)


def test_more_unpacked_than_the_limit_is_refused_from_the_declared_sizes():
    exc = refused(zip_of({}, zeros={"a.bin": 6 * MB, "b.bin": 6 * MB}))
    assert exc.limit == "max_unpacked_bytes" and "12 MB" in exc.message and "10 MB" in exc.message_zh


def test_more_members_than_the_limit_are_refused_naming_the_count():
    exc = refused(zip_of({f"{i}.txt": b"" for i in range(11)}))
    assert exc.limit == "max_archive_members" and "11 files" in exc.message and "超过 10 个的上限" in exc.message_zh


def test_an_end_record_declaring_few_entries_over_a_large_directory_is_refused_before_the_directory_is_read():
    data = bytearray(zip_of({f"{i}.txt": b"" for i in range(200)}))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # entries on this disk and in all: one
    exc = refused(bytes(data), ArchiveLimits(max_members=5))
    assert exc.limit == "max_archive_members" and "more files than the limit of 5" in exc.message


def test_a_member_larger_than_declared_is_damaged_and_unpacked_no_further_than_a_chunk():
    liar = declaring(zip_of({}, zeros={"a.bin": 200 * MB}), "a.bin", 1000)
    archive = BoundedArchive(liar, LIMITS)
    tracemalloc.start()
    try:
        with pytest.raises(zipfile.BadZipFile):
            archive.read("a.bin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB


def test_reading_stops_at_the_limit_whatever_each_member_declares():
    data = zip_of({}, zeros={"a.bin": 6 * MB, "b.bin": 6 * MB})
    for name in ("a.bin", "b.bin"):
        data = declaring(data, name, 4 * MB)  # 8 MB declared in all: within the limit
    archive = BoundedArchive(data, LIMITS)
    with pytest.raises((ArchiveTooLarge, zipfile.BadZipFile)):
        archive.verify()


def test_no_limits_is_no_limit():
    BoundedArchive(zip_of({f"{i}": b"" for i in range(20)}, zeros={"a": 12 * MB}), ArchiveLimits()).verify()


def shapefile_report(data) -> Report:
    report = Report()
    assert read_file(data, "villages.zip", FieldMapping(), report, FileLimits(LIMITS)) == []
    return report


def with_central_field(data: bytes, offset: int, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<H", out, out.find(CENTRAL_ENTRY) + offset, value)
    return bytes(out)


@pytest.mark.parametrize("patch, said", [
    (lambda d: with_central_field(d, 8, 0x1), "压缩包已加密或采用了无法解压的压缩方式"),      # flagged encrypted
    (lambda d: with_central_field(d, 10, 9), "压缩包已加密或采用了无法解压的压缩方式"),       # Deflate64
    (lambda d: declaring(d, "villages.shp", 10), "压缩包已损坏"),                         # a lie about its size
    (lambda d: d[:60] + b"\xff" * 200 + d[260:], "压缩包已损坏"),                        # scrambled data
])
def test_an_archive_zipfile_cannot_unpack_is_named_in_the_report(patch, said):
    data = zip_of({"villages.shx": b"x" * 100, "villages.dbf": b"x" * 100}, zeros={"villages.shp": 300_000})
    problem, = shapefile_report(patch(data)).problems
    assert problem.kind == "file" and problem.message_zh == said and problem.message


def test_an_archive_over_a_limit_is_an_over_limit_problem_naming_it():
    problem, = shapefile_report(zip_of({}, zeros={"villages.shp": 11 * MB})).problems
    assert problem.kind == "over_limit" and problem.params["limit"] == "max_unpacked_bytes"
    assert "max_unpacked_bytes" in problem.message and "上限" in problem.message_zh
