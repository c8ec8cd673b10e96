"""Uploading CSV files to the import pages, and reading their validation reports."""

from __future__ import annotations

from io import BytesIO

from bs4 import BeautifulSoup


def upload(client, path: str, content: str | bytes, filename: str = "import.csv", **extra):
    data = content.encode() if isinstance(content, str) else content
    return client.post_form(
        path,
        {"file": (BytesIO(data), filename), **extra},
        content_type="multipart/form-data",
    )


def report(response) -> list[tuple[int, str, str]]:
    """The validation report's rows: (row, column, problem)."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [
        tuple(
            int(cell) if index == 0 else cell
            for index, cell in enumerate(td.get_text(" ", strip=True) for td in tr.select("td"))
        )
        for tr in soup.select(".ecaf-import-report tbody tr")
    ]


def problems_of(response, row: int) -> dict[str, str]:
    return {column: problem for number, column, problem in report(response) if number == row}
