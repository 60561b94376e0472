"""The board's pages: for now the member register, read-only. Pay, surplus and votes come later."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from web.page import Page, PageRouter, role_page
from web.pages.coordinator import register_context

router = PageRouter(prefix="/board")
BoardPage = Annotated[Page, Depends(role_page("board"))]


@router.get("")
def home(page: BoardPage, q: str | None = None, profession: str | None = None, status: str | None = None):
    number = page.request.query_params.get("page", "1")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    return page.render("board/home.html", **register_context(page, q, profession, status, number), base="/board")
