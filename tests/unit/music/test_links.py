from music.links import spotify_embed_url, spotify_link, spotify_track_url


def test_real_tracks_link_to_their_spotify_page_and_player():
    assert spotify_link("4uLU6hMCjMI75M1A2tKUQC", "tidytuesday") == (
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
    )
    assert spotify_track_url("a1") == "https://open.spotify.com/track/a1"
    assert spotify_embed_url("a1") == "https://open.spotify.com/embed/track/a1"


def test_generated_demo_tracks_get_no_link():
    assert spotify_link("demo-000001", "demo") is None
