"""The main window: the navigation (pages and the organisation tree 街道 → 社区 → 网格) and the pages.

Adding a page is one line in PAGES: (key, title, icon, factory). A page is any QWidget; the window calls
these methods when the page has them: activate() when shown, set_scope(community_id, grid_id, name) when
the tree selection changes, mark_stale() when another page changed data it shows, new_record() (Ctrl+N),
focus_search() (Ctrl+F), refresh() (F5), open_record(id) (links from the 首页), save_state() on closing.
Pages that want to hear of every change can connect to `MainWindow.data_changed(ledger_key)`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QPushButton, QSplitter, QStackedWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services import CommunityService, GridService
from ledger.services.overview import is_empty
from ledger.services.street import init_street, street_name

from . import messages
from .icons import BLUE, GOLD, GREY, RED, app_icon, glyph_icon
from .settings_store import UiSettings
from .start_window import place, show_placed
from .tasks import cancel_all, run_task


def refers_to(page: str, ledger_key: str) -> bool:
    """Whether a ledger page shows names from another ledger (a foreign key of its table points there)."""
    from ledger import catalog
    ledgers = catalog.ledgers()
    if page not in ledgers or ledger_key not in ledgers:
        return False
    target = ledgers[ledger_key].model.__table__
    return any(fk.column.table is target for fk in ledgers[page].model.__table__.foreign_keys)


def database_label(ledger: Ledger) -> str:
    """The file's path, or the server's address without its password, for the status bar."""
    from ledger.db import sqlite_file
    path = sqlite_file(ledger.db.url)
    return str(path) if path is not None else ledger.db.engine.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    icon: tuple[str, str]                       # (character, colour) drawn as the navigation tile
    factory: Callable[["MainWindow"], QWidget]


def _ledger(key: str) -> Callable[["MainWindow"], QWidget]:
    def make(window: "MainWindow") -> QWidget:
        from .ledger_page import LedgerPage
        from .ledger_specs import SPECS
        return LedgerPage(window, SPECS[key])
    return make


def _home(window: "MainWindow") -> QWidget:
    from .home_page import HomePage
    return HomePage(window)


def _funds(window: "MainWindow") -> QWidget:
    from .funds_page import FundsPage
    return FundsPage(window)


def _pay(window: "MainWindow") -> QWidget:
    from .pay_page import PayPage
    return PayPage(window)


def _reports(window: "MainWindow") -> QWidget:
    from .reports_page import ReportsPage
    return ReportsPage(window)


def _templates(window: "MainWindow") -> QWidget:
    from .templates_page import TemplatesPage
    return TemplatesPage(window)


# Ledger pages whose window is more than the generic ledger page.
CUSTOM_LEDGER_PAGES: dict[str, Callable[["MainWindow"], QWidget]] = {"funds": _funds}


def _ledger_pages() -> list[Page]:
    """A page for every declared ledger that has one (ledger.catalog), in its declared order."""
    from .ledger_specs import SPECS
    return [Page(key, spec.title, (spec.icon, RED), CUSTOM_LEDGER_PAGES.get(key, _ledger(key)))
            for key, spec in SPECS.items()]


# The pages in navigation order: the 首页, every ledger, then the other work. A feature adds its page here.
PAGES: list[Page] = [
    Page("home", "首页", ("首", GOLD), _home),
    *_ledger_pages(),
    Page("reports", "报表", ("报", BLUE), _reports),
    Page("pay", "工资", ("薪", BLUE), _pay),
    Page("templates", "报表模板", ("模", GREY), _templates),
]
LEDGER_KEYS = tuple(p.key for p in _ledger_pages())
# Ledgers without a page of their own, and the page that shows them.
PAGE_OF = {"budgets": "funds"}


class MainWindow(QMainWindow):
    data_changed = Signal(str)   # a ledger key, after a save, delete, import or demo load

    def __init__(self, ledger: Ledger, ui_settings: UiSettings | None = None, db_label: str = ""):
        super().__init__()
        self.ledger = ledger
        self.reopen_requested = False   # set by reopen(): the application opens the database again
        self.ui_settings = ui_settings or UiSettings()
        self.pages: dict[str, QWidget] = {}
        self.scope: tuple[int | None, int | None] = (None, None)
        self._scope_names = ("", "")
        self._current_key: str | None = None
        # 撤销/重做 of this window's changes (ui.undo): edits, deletions, batches, imports
        self.undo_stack = QUndoStack(self)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(960, 600))

        self.central = QStackedWidget()
        self.setCentralWidget(self.central)
        self.workspace = self._build_workspace()
        self.central.addWidget(self.workspace)
        self.first_start: QWidget | None = None
        self._build_menus()
        self.statusBar().showMessage(f"数据库：{db_label or database_label(ledger)}")
        role = QLabel(f"当前用户：{ledger.actor.shown_name}（{ledger.actor.role}）")
        self.statusBar().addPermanentWidget(role)
        for sequence, slot in ((QKeySequence.StandardKey.New, lambda: self._call("new_record")),
                               (QKeySequence.StandardKey.Find, lambda: self._call("focus_search"))):
            QShortcut(QKeySequence(sequence), self, activated=slot)
        for n, page in enumerate(PAGES[:9], 1):
            QShortcut(QKeySequence(f"Ctrl+{n}"), self, activated=lambda key=page.key: self.show_page(key))
        self._placed = place(self, self.ui_settings)
        if not self._placed:
            self.resize(1280, 760)
        splitter = self.ui_settings.geometry("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.update_title()
        if is_empty(ledger):
            self.show_first_start()
        else:
            self.show_workspace(self.ui_settings.text("window/page") or "home")

    def show_initially(self) -> None:
        show_placed(self, self._placed)

    # --- building -------------------------------------------------------------------------------------
    def _build_workspace(self) -> QWidget:
        self.nav = QListWidget()
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(1)
        for page in PAGES:
            item = QListWidgetItem(glyph_icon(*page.icon), page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            item.setSizeHint(QSize(0, 32))
            self.nav.addItem(item)
        self.nav.setFixedHeight(min(len(PAGES), 12) * 34 + 6)
        self.nav.currentItemChanged.connect(
            lambda item, _old: item is not None and self.show_page(item.data(Qt.ItemDataRole.UserRole)))

        self.tree_filter = QLineEdit()
        self.tree_filter.setPlaceholderText("查找社区或网格")
        self.tree_filter.setClearButtonEnabled(True)
        self.tree_filter.textChanged.connect(self._filter_tree)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(lambda item, _old: self._tree_selected(item))
        tree_title = QLabel("组织架构")
        tree_title.setStyleSheet("font-weight: bold; color: #7f1d1d; padding-top: 6px;")
        nav_title = QLabel("台账")
        nav_title.setStyleSheet("font-weight: bold; color: #7f1d1d;")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(6, 6, 0, 6)
        column.addWidget(nav_title)
        column.addWidget(self.nav)
        column.addWidget(tree_title)
        column.addWidget(self.tree_filter)
        column.addWidget(self.tree, 1)

        self.page_title = QLabel()
        self.page_title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #7f1d1d;")
        self.scope_label = QLabel()
        self.scope_label.setStyleSheet("color: #555;")
        self.scope_clear = QPushButton("显示全部社区")
        self.scope_clear.clicked.connect(self.clear_scope)
        self.scope_clear.hide()
        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 10, 0)
        header.addWidget(self.page_title)
        header.addSpacing(16)
        header.addWidget(self.scope_label)
        header.addWidget(self.scope_clear)
        header.addStretch(1)
        self.page_stack = QStackedWidget()
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addLayout(header)
        right_column.addWidget(self.page_stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 1060])
        self.splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(170)
        return self.splitter

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        import_action = QAction("导入台账…", self)
        import_action.triggered.connect(lambda: self.open_import(self._current_key if self._current_key in
                                                                 LEDGER_KEYS else None))
        file_menu.addAction(import_action)
        file_menu.addSeparator()
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        self.undo_action = self.undo_stack.createUndoAction(self, "撤销")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "重做")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        from .system_menu import build_system_menu
        build_system_menu(self)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        keys = QAction("快捷键", self)
        keys.triggered.connect(self._show_keys)
        help_menu.addAction(keys)
        about = QAction("关于街道台账", self)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    def reopen(self) -> None:
        """Close and let the application open the database again (after a restore, or once login is on)."""
        self.reopen_requested = True
        self.close()

    # --- first start ----------------------------------------------------------------------------------
    def show_first_start(self) -> None:
        from .first_start import FirstStartPage
        if self.first_start is not None:
            self.central.removeWidget(self.first_start)
            self.first_start.deleteLater()
        self.first_start = FirstStartPage(self, street_name(self.ledger))
        self.central.addWidget(self.first_start)
        self.central.setCurrentWidget(self.first_start)
        self.menuBar().setEnabled(True)

    def show_workspace(self, page: str = "home") -> None:
        self.central.setCurrentWidget(self.workspace)
        if self.first_start is not None:
            self.central.removeWidget(self.first_start)
            self.first_start.deleteLater()
            self.first_start = None
        self.reload_tree()
        self.show_page(page if any(p.key == page for p in PAGES) else "home")

    def create_street(self, name: str) -> str | None:
        """新建街道 from the first-start page; returns the refusal to show, or None when done."""
        try:
            init_street(self.ledger, name)
        except LedgerError as exc:
            return str(exc)
        self.update_title()
        self.show_workspace("communities")
        page = self.pages.get("communities")
        if page is not None and hasattr(page, "new_record"):
            page.new_record()
        return None

    def load_demo(self, scale: str = "street") -> None:
        from ledger.demo import load_demo
        ledger = self.ledger

        def done(counts: dict[str, int]) -> None:
            self.update_title()
            self.show_workspace("home")
            for page in self.pages.values():
                if hasattr(page, "mark_stale"):
                    page.mark_stale()
            self.data_changed.emit("communities")
            self.statusBar().showMessage("已加载演示数据：" + "，".join(f"{k}{v:,}" for k, v in counts.items()), 10000)

        return run_task(self, "正在加载演示数据", lambda progress: load_demo(ledger, scale, progress=progress), done)

    def open_import(self, ledger_key: str | None, loaded=None):
        """导入现有台账 for a ledger (None: let the clerk choose), or the preview of rows pasted into it (`loaded`);
        the pages refresh after each import or undo."""
        from .import_wizard import open_import_wizard
        wizard = open_import_wizard(self.ledger, ledger_key, self, loaded)
        wizard.imported.connect(self._imported)
        return wizard

    def _imported(self, key: str) -> None:
        if self.central.currentWidget() is not self.workspace:
            self.update_title()
            self.show_workspace(key if any(p.key == key for p in PAGES) else "home")
        self.ledger_changed(key if key in LEDGER_KEYS else "communities")

    # --- pages -----------------------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page of a key, made the first time it is asked for."""
        page = self.pages.get(key)
        if page is None:
            spec = next(p for p in PAGES if p.key == key)
            page = spec.factory(self)
            self.pages[key] = page
            self.page_stack.addWidget(page)
            if hasattr(page, "set_scope") and self.scope != (None, None):
                page.set_scope(*self.scope, self._scope_names[0])
        return page

    def show_page(self, key: str) -> QWidget:
        if self.central.currentWidget() is not self.workspace:
            self.show_workspace(key)
            return self.pages[key]
        page = self.page(key)
        left = self.current_page()
        self._current_key = key
        self.page_stack.setCurrentWidget(page)
        title = next(p.title for p in PAGES if p.key == key)
        self.page_title.setText(title)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key and self.nav.currentRow() != row:
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(row)
                self.nav.blockSignals(False)
        if hasattr(page, "activate"):
            page.activate()
        if left is not None and left is not page and hasattr(left, "release"):
            left.release()   # a hidden page keeps no rows: the window stays as small as the page shown
        return page

    def current_page(self) -> QWidget | None:
        return self.pages.get(self._current_key) if self._current_key else None

    def _call(self, method: str) -> None:
        page = self.current_page()
        if page is not None and self.central.currentWidget() is self.workspace and hasattr(page, method):
            getattr(page, method)()

    def open_record(self, key: str, record_id: int):
        page = self.show_page(key)
        return page.open_record(record_id) if hasattr(page, "open_record") else None

    def show_fund_summary(self, community_id: int | None) -> None:
        if community_id is not None:
            self.select_community(community_id)
        page = self.show_page("funds")
        if hasattr(page, "show_summary"):
            page.show_summary()

    def records_changed(self, key: str) -> None:
        """An undo or a restore changed a ledger's records: its own page reads them again, the others follow."""
        page = self.pages.get(PAGE_OF.get(key, key))
        if page is not None and hasattr(page, "mark_stale"):
            page.mark_stale()
        self.ledger_changed(key)

    def ledger_changed(self, key: str) -> None:
        """A page saved or deleted records of a ledger: refresh the tree and what depends on it."""
        if key in ("communities", "grids"):
            self.reload_tree()
        for other, page in self.pages.items():
            if other == key and key != "funds":
                continue
            # every page names communities; a ledger page names what its foreign keys point to
            depends = other in ("home", "reports") or key == "communities" or refers_to(other, key) or \
                (key == "funds" and other == "funds")
            if depends and hasattr(page, "mark_stale"):
                if other == "funds" and key == "funds":
                    page.summary.stale = True  # type: ignore[attr-defined]  # the entries page updated itself
                else:
                    page.mark_stale()
        self.data_changed.emit(key)

    # --- the organisation tree and the scope ----------------------------------------------------------------
    def reload_tree(self) -> None:
        communities = CommunityService(self.ledger).list()
        grids = GridService(self.ledger).list()
        by_community: dict[int, list[dict]] = {}
        for g in grids:
            by_community.setdefault(g["community_id"], []).append(g)
        selected = self.scope
        self.tree.blockSignals(True)
        self.tree.clear()
        root = QTreeWidgetItem([street_name(self.ledger) or "街道"])
        root.setData(0, Qt.ItemDataRole.UserRole, ("street", None, None))
        root.setIcon(0, glyph_icon("街", GOLD))
        self.tree.addTopLevelItem(root)
        current = root
        for c in communities:
            item = QTreeWidgetItem([c["name"]])
            item.setData(0, Qt.ItemDataRole.UserRole, ("community", c["id"], None))
            root.addChild(item)
            if selected == (c["id"], None):
                current = item
            for g in sorted(by_community.get(c["id"], []), key=lambda g: g["code"]):
                child = QTreeWidgetItem([f"{g['code']} {g['name']}"])
                child.setData(0, Qt.ItemDataRole.UserRole, ("grid", c["id"], g["id"]))
                item.addChild(child)
                if selected == (c["id"], g["id"]):
                    current = child
        root.setExpanded(True)
        self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)
        if current is root and selected != (None, None):
            self.set_scope(None, None)
        self._filter_tree(self.tree_filter.text())

    def _filter_tree(self, text: str) -> None:
        text = text.strip().lower()
        root = self.tree.topLevelItem(0)
        if root is None:
            return
        from .pinyin import initials
        for i in range(root.childCount()):
            community = root.child(i)
            name = community.text(0)
            grid_hit = False
            for j in range(community.childCount()):
                grid = community.child(j)
                hit = not text or text in grid.text(0).lower() or text in initials(grid.text(0))
                grid.setHidden(not hit and not (text in name.lower() or text in initials(name)))
                grid_hit |= hit and bool(text)
            own = not text or text in name.lower() or text in initials(name)
            community.setHidden(not (own or grid_hit))
            community.setExpanded(grid_hit and not own)

    def _tree_selected(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        kind, community_id, grid_id = item.data(0, Qt.ItemDataRole.UserRole)
        if kind == "street":
            self.set_scope(None, None)
        elif kind == "community":
            self.set_scope(community_id, None, item.text(0))
        else:
            self.set_scope(community_id, grid_id, item.parent().text(0), item.text(0))

    def select_community(self, community_id: int) -> None:
        root = self.tree.topLevelItem(0)
        for i in range(root.childCount() if root else 0):
            item = root.child(i)
            if item.data(0, Qt.ItemDataRole.UserRole)[1] == community_id:
                self.tree.setCurrentItem(item)
                return

    def clear_scope(self) -> None:
        root = self.tree.topLevelItem(0)
        if root is not None:
            self.tree.setCurrentItem(root)
        else:
            self.set_scope(None, None)

    def set_scope(self, community_id: int | None, grid_id: int | None, community_name: str = "",
                  grid_name: str = "") -> None:
        """Filter every page to a 社区 or 网格 (None, None: the whole street)."""
        self.scope = (community_id, grid_id)
        self._scope_names = (community_name, grid_name)
        if community_id is None:
            self.scope_label.setText("范围：全部社区")
            self.scope_clear.hide()
        else:
            where = community_name + (f" › {grid_name}" if grid_name else "")
            self.scope_label.setText(f"范围：{where}")
            self.scope_clear.show()
        for page in self.pages.values():
            if hasattr(page, "set_scope"):
                page.set_scope(community_id, grid_id, community_name)

    def scope_community_name(self) -> str:
        return self._scope_names[0]

    # --- the window ------------------------------------------------------------------------------------
    def update_title(self) -> None:
        name = street_name(self.ledger)
        self.setWindowTitle(f"街道台账 - {name}" if name else "街道台账")

    def _show_keys(self) -> None:
        messages.inform(self, "快捷键", "Ctrl+N　新建记录\nCtrl+F　搜索\nEnter　打开选中的记录\n"
                                      "Delete　删除选中的记录（可在“系统 → 回收站”中恢复）\nF5　刷新\n"
                                      "Ctrl+Z　撤销上一步修改　Ctrl+Y　重做\n"
                                      "Ctrl+C　复制选中的行（含表头），可直接粘贴到 Excel/WPS\n"
                                      "Ctrl+V　把从 Excel/WPS 复制的行粘贴到台账（先预览再导入）\n"
                                      "Ctrl+1 … Ctrl+9　切换页面\n"
                                      "在编辑窗口中：Enter 或 Ctrl+S 保存，Esc 取消")

    def _show_about(self) -> None:
        from ledger import APP_NAME, __version__
        messages.inform(self, "关于", f"{APP_NAME} {__version__}\n街道办的党组织、网格、社区工作者、经费、阵地台账。")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for page in self.pages.values():
            if hasattr(page, "save_state"):
                page.save_state()
        self.ui_settings.set_geometry("main", self.saveGeometry())
        self.ui_settings.set_geometry("splitter", self.splitter.saveState())
        if self._current_key:
            self.ui_settings.set_text("window/page", self._current_key)
        self.ui_settings.sync()
        cancel_all()
        event.accept()
