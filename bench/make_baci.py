"""Write a SYNTHETIC BACI-format file (``t,i,j,k,v,q``) of N rows, for timing the import.

The figures are made up; only the codes are real: exporters and importers are M49 codes of
real countries (pycountry's, as ``trade.statistics.countries`` reads them) and products are
HS6-shaped codes over the real chapters. The file goes to /tmp (never ``fixtures/`` or a
release) and its name says it is synthetic::

    .venv/bin/python bench/make_baci.py 100000
    # -> /tmp/BACI_HS17_Y2023_V000000-synthetic-100000.csv
"""

import argparse
import random
from pathlib import Path

import pycountry

CHAPTERS = [c for c in range(1, 98) if c != 77]  # chapter 77 is reserved in the HS


def codes(products: int, rng: random.Random) -> list[str]:
    found = set()
    while len(found) < products:
        chapter = rng.choice(CHAPTERS)
        found.add(f"{chapter:02d}{rng.randint(1, 30):02d}{rng.choice((10, 11, 19, 20, 90)):02d}")
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--products", type=int, default=1500, help="Distinct HS6 codes.")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--out", default="", help="Default: /tmp/BACI_HS17_…-synthetic-N.csv")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    countries = sorted(int(c.numeric) for c in pycountry.countries)
    products = codes(args.products, rng)
    out = Path(args.out or f"/tmp/BACI_HS17_Y2023_V000000-synthetic-{args.rows}.csv")
    if "synthetic" not in out.name or str(out.resolve()).startswith(str(Path.cwd() / "fixtures")):
        raise SystemExit("A synthetic file is named so and stays out of fixtures/.")
    seen = set()
    with out.open("w") as handle:
        handle.write("t,i,j,k,v,q\n")
        while len(seen) < args.rows:
            i, j = rng.sample(countries, 2)
            k = rng.choice(products)
            if (i, j, k) in seen:
                continue
            seen.add((i, j, k))
            value = f"{rng.uniform(0.001, 90000):.3f}"
            tons = "NA" if rng.random() < 0.1 else f"{rng.uniform(0.001, 50000):.3f}"
            handle.write(f"2023,{i},{j},{k.lstrip('0') or '0'},{value},{tons}\n")
    print(out)


if __name__ == "__main__":
    main()
