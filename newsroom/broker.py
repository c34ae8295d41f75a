"""The embedded Celery broker (no Redis): kombu's filesystem transport, made safe for readers.

kombu writes a message file in place (create, lock, write). A worker listing the folder in
between moves away and reads an empty or half-written file, fails to decode it and stops
("Unrecoverable error: JSONDecodeError"). Here a message is written under a name no reader
looks at and then renamed into place, which is atomic on one file system; an exchange table
caught half-created (the same race, in the control folder) reads as "no bindings yet".
Production uses Redis and never loads this module.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put the message onto the queue: written aside, then renamed into place."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # No "<queue>.msg" ending: readers skip the file until it is complete.
        incomplete = os.path.join(self.data_folder_out, f".writing-{uuid.uuid4()}")
        try:
            with open(incomplete, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(incomplete, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc

    def get_table(self, exchange):
        try:
            return super().get_table(exchange)
        except ValueError:  # JSONDecodeError: the table is being created right now
            return []


class Transport(filesystem.Transport):
    Channel = Channel
