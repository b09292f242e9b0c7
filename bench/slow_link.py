"""A link with 2 ms round trips: a TCP proxy in front of a local server that holds every chunk 1 ms each way.

    with SlowLink(5432) as link:        # forwards 127.0.0.1:link.port -> 127.0.0.1:5432
        url = link.url(server_url)      # the same URL through the proxy
        ...
        link.requests                   # chunks the clients sent: round trips, as the server sees them

Each chunk is delivered 1 ms after it arrived (a queue per direction, so that a long transfer is delayed once,
as on a real link, not 1 ms per chunk one after another). The proxy runs an asyncio loop in a thread of its own.
"""
from __future__ import annotations

import asyncio
import threading
import time

from sqlalchemy import make_url

DELAY = 0.001   # seconds each way


class SlowLink:
    """The proxy, started on entering and stopped on leaving; `port` is where clients connect."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1", delay: float = DELAY) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.port = 0
        self.requests = 0           # chunks from clients to the server, counted since the last reset()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def url(self, server_url: str) -> str:
        """`server_url` with its host and port replaced by the proxy's."""
        return make_url(server_url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def reset(self) -> None:
        self.requests = 0

    def __enter__(self) -> "SlowLink":
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, "127.0.0.1", 0), self._loop).result()
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_exc) -> None:
        async def stop() -> None:
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    async def _connection(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection(*self.target)
        try:
            await asyncio.gather(self._pipe(client_in, server_out, counted=True), self._pipe(server_in, client_out),
                                 return_exceptions=True)
        except asyncio.CancelledError:
            pass    # the proxy is stopping (a connection the pool kept open)
        for writer in (client_out, server_out):
            writer.close()

    async def _pipe(self, source: asyncio.StreamReader, target: asyncio.StreamWriter, counted: bool = False) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sender = asyncio.ensure_future(self._deliver(queue, target))
        try:
            while chunk := await source.read(65536):
                if counted:
                    self.requests += 1
                queue.put_nowait((time.monotonic() + self.delay, chunk))
        finally:
            queue.put_nowait((0.0, b""))
            await sender

    @staticmethod
    async def _deliver(queue: asyncio.Queue, target: asyncio.StreamWriter) -> None:
        while True:
            due, chunk = await queue.get()
            if not chunk:
                target.close()
                return
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            target.write(chunk)
            await target.drain()
