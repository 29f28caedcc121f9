from sqlalchemy import text

from db.session import create_db_engine, normalise_database_url


def test_heroku_postgres_url_gets_the_psycopg_driver():
    assert normalise_database_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalise_database_url("postgresql://h/d") == "postgresql+psycopg://h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_write_unit_takes_the_sqlite_lock_before_its_first_read(tmp_path):
    """Issue #9 finding 2: a second writer waits for the first instead of acting on stale data."""
    import threading
    import time

    from db.session import Database

    url = f"sqlite:///{tmp_path / 'x.db'}"
    db = Database()
    db.configure(url)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))

    def increment() -> None:
        with db.session_scope(write=True) as session:
            n = session.execute(text("SELECT n FROM counter")).scalar()
            time.sleep(0.05)  # another writer would slip in here without the up-front lock
            session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    threads = [threading.Thread(target=increment) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.session_scope() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar() == 6
    db.engine.dispose()


def test_insert_in_batches_writes_every_row_in_bounded_statements(tmp_path):
    from sqlalchemy import Column, Integer, MetaData, Table, event

    from db.session import Database, insert_in_batches

    db = Database()
    db.configure(f"sqlite:///{tmp_path / 'x.db'}")
    table = Table("numbers", MetaData(), Column("n", Integer))
    table.metadata.create_all(db.engine)
    statements: list[int] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT"):
            statements.append(len(parameters) if executemany else 1)

    with db.session_scope(write=True) as session:
        written = insert_in_batches(session, table, ({"n": i} for i in range(1050)), 500)
    assert written == 1050
    assert max(statements) <= 500 and sum(statements) == 1050
    db.engine.dispose()


def test_a_forked_child_does_not_reuse_the_parents_pooled_connections(tmp_path):
    """Gunicorn forks workers after the app (and its pool) exist: a shared socket would mix up
    two processes' queries. Every fork drops the pool in the child."""
    import os

    from db.session import database

    database.configure(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as connection:
        connection.execute(text("select 1"))
    parent_pool = database.engine.pool
    assert parent_pool.checkedin() == 1
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports whether it still holds the parent's connection
        os.close(read)
        os.write(write, str(database.engine.pool.checkedin()).encode())
        os._exit(0)
    os.close(write)
    in_child = int(os.read(read, 16).decode())
    os.waitpid(pid, 0)
    assert in_child == 0
    assert database.engine.pool is parent_pool and parent_pool.checkedin() == 1
    database.engine.dispose()
