#!/usr/bin/env python3
"""Generates reformsim's Shunde 2009 scenario data.

Writes, next to this script:
    documents.csv, staff.csv, services.csv, steps.csv
and, in ../../scenarios/:
    shunde-2009.ron  (Shunde district before its 2009 merger of 41 party and
                      government bodies into 16, with the merger as a reform)

The service catalogue, work times, document rules, staffing rule and overhead rule
are the county ones of ../county/generate.py, imported from there (codes [A1]..[A18]
are explained in ../county/README.md). What is Shunde's is coded [S1]..[S9] and
explained in README.md next to this script: the 41 bodies and the 16 they became,
the population scaling, the 2009-2011 calendar, the workforce and the transition.
Figures from docs/sources.md are cited as "SOURCES: <section>".

Python 3 standard library only; deterministic (no randomness, no clock, no
environment); the output is byte-identical on every run.

Usage:
    python3 data/shunde/generate.py           # write the files, print the check table
    python3 data/shunde/generate.py --check   # verify the committed files are current
    python3 data/shunde/generate.py --quiet   # write without the table
"""

import argparse
import copy
import csv
import datetime
import importlib.util
import io
import os
import sys
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.normpath(os.path.join(HERE, "..", "..", "scenarios"))

sys.dont_write_bytecode = True  # importing the county script must leave no __pycache__ behind
_spec = importlib.util.spec_from_file_location("county_generate", os.path.join(HERE, "..", "county", "generate.py"))
county = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(county)
fmt = county.fmt

# ---------------------------------------------------------------------------
# [S1] The district
# ---------------------------------------------------------------------------
# Shunde district (顺德区), Foshan, Guangdong: about 1.2 million registered
# residents (户籍人口) in 2009; the 2010 census counted about 2.46 million
# residents including migrants. Both figures are from memory of official
# statistics, not from SOURCES.md: check before relying on them. The model scales
# the county catalogue by the registered population (the figure the brief gives),
# which understates migrant and business services [S2].
POPULATION = 1_200_000
SCALE = POPULATION / county.POPULATION

# [S3] Services of the 2017 Zhejiang catalogue that did not exist in 2009 or hardly
# apply to an urbanised river-delta district, with their volume factor.
VOLUME_ADJUST = OrderedDict([
    ("Enterprise cloud adoption subsidy", (0.0, "Zhejiang's 2017 programme; none in Shunde 2009")),
    ("Innovation voucher redemption", (0.0, "innovation vouchers came later (2010s)")),
    ("Veteran information registration", (0.0, "the veterans' register dates from 2018-2019")),
    ("Tree felling permit", (0.1, "a flat, urbanised delta district with little forest")),
    ("Forest land use approval", (0.1, "a flat, urbanised delta district with little forest")),
])

# ---------------------------------------------------------------------------
# [S4] The 41 bodies before September 2009 and the 16 after
# ---------------------------------------------------------------------------
# SOURCES: Department mergers: "Shunde, 2009: 41 party and government bodies merged
# into 16". Press reports of the plan (Xinhua and China News, 16 Sept 2009) add: the
# 16 are the Commission for Discipline Inspection, 5 party work departments and 10
# government departments; Education and Public Security were kept, the other 8
# government bureaus were newly formed (Development Planning and Statistics,
# Economic Promotion, Finance and Taxation, Land, Urban Construction and Water,
# Health and Population and Family Planning, Market and Safety Supervision,
# Environment, Transport and Urban Management, and Human Resources and Social
# Security); government bodies fell from 29 to 10; several party and government
# bodies share offices (合署). The list of the 41 below is a RECONSTRUCTION: the
# bodies a Guangdong district typically had in 2008 (after the 2008 national
# reform: one Human Resources bureau nationally, but Shunde kept Personnel and
# Labour apart until 2009 here by assumption), chosen so that each of the 16 is
# made of bureaus with the functions press reports name. Which government bureau
# shares offices with which party department, and which small bodies (archives,
# letters and visits, establishment office, rural work department) went where, is
# approximate.

# New bodies (the 16): key -> (name, Chinese name, what the reports say)
NEW = OrderedDict([
    ("N_OFFICE", ("District Party and Government Office", "区委办公室（区政府办公室）",
                  "party committee and government offices share one office (reported)")),
    ("N_CDI", ("Discipline Inspection Commission and Government Affairs Supervision and Audit Bureau", "区纪委（区政务监察和审计局）",
               "discipline, supervision and audit together (reported)")),
    ("N_ORG", ("Organisation Department and Establishment Office", "区委组织部（区编办）",
               "with the establishment office (approximate)")),
    ("N_PROP", ("Propaganda Department and Culture, Sports, Radio, Film, Television and Press Bureau", "区委宣传部（区文体广电新闻出版局）",
                "propaganda with the culture and press bureau (reported pattern; name approximate)")),
    ("N_PLA", ("Political and Legal Affairs Commission and Justice Bureau", "区委政法委（区司法局）",
               "political-legal commission with the justice bureau (reported pattern)")),
    ("N_SOC", ("Social Work Department and Civil Affairs, Religion, Foreign and Overseas Chinese Affairs Bureau", "区委社会工作部（区民政宗教和外事侨务局）",
               "civil affairs, united front, religion and overseas Chinese under one roof (reported)")),
    ("N_PLAN", ("Development Planning and Statistics Bureau", "区发展规划和统计局", "newly formed (reported)")),
    ("N_ECON", ("Economic Promotion Bureau", "区经济促进局",
                "newly formed (reported): economy and trade, foreign trade, science, agriculture")),
    ("EDU", ("Education Bureau", "区教育局", "kept (reported)")),
    ("PSB", ("Public Security Bureau", "区公安局", "kept (reported); the fire brigade was part of public security in 2009")),
    ("N_FIN", ("Finance and Taxation Bureau", "区财税局", "newly formed (reported): finance and local tax")),
    ("N_HRS", ("Human Resources and Social Security Bureau", "区人力资源和社会保障局", "newly formed (reported)")),
    ("N_LAND", ("Land, Urban Construction and Water Bureau", "区国土城建和水利局", "newly formed (reported)")),
    ("N_HEA", ("Health and Population and Family Planning Bureau", "区卫生和人口计划生育局", "newly formed (reported)")),
    ("N_MKT", ("Market and Safety Supervision Bureau", "区市场安全监管局",
               "newly formed (reported): commerce and industry, quality, food and drugs, work safety")),
    ("N_ENV", ("Environment, Transport and Urban Management Bureau", "区环境运输和城市管理局", "newly formed (reported)")),
])

