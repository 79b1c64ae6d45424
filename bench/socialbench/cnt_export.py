"""Run with the toolkit's interpreter: write a computed network as the toolkit's CSV edge list.

``python cnt_export.py DB NETWORK_TYPE OUT.csv``. It calls the toolkit's own ``output_gephi_csv``, which is
what ``compute ... --output_format csv`` and ``export_network ... --output_format csv`` mean to call. In
coordination-network-toolkit 1.5.2 both commands fail before writing anything
(``TypeError: output_gephi_csv() got an unexpected keyword argument 'n_messages'``: the command line passes
``n_messages`` to every writer, and only the GraphML writer takes it).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: cnt_export.py DB NETWORK_TYPE OUT.csv", file=sys.stderr)
        return 2
    from coordination_network_toolkit.output import (  # type: ignore[import-not-found,unused-ignore]
        output_gephi_csv,
    )

    database, network, out = argv
    output_gephi_csv(database, network, out)  # self-loops (user_1 == user_2) are left out, as by default
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
