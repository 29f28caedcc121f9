import pytest

from music.hetrec import HetRecFormatError, read_hetrec


def _write(path, lines, line_end="\r\n"):
    path.write_bytes(line_end.join(lines).encode() + line_end.encode())


def test_reads_the_three_files_with_crlf_and_a_headerless_friends_file(tmp_path):
    _write(
        tmp_path / "user_artists.dat", ["userID\tartistID\tweight", "2\t51\t13883", "2\t52\t11690"]
    )
    _write(
        tmp_path / "artists.dat",
        ["id\tname\turl\tpictureURL", '51\tDuran "Duran"\thttp://a\t', "52\tMorcheeba\thttp://b\t"],
        line_end="\n",
    )
    _write(tmp_path / "user_friends.dat", ["2\t275", "2\t428"])
    frames = read_hetrec(tmp_path)
    assert frames.user_artists.to_dict("list") == {
        "user_id": [2, 2],
        "artist_id": [51, 52],
        "plays": [13883, 11690],
    }
    # Quotes are part of a name, not CSV quoting.
    assert frames.artists["name"].tolist() == ['Duran "Duran"', "Morcheeba"]
    assert frames.friends["friend_id"].tolist() == [275, 428]
    assert str(frames.user_artists["plays"].dtype) == "int64"


def test_friends_file_is_optional(tmp_path):
    _write(tmp_path / "user_artists.dat", ["userID\tartistID\tweight", "2\t51\t1"])
    _write(tmp_path / "artists.dat", ["id\tname\turl\tpictureURL", "51\tA\t\t"])
    assert read_hetrec(tmp_path).friends.empty


def test_missing_file_names_the_folder_to_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="hetrec2011-lastfm-2k"):
        read_hetrec(tmp_path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2\t51\tmany"], "line 2: plays is not an integer"),
        (["2\t51\t-4"], "negative play counts"),
        (["2\t51\t4", "2\t51\t5"], "appears twice"),
    ],
)
def test_malformed_user_artists_are_refused_with_the_reason(tmp_path, rows, message):
    _write(tmp_path / "user_artists.dat", ["userID\tartistID\tweight", *rows])
    _write(tmp_path / "artists.dat", ["id\tname\turl\tpictureURL", "51\tA\t\t"])
    with pytest.raises(HetRecFormatError, match=message):
        read_hetrec(tmp_path)