# The 41 old bodies: key, name, Chinese name, new body, [(function, what it covers)].
# Functions are the county's [A13 list in ../county/README.md] plus four that the
# 2009 split needs: urban_planning and family_planning (moved there by FUNCTION_MOVES
# below) and two policy functions with no service in the catalogue.
BODIES = [
    # --- party side (10, including two bodies under dual leadership) ---
    ("PCO", "District Party Committee Office", "区委办公室", "N_OFFICE", [
        ("party_secretariat", "party committee secretariat, confidentiality")]),
    ("CDI", "Commission for Discipline Inspection and Supervision Bureau", "区纪委（区监察局）", "N_CDI", [
        ("discipline_and_supervision", "complaints and reports against officials, supervision")]),
    ("ORG", "Organisation Department", "区委组织部", "N_ORG", [
        ("party_organisation", "party membership and grassroots party organisations"),
        ("cadre_management", "cadres and civil-servant registration, personnel files")]),
    ("PROP", "Propaganda Department", "区委宣传部", "N_PROP", [
        ("news_and_ideology", "news, culture policy, civilisation campaigns")]),
    ("UFW", "United Front Work Department", "区委统战部", "N_SOC", [
        ("religious_affairs", "ethnic and religious affairs, religious venues and events")]),
    ("PLA", "Political and Legal Affairs Commission", "区委政法委", "N_PLA", [
        ("political_and_legal_coordination", "coordination of police, courts, procuratorate, justice; stability")]),
    ("RUR", "Rural Work Department", "区委农村工作部", "N_ECON", [
        ("rural_land", "rural collective economy, land contract rights, homesteads (approximate)")]),
    ("BZB", "Establishment Committee Office", "区机构编制委员会办公室", "N_ORG", [
        ("establishment_control", "posts and establishment (编制) of public bodies")]),
    ("ARC", "Archives Bureau", "区档案局", "N_OFFICE", [
        ("archives", "district archives: public archive lookups and certified copies")]),
    ("LV", "Letters and Visits Bureau", "区信访局", "N_OFFICE", [
        ("petitions", "petition reception, registration, routing and replies")]),
    # --- government side (31) ---
    ("GOV", "District Government Office", "区政府办公室", "N_OFFICE", [
        ("government_secretariat", "district government secretariat"),
        ("information_disclosure", "government information disclosure requests"),
        ("government_hotline", "service complaints escalated to a visit")]),
    ("DRB", "Development and Reform Bureau", "区发展和改革局", "N_PLAN", [
        ("investment_projects", "investment project filing, approval and proposals"),
        ("energy_and_prices", "energy-conservation review, prices and price certification")]),
    ("STA", "Statistics Bureau", "区统计局", "N_PLAN", [
        ("statistics", "statistical unit directory, survey approvals")]),
    ("ETB", "Economy and Trade Bureau", "区经济贸易局", "N_ECON", [
        ("industry_and_information", "industrial projects and subsidies, informatisation")]),
    ("FTE", "Foreign Trade and Economic Cooperation Bureau", "区对外贸易经济合作局", "N_ECON", [
        ("commerce_and_trade", "foreign trade, foreign investment, retail filings")]),
    ("SCI", "Science and Technology Bureau", "区科学技术局", "N_ECON", [
        ("science_and_technology", "technology contracts, high-tech firms, research grants")]),
    ("AGR", "Agriculture Bureau", "区农业局", "N_ECON", [
        ("agriculture", "farm inputs, machinery, subsidies, fisheries"),
        ("animal_health", "animal quarantine and epidemic prevention"),
        ("forestry", "the little forestry a delta district has")]),
    ("EDU", "Education Bureau", "区教育局", "EDU", [
        ("education", "enrolment, teachers, student aid, private schools")]),
    ("PSB", "Public Security Bureau", "区公安局", "PSB", [
        ("household_registration", "household registration (户籍) and residence permits"),
        ("identity_and_travel_documents", "resident ID cards, passports and travel permits"),
        ("vehicles_and_drivers", "traffic police vehicle and driver administration"),
        ("public_order", "seals, special trades, large events, certificates"),
        ("fire_safety", "fire design review, acceptance, inspections (public security fire brigade in 2009)")]),
    ("CIV", "Civil Affairs Bureau", "区民政局", "N_SOC", [
        ("marriage_registration", "marriage and divorce registration"),
        ("social_assistance", "minimum living allowance, temporary assistance"),
        ("social_organisations", "registration of social organisations"),
        ("funeral_and_burial", "funeral services and subsidies"),
        ("elderly_and_disability_services", "elderly and disability subsidies"),
        ("veterans_affairs", "veterans' benefits and resettlement (civil affairs until 2018)")]),
    ("JUS", "Justice Bureau", "区司法局", "N_PLA", [
        ("notary_and_legal_aid", "notary office and legal aid centre"),
        ("mediation_and_reconsideration", "people's mediation, administrative reconsideration")]),
    ("FIN", "Finance Bureau", "区财政局", "N_FIN", [
        ("public_finance", "budgets, fiscal bills, state assets of public units"),
        ("government_procurement", "procurement filing and supervision")]),
    ("LTAX", "Local Taxation Bureau", "区地方税务局", "N_FIN", [
        ("tax_collection", "tax registration, declaration, payment, refunds (state-tax work lumped in [S4])"),
        ("invoices", "invoice supply and invoices issued on behalf of taxpayers")]),
    ("PER", "Personnel Bureau", "区人事局", "N_HRS", [
        ("personnel_and_titles", "professional titles, personnel files")]),
    ("LAB", "Labour and Social Security Bureau", "区劳动和社会保障局", "N_HRS", [
        ("social_insurance", "pension, unemployment and work-injury insurance"),
        ("employment", "employment registration, subsidies, training"),
        ("labour_relations", "labour arbitration and labour inspection"),
        ("medical_insurance", "medical insurance (social insurance fund, before 2018)")]),
    ("LAND", "Land Resources Bureau", "区国土资源局", "N_LAND", [
        ("land_and_planning", "land supply, land pre-approval, land-use planning permits"),
        ("real_estate_registration", "land and housing registration (approximate: one registry)")]),
    ("PLB", "Urban Planning Bureau", "区规划局", "N_LAND", [
        ("urban_planning", "site selection, construction planning permits, planning verification")]),
    ("CON", "Construction Bureau", "区建设局", "N_LAND", [
        ("construction_administration", "construction permits, completion filing, contractors"),
        ("housing_market", "sale contract filing, pre-sale, rental, public housing"),
        ("housing_provident_fund", "provident fund office (a city fund branch; placed here by assumption)")]),
    ("WAT", "Water Affairs Bureau", "区水利局", "N_LAND", [
        ("water_administration", "water extraction, soil and water conservation, river works")]),
    ("TRA", "Transport Bureau", "区交通局", "N_ENV", [
        ("road_transport", "road transport operators, vehicles and drivers"),
        ("highways", "highway occupation, excavation and over-limit permits")]),
    ("ENV", "Environmental Protection Bureau", "区环境保护局", "N_ENV", [
        ("environmental_permits", "EIA approval and filing, discharge permits, waste"),
        ("environmental_enforcement", "environmental complaints and inspections")]),
    ("URB", "Urban Management Law Enforcement Bureau", "区城市管理行政执法局", "N_ENV", [
        ("urban_management", "urban management permits and complaints (城管)")]),
    ("HEA", "Health Bureau", "区卫生局", "N_HEA", [
        ("medical_institutions", "licensing of clinics and registration of doctors and nurses"),
        ("public_health", "public-place and drinking-water health licences"),
        ("maternal_and_child_health", "birth certificates")]),
    ("FP", "Population and Family Planning Bureau", "区人口和计划生育局", "N_HEA", [
        ("family_planning", "childbirth service registration, family-planning awards")]),
    ("CUL", "Culture, Radio, Film, Television and Press Bureau", "区文化广电新闻出版局", "N_PROP", [
        ("culture_market", "entertainment, internet cafes, performances, heritage"),
        ("press_publication_and_film", "publication, printing and film licences"),
        ("tourism_and_sports", "travel agencies and high-risk sports venues (approximate)")]),
    ("AUD", "Audit Bureau", "区审计局", "N_CDI", [
        ("public_audit", "audit of public funds, investment projects, outgoing cadres")]),
    ("AIC", "Administration for Industry and Commerce", "区工商行政管理局", "N_MKT", [
        ("business_registration", "registration of firms and individual businesses; food circulation licences"),
        ("consumer_protection", "consumer complaints (12315)")]),
    ("QTS", "Quality and Technical Supervision Bureau", "区质量技术监督局", "N_MKT", [
        ("quality_and_special_equipment", "special equipment, measuring instruments, food production licences")]),
    ("FDA", "Food and Drug Administration", "区食品药品监督管理局", "N_MKT", [
        ("food_and_drug_safety", "drug and medical-device licences, catering licences")]),
    ("SAF", "Work Safety Administration", "区安全生产监督管理局", "N_MKT", [
        ("work_safety", "work-safety supervision, emergency plans, training"),
        ("hazardous_chemicals", "hazardous chemicals and fireworks licences")]),
    ("FAO", "Foreign and Overseas Chinese Affairs Bureau", "区外事侨务局", "N_SOC", [
        ("ethnic_and_overseas_chinese_affairs", "returned overseas Chinese (Shunde is a major 侨乡), ethnic status")]),
]

