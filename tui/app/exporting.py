"""Markdown export from the app: the log is synced, the export runs in a worker thread, and the
path is shown (a toast, and on the results screen) back on the UI thread. Mixed into
BoardlessApp."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from tui.core.errors import BoardlessError

if TYPE_CHECKING:
    from tui.core.session.session import Session


class Exporting(App[int]):
    """Ctrl+E: the session's Markdown beside its log."""

    session: Session | None
    log_path: Path | None
    last_export: Path | None = None

    def export_markdown(self) -> None:
        """Export beside the log in a worker; the path is shown when done. While the disk does
        not take the log, the round is exported from a full copy saved elsewhere instead (the
        same place quitting keeps it), so nothing on screen is missing from the export."""
        if self.log_path is None:
            self.notify("This session has no log to export.", severity="warning")
            return
        writer = self.session.writer if self.session is not None else None
        if writer is not None:
            writer.sync()
            if writer.pending:
                from tui.app.quitting import save_copy_elsewhere

                copy, problem = save_copy_elsewhere(writer)
                if copy is None:
                    self.notify(f"Export failed: the log cannot be written and no copy could be "
                                f"saved in {problem}", severity="error")
                    return
                self.notify(f"The log cannot be written now; exporting a full copy of the "
                            f"round saved in {copy.parent}.", title="Disk", severity="warning")
                self._export(copy)
                return
        self._export(self.log_path)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, log_path: Path) -> None:
        try:
            from tui.core.debrief.export import (
                export_session,  # coach replay and report: when needed
            )

            path = export_session(log_path)
        except (BoardlessError, OSError) as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error")
            return
        self.call_from_thread(self._exported, path)

    def _exported(self, path: Path) -> None:
        self.last_export = path
        self.notify(str(path), title="Exported Markdown", timeout=8)
        from tui.app.screens.results import ResultsScreen

        for screen in self.screen_stack:
            if isinstance(screen, ResultsScreen):
                screen.show_export(path)
