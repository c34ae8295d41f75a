"""The embedded broker never hands a worker a message that is still being written."""

from kombu import Connection


def _connection(tmp_path):
    queue = tmp_path / "queue"
    control = tmp_path / "control"
    queue.mkdir()
    control.mkdir()
    return Connection(transport="newsroom.broker:Transport", transport_options={
        "data_folder_in": str(queue), "data_folder_out": str(queue),
        "control_folder": str(control), "store_processed": False,
    }), queue, control


def test_it_passes_messages_through_the_folder(tmp_path):
    connection, queue, _control = _connection(tmp_path)
    with connection, connection.SimpleQueue("passes") as simple:
        simple.put({"delivery": 7})
        assert simple.get(timeout=1).payload == {"delivery": 7}
        assert not list(queue.iterdir())


def test_no_reader_can_see_a_message_before_it_is_complete(tmp_path, monkeypatch):
    import kombu.transport.filesystem

    import newsroom.broker

    connection, queue, _control = _connection(tmp_path)
    visible_while_writing = []

    def watching_dumps(payload):
        # The moment the message is serialised, i.e. while it is being written.
        visible_while_writing.extend(p.name for p in queue.iterdir() if p.name.endswith(".msg"))
        return original(payload)

    original = newsroom.broker.dumps
    monkeypatch.setattr(newsroom.broker, "dumps", watching_dumps)
    monkeypatch.setattr(kombu.transport.filesystem, "dumps", watching_dumps)
    with connection, connection.SimpleQueue("waits") as simple:
        simple.put({"delivery": 8})
        assert simple.get(timeout=1).payload == {"delivery": 8}
    assert visible_while_writing == []


def test_an_exchange_table_being_created_reads_as_empty(tmp_path):
    connection, _queue, control = _connection(tmp_path)
    (control / "celery.pidbox.exchange").write_bytes(b"")
    with connection:
        assert connection.default_channel.get_table("celery.pidbox") == []