BODY = {b[0]: b for b in BODIES}
BODY_NAME = {b[0]: b[1] for b in BODIES}
FUNCTION_BODY = defaultdict(list)
for _b in BODIES:
    for _f, _what in _b[4]:
        FUNCTION_BODY[_f].append(_b[0])
MEMBERS = OrderedDict((k, [b[0] for b in BODIES if b[3] == k]) for k in NEW)

# [S4] Steps whose 2009 owner differs from the county function's: (service, the
# county segment's tag or department key in lower case, or None for every segment,
# new function, why).
FUNCTION_MOVES = [
    ("Construction permit for building projects", "nrp", "urban_planning", "construction planning permit by the planning bureau"),
    ("Enterprise investment project: filing to construction permit", "nrp_plan", "urban_planning", "construction planning permit by the planning bureau"),
    ("Completion acceptance and first registration", "nrp_plan", "urban_planning", "planning verification by the planning bureau"),
    ("Rural house construction: homestead then planning permit", "nrp", "urban_planning", "rural planning permit by the planning bureau"),
    ("Government investment project approval", "nrp", "urban_planning", "site-selection opinion by the planning bureau"),
    ("One-child parent award application", None, "family_planning", "family-planning awards by the family-planning bureau"),
    ("Childbirth service registration", None, "family_planning", "childbirth service registration (生育服务登记) by the family-planning bureau"),
    ("Food business licence for retail shops", None, "business_registration", "food circulation licence by industry and commerce (2009 Food Safety Law)"),
    ("Food business licence change and renewal", None, "business_registration", "food circulation licence by industry and commerce (2009 Food Safety Law)"),
    ("Food production licence", None, "quality_and_special_equipment", "food production licence by quality supervision (2009)"),
    ("Small food workshop registration", None, "quality_and_special_equipment", "food workshops under quality supervision (approximate)"),
]

