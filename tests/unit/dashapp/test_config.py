import pytest

from dashapp.config import Config, ConfigError


def test_local_defaults_keep_a_generated_secret_and_a_sqlite_file(tmp_path):
    first = Config.from_env(tmp_path, environ={})
    second = Config.from_env(tmp_path, environ={})
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 32
    assert first.DATABASE_URL == f"sqlite:///{tmp_path / 'mixmap.db'}"
    assert first.MODEL_DIR == str(tmp_path / "models")
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env(tmp_path, environ={"DYNO": "web.1"})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env(tmp_path, environ={"MIXMAP_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_production_reads_heroku_database_url_and_secures_cookies(tmp_path):
    config = Config.from_env(
        tmp_path,
        environ={"DYNO": "web.1", "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgres://h/db"},
    )
    assert config.DATABASE_URL == "postgresql+psycopg://h/db"
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.ENV == "production"


def test_retraining_thresholds_come_from_the_environment(tmp_path):
    defaults = Config.from_env(tmp_path, environ={})
    assert (defaults.RETRAIN_AFTER_EVENTS, defaults.RETRAIN_MIN_MINUTES) == (0, 10.0)
    assert (defaults.RETRAIN_CHECK_SECONDS, defaults.TRAIN_EMBEDDING) == (60.0, "umap")
    config = Config.from_env(
        tmp_path,
        environ={
            "MIXMAP_RETRAIN_AFTER_EVENTS": "20",
            "MIXMAP_RETRAIN_MIN_MINUTES": "0.5",
            "MIXMAP_RETRAIN_CHECK_SECONDS": "1",
            "MIXMAP_TRAIN_EMBEDDING": "PCA",
        },
    )
    assert (config.RETRAIN_AFTER_EVENTS, config.RETRAIN_MIN_MINUTES) == (20, 0.5)
    assert (config.RETRAIN_CHECK_SECONDS, config.TRAIN_EMBEDDING) == (1.0, "pca")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MIXMAP_RETRAIN_AFTER_EVENTS", "twenty"),
        ("MIXMAP_RETRAIN_AFTER_EVENTS", "2.5"),
        ("MIXMAP_RETRAIN_MIN_MINUTES", "-1"),
        ("MIXMAP_TRAIN_EMBEDDING", "tsne"),
    ],
)
def test_a_mistyped_retraining_setting_stops_the_start_and_names_the_variable(
    tmp_path, name, value
):
    with pytest.raises(ConfigError, match=name):
        Config.from_env(tmp_path, environ={name: value})
