"""demo: load deterministic demo ledgers into an empty database."""
from __future__ import annotations

import sys

from ledger.demo import SCALES, load_demo
from ledger.progress import Progress


def register(sub) -> None:
    p = sub.add_parser("demo", help="加载演示数据（只能加载到空数据库）")
    p.add_argument("--scale", choices=tuple(SCALES), default="street",
                   help="规模：street 一个街道（约300名社区工作者），district 一个区，city 一个市（1万名社区工作者、约10万条经费）")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args, ledger) -> int:
    def show(done: int, total: int, message: str) -> None:
        print(f"\r[{done}/{total}] {message}      ", end="", file=sys.stderr, flush=True)

    counts = load_demo(ledger, args.scale, progress=Progress(show))
    print(file=sys.stderr)
    print("已加载演示数据：" + "，".join(f"{k}{v:,}" for k, v in counts.items()))
    return 0