# [S4] Holders of documents: the body that took over the county holder's function,
# except where the 2009 split puts the document elsewhere.
COUNTY_HOLDER = {"PSB": "PSB", "CIV": "CIV", "MSB": "AIC", "NRP": "LAND", "HUD": "CON", "TAX": "LTAX",
                 "HRS": "LAB", "HEA": "HEA", "FIRE": "PSB", "ECO": "ENV", "WAT": "WAT", "DRB": "DRB",
                 "FIN": "FIN", "AGR": "AGR", "TRA": "TRA", "JUS": "JUS", "VET": "CIV", "EMG": "SAF",
                 "EDU": "EDU", "ORG": "ORG"}
DOCUMENT_HOLDER = {"cpp": "PLB", "ssl": "PLB", "pvc": "PLB", "dbl": "FDA", "hst": "RUR", "lcc": "RUR"}

# ---------------------------------------------------------------------------
# [S5] Money: 2022 prices, as in the county
# ---------------------------------------------------------------------------
# SOURCES gives no 2009 Guangdong pay. Every cost uses the county's figures
# (SOURCES: Staff and cost, Zhejiang 2022; [A8], [A11], [A17]), so results are in
# 2022 prices: compare the structures, not nominal 2009 budgets.

# [S6] Overhead of a merged body: one leadership team and general office as for a
# bureau (CNY 1.0M, [A11]), plus CNY 0.5M for each absorbed body beyond the first (a
# deputy head and a division chief, about 2.8 posts at CNY 178,109), plus one shared
# hall and IT: 80% of the absorbed bodies' premises-and-IT parts (fewer halls). In
# Shunde the heads of the 16 were concurrently district leaders (press reports), so
# the leadership team is not larger than this. Assumption; the county's [A12] rule
# (CNY 2.0M + 0.3M a body) would make small mergers dearer than their parts.
MERGED_LEADERSHIP_CNY = 1_000_000.0
MERGED_PER_EXTRA_BODY_CNY = 500_000.0
MERGED_PREMISES_SHARE = 0.8

# ---------------------------------------------------------------------------
# [S7] Calendar: Monday 5 January 2009 to Saturday 31 December 2011
# ---------------------------------------------------------------------------
START_DATE = (2009, 1, 5)
HORIZON_DAYS = (datetime.date(2012, 1, 1) - datetime.date(*START_DATE)).days  # 1,091
WARMUP_DAYS = 28
# Weekday public holidays of the State Council's notices for 2009 (国办发明电〔2008〕
# 12号), 2010 (〔2009〕19号) and 2011 (〔2010〕40号), from memory of the notices; their
# weekend make-up working days are MAKE_UP_DAYS below.
HOLIDAYS = [
    ("2009-01-26", "Spring Festival (24 Jan and 1 Feb were make-up days)"),
    ("2009-01-27", "Spring Festival"),
    ("2009-01-28", "Spring Festival"),
    ("2009-01-29", "Spring Festival"),
    ("2009-01-30", "Spring Festival"),
    ("2009-04-06", "Qingming"),
    ("2009-05-01", "Labour Day"),
    ("2009-05-28", "Dragon Boat Festival (31 May was a make-up day)"),
    ("2009-05-29", "Dragon Boat Festival"),
    ("2009-10-01", "National Day and Mid-Autumn (27 Sep and 10 Oct were make-up days)"),
    ("2009-10-02", "National Day"),
    ("2009-10-05", "National Day"),
    ("2009-10-06", "National Day"),
    ("2009-10-07", "National Day"),
    ("2009-10-08", "National Day and Mid-Autumn"),
    ("2010-01-01", "New Year's Day"),
    ("2010-02-15", "Spring Festival (20 and 21 Feb were make-up days)"),
    ("2010-02-16", "Spring Festival"),
    ("2010-02-17", "Spring Festival"),
    ("2010-02-18", "Spring Festival"),
    ("2010-02-19", "Spring Festival"),
    ("2010-04-05", "Qingming"),
    ("2010-05-03", "Labour Day"),
    ("2010-06-14", "Dragon Boat Festival (12 and 13 Jun were make-up days)"),
    ("2010-06-15", "Dragon Boat Festival"),
    ("2010-06-16", "Dragon Boat Festival"),
    ("2010-09-22", "Mid-Autumn (19 and 25 Sep were make-up days)"),
    ("2010-09-23", "Mid-Autumn"),
    ("2010-09-24", "Mid-Autumn"),
    ("2010-10-01", "National Day (26 Sep and 9 Oct were make-up days)"),
    ("2010-10-04", "National Day"),
    ("2010-10-05", "National Day"),
    ("2010-10-06", "National Day"),
    ("2010-10-07", "National Day"),
    ("2011-01-03", "New Year's Day"),
    ("2011-02-02", "Spring Festival eve (30 Jan and 12 Feb were make-up days)"),
    ("2011-02-03", "Spring Festival"),
    ("2011-02-04", "Spring Festival"),
    ("2011-02-07", "Spring Festival"),
    ("2011-02-08", "Spring Festival"),
    ("2011-04-04", "Qingming (2 Apr was a make-up day)"),
    ("2011-04-05", "Qingming"),
    ("2011-05-02", "Labour Day"),
    ("2011-06-06", "Dragon Boat Festival"),
    ("2011-09-12", "Mid-Autumn"),
    ("2011-10-03", "National Day (8 and 9 Oct were make-up days)"),
    ("2011-10-04", "National Day"),
    ("2011-10-05", "National Day"),
    ("2011-10-06", "National Day"),
    ("2011-10-07", "National Day"),
]

# Weekend make-up working days (调休上班) of the same notices: open as working days.
MAKE_UP_DAYS = [
    ("2009-01-24", "Sat, for the Spring Festival"),
    ("2009-02-01", "Sun, for the Spring Festival"),
    ("2009-05-31", "Sun, for the Dragon Boat Festival"),
    ("2009-09-27", "Sun, for National Day"),
    ("2009-10-10", "Sat, for National Day"),
    ("2010-02-20", "Sat, for the Spring Festival"),
    ("2010-02-21", "Sun, for the Spring Festival"),
    ("2010-06-12", "Sat, for the Dragon Boat Festival"),
    ("2010-06-13", "Sun, for the Dragon Boat Festival"),
    ("2010-09-19", "Sun, for Mid-Autumn"),
    ("2010-09-25", "Sat, for Mid-Autumn"),
    ("2010-09-26", "Sun, for National Day"),
    ("2010-10-09", "Sat, for National Day"),
    ("2011-01-30", "Sun, for the Spring Festival"),
    ("2011-02-12", "Sat, for the Spring Festival"),
    ("2011-04-02", "Sat, for Qingming"),
    ("2011-10-08", "Sat, for National Day"),
    ("2011-10-09", "Sun, for National Day"),
]

# ---------------------------------------------------------------------------
# [S8] Workforce, [S9] the merger and its transition
# ---------------------------------------------------------------------------
RETIREMENT_RATE = 0.03    # [S8] assumption: a 33-year career; SOURCES found no retirement rate
RESIGNATION_RATE = 0.002  # SOURCES: Staff and cost: fewer than 12,000 of 7.167M civil servants resigned in 2015 (0.2%)
MERGER_DATE = "2009-09-16"  # the reform's mobilisation meeting published the plan on 16 Sept 2009 (press reports)
# [S9] Transition, assumptions (no source measures them): work in the new bodies
# takes 15% longer at first, 5% of steps are redone at first, both fading with a
# 120-day time constant (about 60% gone after four months, 95% after a year); the
# plan was to be "basically complete" by the end of October 2009 (press reports),
# but learning new procedures and colleagues takes longer than moving offices.
PRODUCTIVITY_DIP = 0.15
EXTRA_ERROR_PROBABILITY = 0.05
LEARNING_DAYS = 120.0
# [S9] One-off cost: CNY 200,000 for each old body that moves into a merged one
# (moving, signs and seals, forms, IT accounts, training). Assumption.
ONE_OFF_PER_MOVED_BODY_CNY = 200_000.0

# Sanity ranges the check enforces.
UTILISATION_MAX = 0.85


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

def segment_key(seg):
    return seg.tag or seg.dept.lower()


def shunde_catalogue():
    """The county catalogue with Shunde's owners and volumes [S2]-[S4]."""
    moves = {}
    for service, seg_key, function, why in FUNCTION_MOVES:
        moves[(service, seg_key)] = (function, why)
    known = {svc.name for svc in county.CATALOGUE}
    for service, _k, _f, _w in FUNCTION_MOVES:
        if service not in known:
            raise ValueError(f"FUNCTION_MOVES names unknown service {service!r}")
    for service in VOLUME_ADJUST:
        if service not in known:
            raise ValueError(f"VOLUME_ADJUST names unknown service {service!r}")
    out = []
    used_moves = set()
    for svc in county.CATALOGUE:
        factor, why = VOLUME_ADJUST.get(svc.name, (1.0, ""))
        if factor == 0.0:
            continue
        segs = []
        moved = []
        for seg in svc.segs:
            new = copy.copy(seg)
            key = segment_key(seg)
            new.tag = key if len(svc.segs) > 1 else seg.tag
            move = moves.get((svc.name, key)) or moves.get((svc.name, None))
            if move:
                used_moves.add((svc.name, key) if (svc.name, key) in moves else (svc.name, None))
                new.function = move[0]
                moved.append(move[1])
            holders = FUNCTION_BODY.get(new.function, [])
            if len(holders) != 1:
                raise ValueError(f"{svc.name}: function {new.function} held by {holders}")
            new.dept = holders[0]
            segs.append(new)
        volume = svc.volume * SCALE * factor
        volume = float(round(volume, -1)) if volume >= 100 else float(max(1, round(volume)))
        note = f"county volume {svc.volume:,.0f} x {SCALE:.3f} for 1.2M residents [S1][S2]"
        if factor != 1.0:
            note += f" x {factor:g} ({why}) [S3]"
        if moved:
            note += "; " + "; ".join(sorted(set(moved))) + " [S4]"
        note += f"; county note: {svc.note}"
        out.append(county.Svc(svc.name, svc.profile, volume, svc.limit, segs, note, svc.patience))
    unused = set(moves) - used_moves
    if unused:
        raise ValueError(f"FUNCTION_MOVES not applied: {sorted(unused, key=str)}")
    return out


def merged_facts(facts):
    out = OrderedDict()
    for k, members in MEMBERS.items():
        premises = sum(facts[m]["premises"] for m in members)
        overhead = (MERGED_LEADERSHIP_CNY + MERGED_PER_EXTRA_BODY_CNY * (len(members) - 1)
                    + MERGED_PREMISES_SHARE * premises)
        out[k] = {
            "members": members,
            "windows": sum(facts[m]["windows"] for m in members),
            "case_staff": sum(facts[m]["case_staff"] for m in members),
            "sum_overhead": sum(facts[m]["overhead"] for m in members),
            "overhead": overhead if len(members) > 1 else facts[members[0]]["overhead"],
        }
    return out


def holder_of(alias, county_holder):
    key = DOCUMENT_HOLDER.get(alias, COUNTY_HOLDER[county_holder])
    return BODY_NAME[key], BODY[key][2]


def open_hours_per_year():
    days, hours = county.calendar_open_hours(START_DATE, HORIZON_DAYS, HOLIDAYS, MAKE_UP_DAYS)
    return days, hours, hours * 365.0 / HORIZON_DAYS


# ---------------------------------------------------------------------------
# The scenario file
# ---------------------------------------------------------------------------

def shunde_ron(services, staff_text, facts, mfacts):
    days, hours, hours_per_year = open_hours_per_year()
    total_volume = sum(svc.volume for svc, _r, _v in services)
    established = contract = 0
    for line in csv.DictReader(io.StringIO(staff_text)):
        if line["employment"] == "established":
            established += int(line["count"])
        else:
            contract += int(line["count"])
    moved = sum(len(m) for m in MEMBERS.values() if len(m) > 1)
    one_off = ONE_OFF_PER_MOVED_BODY_CNY * moved
    L = []
    a = L.append
    a("// reformsim scenario: Shunde district (顺德区, Foshan, Guangdong), 2009-2011, and its")
    a("// September 2009 merger of 41 party and government bodies into 16 (大部制).")
    a("//")
    a("// GENERATED by data/shunde/generate.py: change the script, not this file, then run")
    a("//     python3 data/shunde/generate.py")
    a("// Numbers cite docs/sources.md (\"SOURCES: <section>\") or are assumptions:")
    a("// [S1]..[S9] in data/shunde/README.md, [A1]..[A18] (the county catalogue, work times,")
    a("// staffing and overhead rules reused here) in data/county/README.md.")
    a("//")
    a(f"// {len(BODIES)} bodies ({len(NEW)} after the merger), {len(services)} service types, {total_volume:,.0f} cases a year,")
    a(f"// {established + contract} case-working staff ({established} established, {contract} contract). Money in 2022 prices [S5].")
    a("Scenario(")
    a('    name: "shunde-2009",')
    a('    description: "Shunde district, about 1.2 million registered residents: 41 party and government bodies merged into 16 on 16 September 2009; three years with the transition.",')
    a("    extends: None,")
    a("    // Monday 5 January 2009 [S7]; three years to Saturday 31 December 2011.")
    a(f'    start_date: "{datetime.date(*START_DATE).isoformat()}",')
    a(f"    horizon_days: {HORIZON_DAYS},")
    a(f"    warmup_days: {WARMUP_DAYS}, // assumption, as in the county [A16]: four weeks fill the back-office queues")
    a("    calendar: Working(")
    a("        // Assumption: the county hall hours of [A16], 7.5 h a day.")
    a("        opening_hours: [" + ", ".join(f'(start: "{s}", end: "{e}")' for s, e in county.OPENING_HOURS) + "],")
    a("        working_days: [Mon, Tue, Wed, Thu, Fri],")
    a("        // [S7] Weekday public holidays and weekend make-up working days (调休上班) of the")
    a("        // State Council notices for 2009, 2010 and 2011: the horizon has")
    a(f"        // {days} open days ({hours:.0f} open hours, {hours_per_year:.0f} a year).")
    a("        holidays: [")
    for d, why in HOLIDAYS:
        a(f'            "{d}", // {why}')
    a("        ],")
    a("        make_up_working_days: [")
    for d, why in MAKE_UP_DAYS:
        a(f'            "{d}", // {why}')
    a("        ],")
    a("    ),")
    a("    applicant: (")
    a(f"        value_of_time_cny_per_hour: {fmt(round(county.VALUE_OF_TIME_CNY_PER_HOUR, 2))}, // the county's figure, 2022 prices [A17][S5]")
    a(f"        travel_hours_per_trip: {fmt(county.TRAVEL_HOURS_PER_TRIP)}, // assumption: round trip to the district hall (806 km2; ten towns) [A17]")
    a(f"        document_hours_per_missing: {fmt(county.DOCUMENT_HOURS_PER_MISSING)}, // assumption [A17]")
    a("    ),")
    a("    // The county's arrival shapes [A16] (relative weights; hour h covers h:00-h+1:00).")
    a("    arrival_profiles: {")
    for name, p in county.PROFILES.items():
        a(f'        // {p["why"]} (assumption)')
        a(f'        "{name}": (')
        a(f'            hour_of_day: {county.ron_floats(p["hour_of_day"])},')
        a(f'            day_of_week: {county.ron_floats(p["day_of_week"])}, // Mon..Sun')
        a(f'            month_of_year: {county.ron_floats(p["month_of_year"])}, // Jan..Dec')
        a("        ),")
    a("    },")
    a("    // Each function is held by exactly one body (see `departments`).")
    a("    functions: [")
    for key, name, zh, new, functions in BODIES:
        a(f"        // {name} ({zh})")
        for f, what in functions:
            a(f'        "{f}", // {what}')
    a("    ],")
    a("    // [S4] The 41 bodies before September 2009 (a reconstruction; see the README).")
    a("    // overhead_cny_per_year [A11]: leadership and general office CNY 1.0M + premises, hall and")
    a("    // IT by size (CNY 0.5M under 10 case staff, 1.5M for 10-39, 3.0M from 40). Windows: one per")
    a("    // window clerk [A7]; clerks are sized by the county's staffing rule.")
    a("    departments: [")
    for key, name, zh, new, functions in BODIES:
        f = facts[key]
        fl = ", ".join(f'"{x}"' for x, _w in functions)
        a(f"        // {zh}: {f['case_staff']} case-working staff, {f['windows']} windows; becomes {NEW[new][1]}")
        a(f'        (name: "{name}", functions: [{fl}],')
        a(f"         overhead_cny_per_year: {fmt(f['overhead'])}, windows: {f['windows']}),")
    a("    ],")
    a("    front_office: PerDepartment,")
    a("    handoff: (")
    a("        // [A10] assumption, as in the county.")
    a(f"        between_departments: (delay_hours: {fmt(county.HANDOFF_BETWEEN[0])}, effort_minutes: {fmt(county.HANDOFF_BETWEEN[1])}),")
    a(f"        within_department: (delay_hours: {fmt(county.HANDOFF_WITHIN[0])}, effort_minutes: {fmt(county.HANDOFF_WITHIN[1])}),")
    a("    ),")
    a("    // Catalogue rows live in CSV files generated by data/shunde/generate.py; each row's")
    a("    // `note` column says where its numbers come from.")
    a("    documents: [],")
    a('    documents_csv: Some("../data/shunde/documents.csv"),')
    a("    staff: [],")
    a('    staff_csv: Some("../data/shunde/staff.csv"),')
    a("    services: [],")
    a('    services_csv: Some((services: "../data/shunde/services.csv", steps: "../data/shunde/steps.csv")),')
    a("    workforce: (")
    a(f"        retirement_rate_per_year: {fmt(RETIREMENT_RATE)}, // [S8] assumption: SOURCES found no retirement rate")
    a(f"        resignation_rate_per_year: {fmt(RESIGNATION_RATE)}, // SOURCES: Staff and cost: 0.2% of civil servants resigned in 2015")
    a("        recruitment: ReplaceLeavers, // [S8] the reform cut bodies, not people (no layoffs)")
    a("    ),")
    a("    reforms: [")
    a(f"        // [S9] The merger, published and carried out from {MERGER_DATE} (SOURCES: Department mergers:")
    a("        // 41 bodies into 16). Staff and windows move with their bodies; Education and Public")
    a("        // Security are kept as they are. Overhead of a merged body [S6]: CNY 1.0M leadership and")
    a("        // office + CNY 0.5M per absorbed body beyond the first + 80% of the absorbed premises and IT.")
    a(f"        // Transition [S9], assumptions: {PRODUCTIVITY_DIP:.0%} slower and {EXTRA_ERROR_PROBABILITY:.0%} of steps redone at first,")
    a(f"        // fading with a {LEARNING_DAYS:.0f}-day time constant; one-off CNY {ONE_OFF_PER_MOVED_BODY_CNY / 1e3:.0f}k for each of the {moved} bodies that move.")
    a(f'        Reform(start: "{MERGER_DATE}", lever: Merger(')
    a("            merge: [")
    before = after = 0.0
    for k, s in mfacts.items():
        before += s["sum_overhead"]
        after += s["overhead"]
        if len(s["members"]) < 2:
            continue
        name, zh, what = NEW[k]
        a(f"                // {zh}: {what}; {len(s['members'])} bodies, {s['case_staff']} case-working staff;"
          f" overhead was CNY {s['sum_overhead'] / 1e6:.1f}M")
        a(f'                (into: "{name}", from: [')
        for m in s["members"]:
            a(f'                    "{BODY_NAME[m]}", // {BODY[m][2]}, {facts[m]["windows"]} windows')
        a("                 ],")
        a(f"                 overhead_cny_per_year: {fmt(s['overhead'])}, windows: {s['windows']}),")
    a("            ],")
    a(f"            productivity_dip: {fmt(PRODUCTIVITY_DIP)},")
    a(f"            extra_error_probability: {fmt(EXTRA_ERROR_PROBABILITY)},")
    a(f"            learning_days: {fmt(LEARNING_DAYS)},")
    a(f"            one_off_cost_cny: {fmt(one_off)},")
    a("        )),")
    a(f"        // Overhead in all: CNY {before / 1e6:.1f}M a year as 41 bodies, CNY {after / 1e6:.1f}M as 16.")
    a("    ],")
    a(")")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def check(services, hours, staff, facts, mfacts, steps_text, out):
    errors = []
    err = errors.append
    if len(BODIES) != 41:
        err(f"{len(BODIES)} bodies before the merger; Shunde had 41 (SOURCES: Department mergers)")
    if len(NEW) != 16:
        err(f"{len(NEW)} bodies after the merger; Shunde had 16")
    if len({b[0] for b in BODIES}) != len(BODIES) or len({b[1] for b in BODIES}) != len(BODIES):
        err("body keys or names are not unique")
    for b in BODIES:
        if b[3] not in NEW:
            err(f"{b[0]} joins unknown body {b[3]}")
    for k, members in MEMBERS.items():
        if not members:
            err(f"new body {k} has no members")
        if len(members) == 1 and members[0] != k:
            err(f"{k}: a body kept as it is must keep its key")
    kept = {BODY_NAME[m[0]] for m in MEMBERS.values() if len(m) == 1}
    formed = [NEW[k][0] for k, m in MEMBERS.items() if len(m) > 1]
    if len(set(formed) | kept) != 16 or set(formed) & set(BODY_NAME.values()):
        err("the 16 bodies after the merger must have distinct names, not those of the old bodies")
    for f, holders in FUNCTION_BODY.items():
        if len(holders) != 1:
            err(f"function {f} is held by {holders}")
    for svc, recs, _v in services:
        for r in recs:
            if FUNCTION_BODY.get(r.function, [None])[0] != r.dept:
                err(f"{svc.name}/{r.name}: function {r.function} is not held by {r.dept}")
    # Read steps back as the loader does.
    rows = list(csv.DictReader(io.StringIO(steps_text)))
    chain = {svc.name for svc, recs, _v in services if len(svc.segs) > 1}
    seen = defaultdict(list)
    for row in rows:
        s, step = row["service"], row["step"]
        earlier = seen[s]
        if step in earlier:
            err(f"{s}: repeated step {step}")
        after = row["after"]
        if (after == "start") != (not earlier):
            err(f"{s}/{step}: `start` must mark exactly the first step")
        for col in ("after", "after_when_revised"):
            for a_ in filter(None, row[col].split(";")):
                if a_ != "start" and a_ not in earlier:
                    err(f"{s}/{step}: {col} {a_!r} is not an earlier step")
        if row["after_when_revised"] and s not in chain:
            err(f"{s}/{step}: after_when_revised on a single-department service")
        if row["personal"] == "true" and row["in_person"] != "true":
            err(f"{s}/{step}: personal on a step the applicant does not attend")
        if row["send_back_to"] and row["send_back_to"] not in earlier:
            err(f"{s}/{step}: send_back_to is not an earlier step")
        earlier.append(step)
    # Staff and utilisation against the calendar's open hours per year.
    _days, _hours, per_year = open_hours_per_year()
    table = []
    for key, count in staff.items():
        u = hours[key] / (count * per_year)
        u_rule = hours[key] / (count * county.HOURS_PER_STAFF_YEAR)
        if u > UTILISATION_MAX:
            err(f"{key}: utilisation {u:.2f} above {UTILISATION_MAX}")
        table.append((key, hours[key], count, u_rule, u))
    for key in hours:
        if staff.get(key, 0) < 1:
            err(f"{key} has steps but no staff")
    for key, f in facts.items():
        if f["windows"] != staff.get((key, "window_clerk"), 0):
            err(f"{key}: windows differ from window clerks")
    for k, s in mfacts.items():
        if len(s["members"]) > 1 and not s["overhead"] < s["sum_overhead"]:
            err(f"{k}: merged overhead not below the sum of its parts")
    if out:
        p = lambda *x: print(*x, file=out)
        p(f"{'body':<62} {'role':<13} {'hours':>8} {'staff':>5} {'util':>5} {'u_cal':>5}")
        for (d, role), h, count, u_rule, u in table:
            p(f"{BODY_NAME[d]:<62} {role:<13} {h:>8.0f} {count:>5} {u_rule:>5.2f} {u:>5.2f}")
        p("")
        p(f"util: work hours / (staff x 1,875 h) [A7]; u_cal: / (staff x {per_year:.0f} open hours a year in 2009-2011) [S7]")
        p(f"{'body after the merger':<62} {'bodies':>6} {'staff':>5} {'windows':>7} {'overhead before':>15} {'after':>6}")
        for k, s in mfacts.items():
            name = NEW[k][0]
            p(f"{name[:62]:<62} {len(s['members']):>6} {s['case_staff']:>5} {s['windows']:>7} "
              f"{s['sum_overhead'] / 1e6:>14.1f}M {s['overhead'] / 1e6:>5.1f}M")
        total = sum(svc.volume for svc, _r, _v in services)
        est = sum(staff.values())
        p(f"bodies: {len(BODIES)} -> {len(NEW)}   services: {len(services)}   cases a year: {total:,.0f}   "
          f"case-working staff: {est}   windows: {sum(f['windows'] for f in facts.values())}")
        p(f"overhead CNY {sum(f['overhead'] for f in facts.values()) / 1e6:.1f}M a year -> "
          f"CNY {sum(s['overhead'] for s in mfacts.values()) / 1e6:.1f}M")
        idle = [BODY_NAME[k] for k, f in facts.items() if f["case_staff"] == 0]
        p("bodies with no service in the catalogue (policy work only): " + ", ".join(idle))
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ from the generated ones")
    parser.add_argument("--quiet", action="store_true", help="do not print the check table")
    args = parser.parse_args()

    catalogue = shunde_catalogue()
    services, hours, staff, _step_count, _rework, _reviewer_inspects = county.build(catalogue, BODIES, BODY_NAME)
    facts = county.department_facts(staff, BODIES)
    mfacts = merged_facts(facts)
    steps_text = county.steps_csv(services)
    staff_text = county.staff_csv(staff, hours, BODY_NAME)
    files = OrderedDict([
        (os.path.join(HERE, "documents.csv"), county.documents_csv(services, holder_of)),
        (os.path.join(HERE, "staff.csv"), staff_text),
        (os.path.join(HERE, "services.csv"), county.services_csv(services, BODY_NAME)),
        (os.path.join(HERE, "steps.csv"), steps_text),
        (os.path.join(SCENARIOS, "shunde-2009.ron"), shunde_ron(services, staff_text, facts, mfacts)),
    ])
    errors = check(services, hours, staff, facts, mfacts, steps_text, None if args.quiet or args.check else sys.stdout)
    if errors:
        for e in errors:
            print("ERROR: " + e, file=sys.stderr)
        return 1
    if args.check:
        stale = []
        for path, text in files.items():
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        for path in stale:
            print(f"stale: {os.path.relpath(path)} (run python3 data/shunde/generate.py)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
