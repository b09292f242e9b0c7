"""工资标准: view any version of the pay standard and save an edited one as the version from a chosen date."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from ledger.app import Ledger
from ledger.errors import LedgerError, Problem, ValidationError
from ledger.money import ZERO, parse_amount
from ledger.pay.standards import PayStandards
from ledger.paystandard import (APPRAISAL_GRADES, EMPLOYER_ITEMS, INSURANCE_ITEMS, POST_NAMES, Grading, PayStandard,
                                Post, TaxBracket)
from ledger.values import parse_decimal

from . import messages
from .dialog_sizes import remember_size
from .file_dialogs import IMPORT, open_path

STACKING = (("max", "就高不叠加"), ("sum", "学历与证书叠加"))


def _text(value) -> str:
    return "" if value is None else format(value, "f") if isinstance(value, Decimal) else str(value)


def _amount(text: str, where: str, problems: list[Problem]) -> Decimal:
    """An amount as typed (blank is 0); the service bounds it by the office's ceiling when the standard is saved."""
    try:
        return parse_amount(text) if text.strip() else ZERO
    except ValueError as exc:
        problems.append(Problem(where, str(exc)))
        return ZERO


def _percent(text: str, where: str, problems: list[Problem]) -> Decimal:
    """A rate typed in per cent ('0.5' or '0.5%') as a fraction (0.005)."""
    try:
        return (parse_decimal(text.strip().rstrip("%") or "0", 4) / 100).normalize()
    except ValueError as exc:
        problems.append(Problem(where, str(exc)))
        return Decimal(0)


def _pct(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _cell(value, number: bool = True) -> QTableWidgetItem:
    """A table cell; amounts, rates and levels right-aligned as in the pay sheets."""
    item = QTableWidgetItem(str(value))
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _fit_columns(table: QTableWidget) -> None:
    """Columns as wide as their header and figures: the headers (个人缴费比例（%）…) are never cut off."""
    header = table.horizontalHeader()
    header.setMinimumSectionSize(90)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)


class PayStandardDialog(QDialog):
    """Tabs for posts, the matrix, monthly items, 奖励性绩效, 五险一金, tax and grading rules."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.service = PayStandards(ledger)
        self.setWindowTitle("工资标准")
        remember_size(self, "pay_standard", QSize(860, 640))
        self.version = QComboBox()
        self.version.currentIndexChanged.connect(self._version_chosen)
        self.name = QLineEdit()
        self.effective = QDateEdit()
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.effective.setCalendarPopup(True)
        top = QFormLayout()
        top.addRow("查看版本", self.version)
        top.addRow("标准名称", self.name)
        top.addRow("生效日期（保存为此日期起的版本）", self.effective)

        self.posts = QTableWidget(0, 4)
        self.posts.setHorizontalHeaderLabels(["岗位", "说明", "起始等级", "最高等级"])
        add_post = QPushButton("添加岗位")
        add_post.clicked.connect(self._add_post)
        remove_post = QPushButton("删除最后一个岗位")
        remove_post.clicked.connect(lambda: self.posts.setRowCount(max(1, self.posts.rowCount() - 1)))
        self.levels = QSpinBox()
        self.levels.setRange(1, 60)
        reshape = QPushButton("按岗位范围更新岗位等级工资表")
        reshape.clicked.connect(self._reshape_matrix)
        posts_tab = QWidget()
        pl = QVBoxLayout(posts_tab)
        pl.addWidget(self.posts)
        row = QHBoxLayout()
        for w in (QLabel("等级数"), self.levels, add_post, remove_post, reshape):
            row.addWidget(w)
        row.addStretch(1)
        pl.addLayout(row)

        self.matrix = QTableWidget(0, 0)
        matrix_tab = QWidget()
        ml = QVBoxLayout(matrix_tab)
        ml.addWidget(QLabel("每月岗位等级工资（元）；空白表示该等级不在该岗位范围内。"))
        ml.addWidget(self.matrix)
        import_button = QPushButton("从 Excel 导入岗位等级工资表…")
        import_button.clicked.connect(self._import_matrix)
        ml.addWidget(import_button)

        self.items: dict[str, QLineEdit] = {}
        items_tab = QWidget()
        il = QFormLayout(items_tab)
        for key, label in (("basic", "基础绩效（每人每月）"), ("dual", "一肩挑补贴"), ("助理社会工作师", "职业资格津贴：助理社会工作师"),
                           ("社会工作师", "职业资格津贴：社会工作师"), ("高级社会工作师", "职业资格津贴：高级社会工作师")):
            self.items[key] = QLineEdit()
            il.addRow(label, self.items[key])
        for grade in APPRAISAL_GRADES:
            self.items["bonus:" + grade] = QLineEdit()
            il.addRow(f"奖励性绩效（年度考核{grade}）", self.items["bonus:" + grade])
        self.bonus_month = QSpinBox()
        self.bonus_month.setRange(1, 12)
        il.addRow("奖励性绩效默认发放月份", self.bonus_month)

        self.rates = QTableWidget(len(EMPLOYER_ITEMS), 2)
        self.rates.setHorizontalHeaderLabels(["个人缴费比例（%）", "单位缴费比例（%）"])
        self.rates.setVerticalHeaderLabels(list(EMPLOYER_ITEMS))
        self.base_min, self.base_max = QLineEdit(), QLineEdit()
        rates_tab = QWidget()
        rl = QVBoxLayout(rates_tab)
        rl.addWidget(self.rates)
        bf = QFormLayout()
        bf.addRow("缴费基数下限", self.base_min)
        bf.addRow("缴费基数上限", self.base_max)
        rl.addLayout(bf)

        self.exemption = QLineEdit()
        self.brackets = QTableWidget(0, 3)
        self.brackets.setHorizontalHeaderLabels(["累计应纳税所得额上限（空=不限）", "税率（%）", "速算扣除数"])
        tax_tab = QWidget()
        tl = QVBoxLayout(tax_tab)
        tf = QFormLayout()
        tf.addRow("每月减除费用", self.exemption)
        tl.addLayout(tf)
        tl.addWidget(self.brackets)

        self.step_years = QSpinBox()
        self.step_years.setRange(1, 10)
        self.stacking = QComboBox()
        for key, label in STACKING:
            self.stacking.addItem(label, key)
        self.grading_bonus: dict[str, QSpinBox] = {}
        grading_tab = QWidget()
        gl = QFormLayout(grading_tab)
        gl.addRow("每满几年晋升一级", self.step_years)
        gl.addRow("学历与职业资格加级", self.stacking)
        for name in ("本科", "硕士", "博士", "助理社会工作师", "社会工作师", "高级社会工作师"):
            spin = QSpinBox()
            spin.setRange(0, 10)
            self.grading_bonus[name] = spin
            gl.addRow(f"{name}加级", spin)

        tabs = QTabWidget()
        for widget, label in ((matrix_tab, "岗位等级工资"), (posts_tab, "岗位与等级"), (items_tab, "月度项目与奖励性绩效"),
                              (rates_tab, "五险一金"), (tax_tab, "个人所得税"), (grading_tab, "定级与调级规则")):
            tabs.addTab(widget, label)
        self.tabs = tabs
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存为新版本", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        for table in (self.posts, self.matrix, self.rates, self.brackets):
            _fit_columns(table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self._load_versions()

    # --- loading ------------------------------------------------------------------------------------------
    def _load_versions(self, select: date | None = None) -> None:
        self.versions = self.service.versions()
        self.version.blockSignals(True)
        self.version.clear()
        for v in self.versions:
            used = f"，已用于{v.used_by_runs}个月" if v.used_by_runs else ""
            self.version.addItem(f"{v.effective_from:%Y-%m-%d} 起：{v.name}{used}", v.effective_from.isoformat())
        self.version.blockSignals(False)
        current = self.service.in_force()
        target = select or current.effective_from
        index = self.version.findData(target.isoformat())
        self.version.setCurrentIndex(max(0, index))
        self.show_standard(self.service.get(target) if index >= 0 else current)

    def _version_chosen(self, index: int) -> None:
        if index >= 0:
            self.show_standard(self.service.get(date.fromisoformat(self.version.itemData(index))))

    def show_standard(self, s: PayStandard) -> None:
        self.name.setText(s.name)
        self.effective.setDate(QDate(s.effective_from.year, s.effective_from.month, s.effective_from.day))
        self.levels.setValue(s.levels)
        self.posts.setRowCount(len(s.posts))
        for r, p in enumerate(s.posts):
            for c, value in enumerate((p.name, p.title, p.min_level, p.max_level)):
                self.posts.setItem(r, c, _cell(value, number=c >= 2))
        self._fill_matrix(s.posts, s.levels, s.matrix)
        self.items["basic"].setText(_text(s.basic_performance))
        self.items["dual"].setText(_text(s.dual_role_allowance))
        for name in ("助理社会工作师", "社会工作师", "高级社会工作师"):
            self.items[name].setText(_text(s.qualification_allowance.get(name, Decimal(0))))
        for grade in APPRAISAL_GRADES:
            self.items["bonus:" + grade].setText(_text(s.appraisal_bonus.get(grade, Decimal(0))))
        self.bonus_month.setValue(s.bonus_month)
        for r, item in enumerate(EMPLOYER_ITEMS):
            employee = s.employee_rates.get(item)
            self.rates.setItem(r, 0, _cell("" if item not in INSURANCE_ITEMS else _pct(employee or Decimal(0))))
            self.rates.setItem(r, 1, _cell(_pct(s.employer_rates.get(item, Decimal(0)))))
        self.base_min.setText(_text(s.base_min))
        self.base_max.setText(_text(s.base_max))
        self.exemption.setText(_text(s.monthly_exemption))
        self.brackets.setRowCount(len(s.tax_brackets))
        for r, b in enumerate(s.tax_brackets):
            for c, value in enumerate((_text(b.upper), _pct(b.rate), _text(b.quick_deduction))):
                self.brackets.setItem(r, c, _cell(value))
        self.step_years.setValue(s.grading.step_years)
        self.stacking.setCurrentIndex(max(0, self.stacking.findData(s.grading.stacking)))
        for name, spin in self.grading_bonus.items():
            spin.setValue(s.grading.education_bonus.get(name, s.grading.qualification_bonus.get(name, 0)))
        self.loaded = s

    def _fill_matrix(self, posts, levels: int, matrix: dict) -> None:
        self._matrix_posts = tuple(posts)
        self.matrix.setRowCount(levels)
        self.matrix.setColumnCount(len(posts))
        self.matrix.setHorizontalHeaderLabels([p.name for p in posts])
        self.matrix.setVerticalHeaderLabels([f"{n}级" for n in range(1, levels + 1)])
        for c, p in enumerate(posts):
            for n in range(1, levels + 1):
                self.matrix.setItem(n - 1, c, _cell(_text(matrix.get((p.code, n)))))

    def _add_post(self) -> None:
        r = self.posts.rowCount()
        if r >= len(POST_NAMES):
            return
        self.posts.setRowCount(r + 1)
        for c, value in enumerate((POST_NAMES[r], "", 1, self.levels.value())):
            self.posts.setItem(r, c, _cell(value, number=c >= 2))

    def _reshape_matrix(self) -> None:
        """Lay the matrix out for the posts and ranges now in the 岗位 table, keeping the amounts that still fit."""
        current = self._matrix(self._matrix_posts, [], keep_outside=True)
        posts = self._posts([])
        self._fill_matrix(posts, self.levels.value(), {k: v for k, v in current.items()
                                                       if any(p.code == k[0] and p.admits(k[1]) for p in posts)})

    def _import_matrix(self) -> None:
        path = open_path(self, IMPORT, "导入岗位等级工资表", "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)")
        if path is None:
            return
        from ledger.pay.sheets import read_rows
        from ledger.pay.standards import parse_matrix
        try:
            matrix = parse_matrix(read_rows(path), self.build())
        except LedgerError as exc:
            messages.warn(self, "导入岗位等级工资表", str(exc))
            return
        self._fill_matrix(self.build().posts, self.levels.value(), matrix)

    # --- building a standard from the widgets -------------------------------------------------------------
    def _cell(self, table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item is not None else ""

    def _posts(self, problems: list[Problem]) -> tuple[Post, ...]:
        posts = []
        for r in range(self.posts.rowCount()):
            name = self._cell(self.posts, r, 0) or POST_NAMES[r]
            try:
                low, high = int(self._cell(self.posts, r, 2)), int(self._cell(self.posts, r, 3))
            except ValueError:
                problems.append(Problem(f"{name}等级范围", "起始等级和最高等级应为整数"))
                low, high = 1, 1
            posts.append(Post(r + 1, name, self._cell(self.posts, r, 1), low, high))
        return tuple(posts)

    def _matrix(self, posts, problems: list[Problem], keep_outside: bool = False) -> dict:
        matrix = {}
        for c, p in enumerate(posts):
            for n in range(1, self.matrix.rowCount() + 1):
                text = self._cell(self.matrix, n - 1, c) if c < self.matrix.columnCount() else ""
                if text and (keep_outside or p.admits(n)):
                    matrix[(p.code, n)] = _amount(text, f"{p.name}{n}级", problems)
        return matrix

    def build(self) -> PayStandard:
        """The standard the widgets describe; ValidationError lists every problem by the item's name."""
        problems: list[Problem] = []
        posts = self._posts(problems)
        qd = self.effective.date()
        rates_ee, rates_er = {}, {}
        for r, item in enumerate(EMPLOYER_ITEMS):
            if item in INSURANCE_ITEMS:
                rates_ee[item] = _percent(self._cell(self.rates, r, 0), f"个人{item}比例", problems)
            rates_er[item] = _percent(self._cell(self.rates, r, 1), f"单位{item}比例", problems)
        brackets = []
        for r in range(self.brackets.rowCount()):
            upper = self._cell(self.brackets, r, 0)
            brackets.append(TaxBracket(_amount(upper, f"税率表第{r + 1}档上限", problems) if upper else None,
                                       _percent(self._cell(self.brackets, r, 1), f"税率表第{r + 1}档税率", problems),
                                       _amount(self._cell(self.brackets, r, 2), f"税率表第{r + 1}档速算扣除数", problems)))
        edu = {n: self.grading_bonus[n].value() for n in ("本科", "硕士", "博士")}
        qual = {n: self.grading_bonus[n].value() for n in ("助理社会工作师", "社会工作师", "高级社会工作师")}
        standard = replace(
            self.loaded, name=self.name.text().strip(), effective_from=date(qd.year(), qd.month(), qd.day()),
            levels=self.levels.value(), posts=posts, matrix=self._matrix(posts, problems),
            basic_performance=_amount(self.items["basic"].text(), "基础绩效", problems),
            dual_role_allowance=_amount(self.items["dual"].text(), "一肩挑补贴", problems),
            qualification_allowance={n: _amount(self.items[n].text(), f"职业资格津贴（{n}）", problems)
                                     for n in ("助理社会工作师", "社会工作师", "高级社会工作师")},
            appraisal_bonus={g: _amount(self.items["bonus:" + g].text(), f"奖励性绩效（{g}）", problems)
                             for g in APPRAISAL_GRADES},
            employee_rates=rates_ee, employer_rates=rates_er,
            base_min=_amount(self.base_min.text(), "缴费基数下限", problems),
            base_max=_amount(self.base_max.text(), "缴费基数上限", problems),
            monthly_exemption=_amount(self.exemption.text(), "每月减除费用", problems), tax_brackets=tuple(brackets),
            grading=Grading(self.step_years.value(), edu, qual, self.stacking.currentData()),
            bonus_month=self.bonus_month.value())
        if problems:
            raise ValidationError(problems)
        return standard

    def save(self) -> bool:
        try:
            standard = self.build()
            self.service.save(standard)
        except LedgerError as exc:
            messages.warn(self, "保存工资标准", str(exc))
            return False
        messages.inform(self, "保存工资标准", f"已保存“{standard.name}”，自{standard.effective_from:%Y-%m-%d}起执行。"
                                             f"已审批的工资表不受影响；草稿请重新计算。")
        self._load_versions(standard.effective_from)
        return True
