"""Requests at the same moment: each on its own thread, app context, database connection and
transaction, released together by a barrier."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from webapp import db


@dataclass
class Post:
    client: object
    path: str
    data: dict = field(default_factory=dict)
    token_from: str | None = None


def post_at_once(app, posts: list[Post]) -> list[object]:
    """The responses (or the exception a request raised), in the order of `posts`."""
    tokens = [post.client.csrf_token(post.token_from or post.path) for post in posts]
    db.session.commit()  # end the test's own transaction: on SQLite it holds the write lock
    barrier = threading.Barrier(len(posts))
    responses: list[object] = [None] * len(posts)

    def send(number: int) -> None:
        post = posts[number]
        with app.app_context():
            barrier.wait(timeout=60)
            try:
                responses[number] = post.client.post(
                    post.path,
                    data={"csrf_token": tokens[number], **post.data},
                    headers={"Referer": "https://localhost/"},
                )
            except Exception as error:  # reported by the caller's assertions, not lost
                responses[number] = error

    threads = [threading.Thread(target=send, args=(number,)) for number in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses
