#!/usr/bin/env python3
"""Generates reformsim's Zhejiang jurisdiction table, data/zhejiang/jurisdictions.csv.

One row per jurisdiction: the province, its 11 prefecture-level cities and their 90
county-level divisions (37 districts, 20 county-level cities, 33 counties) as they stood
after Hangzhou's 2021 district changes, which the city's census bulletin already uses.

Populations are resident populations at the Seventh National Population Census
(第七次全国人口普查, zero hour of 1 November 2020):
- The province's and the 11 cities' figures are those of the Zhejiang census bulletin
  (浙江省第七次人口普查主要数据公报, Zhejiang Provincial Bureau of Statistics, May 2021);
  the cities' figures add up to the province's exactly (checked below).
- The county-level figures are [Z1]: shares within each city. The figures in COUNTIES
  below were transcribed from memory of the cities' own census bulletins, rounded (most
  to 10,000), without network access to check them; each city's county figures are
  scaled so that they add up to the city's census total, so every city total is exact
  and only the split inside a city is approximate (the script prints how far each
  city's transcribed sum was from its total: within 10% for every city; Lishui is the farthest, -8.7%).

Python 3 standard library only; deterministic; byte-identical output on every run.

Usage:
    python3 data/zhejiang/generate.py           # write jurisdictions.csv, print the check table
    python3 data/zhejiang/generate.py --check   # verify the committed file is current
"""

import argparse
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "jurisdictions.csv")

PROVINCE = ("Zhejiang", 64_567_588)

# City: census resident population (Zhejiang census bulletin, 2021).
CITIES = [
    ("Hangzhou", 11_936_010),
    ("Ningbo", 9_404_283),
    ("Wenzhou", 9_572_903),
    ("Jiaxing", 5_400_868),
    ("Huzhou", 3_367_579),
    ("Shaoxing", 5_270_977),
    ("Jinhua", 7_050_683),
    ("Quzhou", 2_276_184),
    ("Zhoushan", 1_157_817),
    ("Taizhou", 6_622_888),
    ("Lishui", 2_507_396),
]

# [Z1] County-level divisions, kind (district, city = county-level city, county) and
# approximate census population as transcribed (see the module's docstring).
COUNTIES = {
    "Hangzhou": [
        ("Shangcheng", "district", 1_323_000),
        ("Gongshu", "district", 1_121_000),
        ("Xihu", "district", 1_145_000),
        ("Binjiang", "district", 504_000),
        ("Xiaoshan", "district", 2_011_000),
        ("Yuhang", "district", 1_171_000),
        ("Linping", "district", 1_175_000),
        ("Qiantang", "district", 769_000),
        ("Fuyang", "district", 836_000),
        ("Lin'an", "district", 636_000),
        ("Tonglu", "county", 454_000),
        ("Chun'an", "county", 330_000),
        ("Jiande", "city", 443_000),
    ],
    "Ningbo": [
        ("Haishu", "district", 1_130_000),
        ("Jiangbei", "district", 490_000),
        ("Beilun", "district", 810_000),
        ("Zhenhai", "district", 500_000),
        ("Yinzhou", "district", 1_600_000),
        ("Fenghua", "district", 580_000),
        ("Yuyao", "city", 1_250_000),
        ("Cixi", "city", 1_830_000),
        ("Xiangshan", "county", 560_000),
        ("Ninghai", "county", 700_000),
    ],
    "Wenzhou": [
        ("Lucheng", "district", 1_250_000),
        ("Longwan", "district", 780_000),
        ("Ouhai", "district", 960_000),
        ("Dongtou", "district", 100_000),
        ("Rui'an", "city", 1_520_000),
        ("Yueqing", "city", 1_450_000),
        ("Longgang", "city", 460_000),
        ("Yongjia", "county", 870_000),
        ("Pingyang", "county", 860_000),
        ("Cangnan", "county", 840_000),
        ("Wencheng", "county", 290_000),
        ("Taishun", "county", 270_000),
    ],
    "Jiaxing": [
        ("Nanhu", "district", 620_000),
        ("Xiuzhou", "district", 660_000),
        ("Haining", "city", 1_080_000),
        ("Tongxiang", "city", 1_020_000),
        ("Pinghu", "city", 680_000),
        ("Jiashan", "county", 650_000),
        ("Haiyan", "county", 490_000),
    ],
    "Huzhou": [
        ("Wuxing", "district", 890_000),
        ("Nanxun", "district", 550_000),
        ("Deqing", "county", 550_000),
        ("Changxing", "county", 700_000),
        ("Anji", "county", 590_000),
    ],
    "Shaoxing": [
        ("Yuecheng", "district", 950_000),
        ("Keqiao", "district", 1_100_000),
        ("Shangyu", "district", 840_000),
        ("Zhuji", "city", 1_220_000),
        ("Shengzhou", "city", 680_000),
        ("Xinchang", "county", 430_000),
    ],
    "Jinhua": [
        ("Wucheng", "district", 1_070_000),
        ("Jindong", "district", 500_000),
        ("Lanxi", "city", 580_000),
        ("Yiwu", "city", 1_859_000),
        ("Dongyang", "city", 1_090_000),
        ("Yongkang", "city", 960_000),
        ("Wuyi", "county", 460_000),
        ("Pujiang", "county", 460_000),
        ("Pan'an", "county", 180_000),
    ],
    "Quzhou": [
        ("Kecheng", "district", 530_000),
        ("Qujiang", "district", 360_000),
        ("Jiangshan", "city", 490_000),
        ("Changshan", "county", 260_000),
        ("Kaihua", "county", 250_000),
        ("Longyou", "county", 360_000),
    ],
    "Zhoushan": [
        ("Dinghai", "district", 470_000),
        ("Putuo", "district", 380_000),
        ("Daishan", "county", 220_000),
        ("Shengsi", "county", 70_000),
    ],
    "Taizhou": [
        ("Jiaojiang", "district", 690_000),
        ("Huangyan", "district", 650_000),
        ("Luqiao", "district", 560_000),
        ("Linhai", "city", 1_110_000),
        ("Wenling", "city", 1_420_000),
        ("Yuhuan", "city", 640_000),
        ("Tiantai", "county", 490_000),
        ("Xianju", "county", 410_000),
        ("Sanmen", "county", 440_000),
    ],
    "Lishui": [
        ("Liandu", "district", 550_000),
        ("Longquan", "city", 250_000),
        ("Qingtian", "county", 370_000),
        ("Jinyun", "county", 370_000),
        ("Suichang", "county", 180_000),
        ("Songyang", "county", 200_000),
        ("Yunhe", "county", 120_000),
        ("Qingyuan", "county", 140_000),
        ("Jingning", "county", 110_000),
    ],
}


def scaled(city_total, counties):
    """Each county's transcribed figure scaled to the city's census total, rounded to
    whole people, the rounding remainder given to the largest county, so that the
    counties add up to the city exactly."""
    transcribed = sum(p for _, _, p in counties)
    rows = [(name, kind, round(p * city_total / transcribed)) for name, kind, p in counties]
    remainder = city_total - sum(p for _, _, p in rows)
    largest = max(range(len(rows)), key=lambda i: rows[i][2])
    name, kind, p = rows[largest]
    rows[largest] = (name, kind, p + remainder)
    return transcribed, rows


def table():
    out = io.StringIO()
    out.write("jurisdiction,parent,level,template,population,firms\n")
    out.write(f"{PROVINCE[0]},,Province,,{PROVINCE[1]},\n")
    checks = []
    assert sum(p for _, p in CITIES) == PROVINCE[1], "cities must add up to the province"
    for city, total in CITIES:
        out.write(f"{city},{PROVINCE[0]},City,,{total},\n")
    for city, total in CITIES:
        transcribed, rows = scaled(total, COUNTIES[city])
        checks.append((city, total, transcribed, len(rows)))
        for name, kind, p in rows:
            out.write(f"{name},{city},County,county,{p},\n")
    names = [PROVINCE[0]] + [c for c, _ in CITIES] + [n for c in COUNTIES.values() for n, _, _ in c]
    assert len(names) == len(set(names)), "jurisdiction names must be unique"
    assert sum(n for *_, n in checks) == 90, "Zhejiang has 90 county-level divisions"
    kinds = [k for c in COUNTIES.values() for _, k, _ in c]
    assert (kinds.count("district"), kinds.count("city"), kinds.count("county")) == (37, 20, 33)
    return out.getvalue(), checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text, checks = table()
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("data/zhejiang/jurisdictions.csv is not current: run generate.py")
        return
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    print(f"{'city':<10} {'census':>11} {'transcribed':>12} {'gap':>7} counties")
    for city, total, transcribed, n in checks:
        gap = (transcribed - total) / total * 100
        assert abs(gap) < 10, f"{city}: transcribed county figures {gap:+.1f}% off the census total"
        print(f"{city:<10} {total:>11,} {transcribed:>12,} {gap:>+6.1f}% {n}")


if __name__ == "__main__":
    main()
