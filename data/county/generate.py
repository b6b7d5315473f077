#!/usr/bin/env python3
"""Generates reformsim's shipped county scenario data.

Writes, next to this script:
    documents.csv, staff.csv, services.csv, steps.csv
and, in ../../scenarios/:
    small-department.ron  (the county baseline, 小部制)
    super-department.ron  (the same county regrouped into five departments, 大部制)

Every number below carries its source (an entry of docs/sources.md, cited
as "SOURCES: ...") or says that it is an assumption; the assumption codes [A1]..[A19]
are explained in README.md next to this script. A short version of each note is
copied into the `note` column of the CSV rows.

Python 3 standard library only; deterministic (no randomness, no clock, no
environment); the output is byte-identical on every run.

Usage:
    python3 data/county/generate.py           # write the files, print the check table
    python3 data/county/generate.py --check   # verify the committed files are current
    python3 data/county/generate.py --quiet   # write without the table
"""

import argparse
import csv
import io
import math
import os
import sys
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.normpath(os.path.join(HERE, "..", "..", "scenarios"))

# ---------------------------------------------------------------------------
# Global parameters
# ---------------------------------------------------------------------------

# [A1] The county: about 550,000 residents and some 60,000 market entities (firms
# and individual businesses). Assumption: a mid-sized Zhejiang county; volumes
# below are sized to it.
POPULATION = 550_000

# Established civil servant, yearly cost per head: average pay in public
# administration, Zhejiang, 2022 (SOURCES: "Staff and cost"). Pay only; employer
# pension and housing contributions are not included (they would raise it).
COST_ESTABLISHED_CNY = 178109.0

# [A8] Contract staff (编外人员) at windows, yearly cost per head: assumption,
# about CNY 5,500 a month plus employer social insurance; roughly 62% of the
# Zhejiang all-sector average pay of CNY 128,825 (SOURCES: "Staff and cost", 2022).
COST_CONTRACT_CNY = 80000.0

# [A9] Share of each department's window clerks on contract: assumption (the seed
# text says county halls added "a large number of contract staff"; SOURCES notes the
# growth of people paid from public budgets came mostly from contract staff at
# county level). Rounded half up; at least one window clerk stays established.
CONTRACT_SHARE_OF_WINDOW_CLERKS = 0.4

# [A7] Productive hours a member of staff has for case work in a year: 7.5 opening
# hours a day x about 250 working days (2017 had 249 official working days, five of
# them make-up weekend days) = 1,875 h.
HOURS_PER_STAFF_YEAR = 7.5 * 250.0

# [A7] Target utilisation for sizing: 0.75 keeps every queue stable with room for
# the month, weekday and hour peaks of the arrival profiles (peak factors about
# 1.1 x 1.1 x 1.2 over the mean).
TARGET_UTILISATION = 0.75

# [A7] Minimum headcount per (department, role) a step uses; departments with any
# window step keep at least two window clerks (one window must stay open during
# breaks and leave).
MIN_STAFF = 1
MIN_WINDOW_CLERKS = 2

# [A10] Handoff costs (also written into the scenario). Between departments: the
# applicant carries the result to the next department's hall or the file waits in
# the next department's in-tray: two working days (16 working hours) of delay, and
# 20 minutes of the receiving side's time to re-check what the previous department
# already checked. Within a department: one hour, five minutes. Assumptions.
HANDOFF_BETWEEN = (16.0, 20.0)   # (delay_hours, effort_minutes)
HANDOFF_WITHIN = (1.0, 5.0)

# Sanity ranges the check enforces (from the issue text).
UTILISATION_RANGE = (0.40, 0.85)
TOTAL_VOLUME_RANGE = (300_000, 900_000)
MISSING_RANGE = (0.05, 0.20)
SEND_BACK_RANGE = (0.03, 0.10)

# [A11] Department overheads (leadership posts beyond case work, general office,
# premises and halls, IT, vehicles): a fixed leadership-and-office part plus a
# premises-and-IT part by size (number of case-working staff). Assumptions:
#   leadership and general office: CNY 1.0M (head + 2-3 deputies + a small general
#     office, about 5-6 posts at CNY 178,109);
#   premises, hall space and IT: CNY 0.5M (< 10 case staff), 1.5M (10-39), 3.0M (>= 40).
# Totals 1.5M / 2.5M / 4.0M a year, the range the issue asks for.
OVERHEAD_LEADERSHIP_CNY = 1_000_000.0
OVERHEAD_PREMISES_TIERS = [(10, 500_000.0), (40, 1_500_000.0), (10**9, 3_000_000.0)]

# [A12] A super-department keeps one leadership team and one general office
# (larger than a bureau's: a head, about six deputies, one general office: CNY
# 2.0M), a division (处/科) with its chief for each body it absorbs (CNY 0.3M each:
# about 1.7 posts at CNY 178,109), and one shared hall and IT platform: 80% of the
# premises-and-IT parts of the bodies it absorbs (sharing saves a fifth). Assumption.
SUPER_LEADERSHIP_CNY = 2_000_000.0
SUPER_DIVISION_CNY = 300_000.0
SUPER_PREMISES_SHARE = 0.8

# [A19] Post rules: the county's overheads follow from the leadership posts, office
# and hall space, and IT each department has (scenario field `posts`); the typed-in
# figures of [A11] and [A12] remain only for data/shunde/generate.py, which imports
# them. Figures chosen so that the 36 bureaus cost about what [A11] gives them:
#   posts: a head, three deputies (the upper end of [A11]'s 2-3) and a head per
#     division (处/科); a bureau as written is one division. All paid the average
#     pay in public administration, Zhejiang 2022, CNY 178,109 (SOURCES: Staff and
#     cost), as in [A11]: leaders earn more, so this understates their cost;
#   office space: CNY 27,000 per member of staff or post holder a year (about 18 m2 at
#     CNY 1,500 per m2 and year, a county-town office rent). Assumption;
#   hall space: CNY 40,000 per service window a year (about 25 m2 of counter and
#     waiting area, with its equipment). Assumption;
#   IT: CNY 300,000 per department a year (its own systems, network, terminals and
#     maintenance). Assumption;
#   surplus posts after a merger leave at 7% a year and are not replaced: leaders'
#     ages spread over the last 15 years before retirement at 60 (1/15 a year) plus
#     resignations of 0.2% (SOURCES: Staff and cost). Assumption.
POST_HEADS_PER_DEPARTMENT = 1
POST_DEPUTIES_PER_DEPARTMENT = 3
POST_HEADS_PER_DIVISION = 1
POST_PAY_CNY = 178_109.0
OFFICE_CNY_PER_STAFF = 27_000.0
OFFICE_CNY_PER_WINDOW = 40_000.0
IT_CNY_PER_DEPARTMENT = 300_000.0
SURPLUS_EXIT_RATE = 0.07


def posts_quota(divisions):
    """Leadership posts the rules [A19] give a department with `divisions` divisions."""
    return POST_HEADS_PER_DEPARTMENT + POST_DEPUTIES_PER_DEPARTMENT + POST_HEADS_PER_DIVISION * divisions


def rule_overhead(case_staff, windows, posts, it_platforms):
    """A department's overhead under the post rules [A19], CNY a year."""
    return (posts * POST_PAY_CNY + (case_staff + posts) * OFFICE_CNY_PER_STAFF
            + windows * OFFICE_CNY_PER_WINDOW + it_platforms * IT_CNY_PER_DEPARTMENT)

# ---------------------------------------------------------------------------
# Departments (小部制): 36 county party and government bodies with their functions
# ---------------------------------------------------------------------------
# Names follow the county structure listed in the issue (post-2018 names such as
# Medical Security or Veterans Affairs are used for the 2017 baseline too).
# `group` is the super-department the body joins in super-department.ron [A13]:
#   ECON  Economic Work Department (经济工作部): economic regulation
#   SOC   Social Services Department (社会服务部): social management + public services
#   MKT   Market Governance Department (市场治理部): market, environment, safety regulation
#   PARTY Party Affairs Department (党务工作部): the party committee's bodies
#   COORD Comprehensive Coordination Department (综合协调部): government office, oversight

SUPER = OrderedDict([
    ("ECON", ("Economic Work Department", "经济工作部")),
    ("SOC", ("Social Services Department", "社会服务部")),
    ("MKT", ("Market Governance Department", "市场治理部")),
    ("PARTY", ("Party Affairs Department", "党务工作部")),
    ("COORD", ("Comprehensive Coordination Department", "综合协调部")),
])

# key, name, Chinese name, super group, [(function, what it covers)]
DEPARTMENTS = [
    ("PCO", "Party Committee General Office", "县委办公室", "PARTY", [
        ("party_secretariat", "party committee secretariat, confidentiality"),
        ("archives", "county archives (档案馆): public archive lookups and certified copies"),
    ]),
    ("ORG", "Organisation Department", "县委组织部", "PARTY", [
        ("party_organisation", "party membership and grassroots party organisations"),
        ("cadre_management", "cadres and civil-servant registration, personnel files"),
    ]),
    ("PROP", "Propaganda Department", "县委宣传部", "PARTY", [
        ("press_publication_and_film", "publication, printing and film licences (moved here in 2018)"),
        ("news_and_ideology", "news, culture policy, civilisation campaigns"),
    ]),
    ("UFW", "United Front Work Department", "县委统战部", "PARTY", [
        ("religious_affairs", "religious venues and events (moved here in 2018)"),
        ("ethnic_and_overseas_chinese_affairs", "ethnic affairs, returned overseas Chinese"),
    ]),
    ("CDI", "Commission for Discipline Inspection", "县纪委监委", "PARTY", [
        ("discipline_and_supervision", "complaints and reports against officials, supervision"),
    ]),
    ("GOV", "Government General Office", "县政府办公室", "COORD", [
        ("government_secretariat", "county government secretariat"),
        ("information_disclosure", "government information disclosure requests"),
        ("government_hotline", "12345 hotline: service complaints escalated to a visit"),
    ]),
    ("LV", "Letters and Visits Bureau", "信访局", "COORD", [
        ("petitions", "petition reception, registration, routing and replies"),
    ]),
    ("AUD", "Audit Bureau", "审计局", "COORD", [
        ("public_audit", "audit of public funds, investment projects, outgoing cadres"),
    ]),
    ("DRB", "Development and Reform Bureau", "发展和改革局", "ECON", [
        ("investment_projects", "investment project filing, approval and proposals"),
        ("energy_and_prices", "energy-conservation review, prices"),
    ]),
    ("EIT", "Economy and Information Technology Bureau", "经济和信息化局", "ECON", [
        ("industry_and_information", "industrial projects and subsidies, informatisation"),
    ]),
    ("SCI", "Science and Technology Bureau", "科学技术局", "ECON", [
        ("science_and_technology", "technology contracts, high-tech firms, research grants"),
    ]),
    ("FIN", "Finance Bureau", "财政局", "ECON", [
        ("public_finance", "budgets, fiscal bills, state assets of public units"),
        ("government_procurement", "procurement filing and supervision"),
    ]),
    ("NRP", "Natural Resources and Planning Bureau", "自然资源和规划局", "ECON", [
        ("land_and_planning", "land supply, site selection, planning permits"),
        ("real_estate_registration", "real estate registration centre (不动产登记中心)"),
    ]),
    ("HUD", "Housing and Urban-Rural Development Bureau", "住房和城乡建设局", "ECON", [
        ("construction_administration", "construction permits, completion filing, contractors"),
        ("housing_market", "sale contract filing, pre-sale, rental, public housing"),
    ]),
    ("TRA", "Transport Bureau", "交通运输局", "ECON", [
        ("road_transport", "road transport operators, vehicles and drivers"),
        ("highways", "highway occupation, excavation and over-limit permits"),
    ]),
    ("WAT", "Water Resources Bureau", "水利局", "ECON", [
        ("water_administration", "water extraction, soil and water conservation, river works"),
    ]),
    ("AGR", "Agriculture and Rural Affairs Bureau", "农业农村局", "ECON", [
        ("agriculture", "farm inputs, machinery, subsidies, fisheries"),
        ("rural_land", "rural homesteads and land contract rights"),
        ("animal_health", "animal quarantine and epidemic prevention"),
    ]),
    ("FOR", "Forestry Bureau", "林业局", "ECON", [
        ("forestry", "tree felling, forest land use, plant quarantine, wildlife"),
    ]),
    ("COM", "Commerce Bureau", "商务局", "ECON", [
        ("commerce_and_trade", "foreign trade, foreign investment, retail filings"),
    ]),
    ("STA", "Statistics Bureau", "统计局", "ECON", [
        ("statistics", "statistical unit directory, survey approvals"),
    ]),
    ("TAX", "Taxation Bureau", "税务局", "ECON", [
        ("tax_collection", "tax registration, declaration, payment, refunds"),
        ("invoices", "invoice supply and invoices issued on behalf of taxpayers"),
    ]),
    ("EDU", "Education Bureau", "教育局", "SOC", [
        ("education", "enrolment, teachers, student aid, private schools"),
    ]),
    ("PSB", "Public Security Bureau", "公安局", "SOC", [
        ("household_registration", "household registration (户籍) and residence permits"),
        ("identity_and_travel_documents", "resident ID cards, passports and travel permits"),
        ("vehicles_and_drivers", "traffic police vehicle and driver administration"),
        ("public_order", "seals, special trades, large events, certificates"),
    ]),
    ("CIV", "Civil Affairs Bureau", "民政局", "SOC", [
        ("marriage_registration", "marriage and divorce registration"),
        ("social_assistance", "minimum living allowance, temporary assistance"),
        ("social_organisations", "registration of social organisations"),
        ("funeral_and_burial", "funeral services and subsidies"),
        ("elderly_and_disability_services", "elderly and disability subsidies"),
    ]),
    ("JUS", "Justice Bureau", "司法局", "SOC", [
        ("notary_and_legal_aid", "notary office and legal aid centre"),
        ("mediation_and_reconsideration", "people's mediation, administrative reconsideration"),
    ]),
    ("HRS", "Human Resources and Social Security Bureau", "人力资源和社会保障局", "SOC", [
        ("social_insurance", "pension, unemployment and work-injury insurance"),
        ("employment", "employment registration, subsidies, training"),
        ("labour_relations", "labour arbitration and labour inspection"),
        ("personnel_and_titles", "professional titles, personnel files"),
    ]),
    ("CTS", "Culture and Tourism Bureau", "文化和广电旅游体育局", "SOC", [
        ("culture_market", "entertainment, internet cafes, performances, heritage"),
        ("tourism_and_sports", "travel agencies, high-risk sports venues"),
    ]),
    ("HEA", "Health Commission", "卫生健康局", "SOC", [
        ("medical_institutions", "licensing of clinics and registration of doctors and nurses"),
        ("public_health", "public-place and drinking-water health licences"),
        ("maternal_and_child_health", "birth registration, birth certificates, family planning awards"),
    ]),
    ("VET", "Veterans Affairs Bureau", "退役军人事务局", "SOC", [
        ("veterans_affairs", "veteran registration, benefits, resettlement"),
    ]),
    ("MED", "Medical Security Bureau", "医疗保障局", "SOC", [
        ("medical_insurance", "medical insurance enrolment, reimbursement, designated providers"),
    ]),
    ("HPF", "Housing Provident Fund Centre", "住房公积金管理中心", "SOC", [
        ("housing_provident_fund", "provident fund accounts, withdrawals and loans"),
    ]),
    ("MSB", "Market Supervision Bureau", "市场监督管理局", "MKT", [
        ("business_registration", "registration of enterprises and individual businesses"),
        ("food_and_drug_safety", "food, drug and medical-device licences"),
        ("quality_and_special_equipment", "special equipment, measuring instruments, pledges"),
        ("consumer_protection", "consumer complaints (12315)"),
    ]),
    ("ECO", "Ecology and Environment Bureau", "生态环境分局", "MKT", [
        ("environmental_permits", "EIA approval and filing, discharge permits, waste"),
        ("environmental_enforcement", "environmental complaints and inspections"),
    ]),
    ("EMG", "Emergency Management Bureau", "应急管理局", "MKT", [
        ("work_safety", "work-safety supervision, emergency plans, training"),
        ("hazardous_chemicals", "hazardous chemicals and fireworks licences"),
    ]),
    ("FIRE", "Fire and Rescue Brigade", "消防救援大队", "MKT", [
        ("fire_safety", "fire design review, acceptance, pre-opening inspections"),
    ]),
    ("LAW", "Comprehensive Administrative Law Enforcement Bureau", "综合行政执法局", "MKT", [
        ("urban_management", "urban management permits and complaints (城管)"),
    ]),
]

DEPT = {d[0]: d for d in DEPARTMENTS}
DEPT_NAME = {d[0]: d[1] for d in DEPARTMENTS}
FUNCTION_DEPT = {}
for _key, _name, _zh, _group, _functions in DEPARTMENTS:
    for _f, _what in _functions:
        FUNCTION_DEPT.setdefault(_f, []).append(_key)

# ---------------------------------------------------------------------------
# Documents applicants carry (only government-issued ones; the department that
# issues or holds the record is the one data sharing would fetch it from)
# ---------------------------------------------------------------------------
# [A4] Applicant-made materials (application forms, photos, leases, contracts) are
# not modelled as documents: checking them is part of the intake time and their
# errors are part of the send-back probability.
# [A5] fetch_days: calendar days an applicant needs to come back with a missing
# document: 1 for papers kept at home, 2-3 for a certificate from another office,
# 5 for a prior approval that must be corrected. Assumption. A service's
# document_fetch_days is the largest over its documents.

# alias: (document name, holder, fetch_days, note)
DOCUMENTS = {
    "id": ("id_card", "PSB", 1.0, "resident ID card; kept at home"),
    "hh": ("household_register", "PSB", 1.0, "household register booklet (户口簿); kept at home"),
    "rp": ("residence_permit", "PSB", 1.0, "residence permit of a migrant; kept at home"),
    "dl": ("driving_licence", "PSB", 1.0, "driving licence; kept at home"),
    "vrc": ("vehicle_registration_certificate", "PSB", 1.0, "vehicle registration certificate; kept at home"),
    "hdr": ("household_deregistration_certificate", "PSB", 2.0, "proof a deceased person's registration was cancelled"),
    "mar": ("marriage_certificate", "CIV", 1.0, "marriage certificate or marital-status record; kept at home"),
    "crem": ("cremation_certificate", "CIV", 2.0, "from the funeral home run by Civil Affairs"),
    "low": ("low_income_certificate", "CIV", 2.0, "minimum-living-allowance certificate"),
    "bl": ("business_licence", "MSB", 1.0, "business licence of the applicant firm"),
    "dbl": ("drug_business_licence", "MSB", 3.0, "drug business licence"),
    "re": ("real_estate_certificate", "NRP", 1.0, "real estate title certificate (premises or home)"),
    "lup": ("land_use_planning_permit", "NRP", 5.0, "construction land planning permit"),
    "cpp": ("construction_planning_permit", "NRP", 5.0, "construction project planning permit"),
    "ssl": ("site_selection_opinion", "NRP", 5.0, "planning site-selection opinion"),
    "pvc": ("planning_verification_certificate", "NRP", 5.0, "planning verification at completion"),
    "hsc": ("housing_sale_contract_filing", "HUD", 2.0, "filed housing sale contract"),
    "cp": ("construction_permit", "HUD", 3.0, "construction permit"),
    "caf": ("completion_acceptance_filing", "HUD", 3.0, "completion acceptance filing record"),
    "tpc": ("tax_payment_certificate", "TAX", 2.0, "tax payment certificate (完税证明)"),
    "tcc": ("tax_clearance_certificate", "TAX", 3.0, "tax clearance for deregistration"),
    "vpt": ("vehicle_purchase_tax_certificate", "TAX", 1.0, "vehicle purchase tax certificate"),
    "ssc": ("social_security_card", "HRS", 1.0, "social security card (also the medical insurance card); kept at home"),
    "sir": ("social_insurance_record", "HRS", 2.0, "social insurance contribution record"),
    "ret": ("retirement_approval", "HRS", 2.0, "retirement and pension approval"),
    "minv": ("medical_invoice", "HEA", 2.0, "hospital invoice and expense list (public hospitals are Health Commission institutions)"),
    "mrec": ("medical_record", "HEA", 2.0, "diagnosis and medical record from a public hospital"),
    "bmc": ("birth_medical_certificate", "HEA", 2.0, "birth medical certificate (出生医学证明)"),
    "dmc": ("death_medical_certificate", "HEA", 2.0, "medical certificate of death"),
    "hc": ("health_certificate", "HEA", 5.0, "food-worker health certificate; needs a medical check"),
    "mcc": ("medical_check_certificate", "HEA", 2.0, "driver medical check from a hospital"),
    "phl": ("public_place_health_licence", "HEA", 3.0, "public-place health licence"),
    "mil": ("medical_institution_licence", "HEA", 3.0, "medical institution practice licence"),
    "fic": ("fire_inspection_certificate", "FIRE", 3.0, "pre-opening fire safety inspection result"),
    "fda": ("fire_design_approval", "FIRE", 5.0, "fire protection design review opinion"),
    "fac": ("fire_acceptance_certificate", "FIRE", 5.0, "fire protection completion acceptance"),
    "eia": ("eia_approval", "ECO", 5.0, "environmental impact assessment approval"),
    "eiaf": ("eia_registration_filing", "ECO", 2.0, "EIA registration form filing receipt"),
    "swa": ("soil_water_conservation_approval", "WAT", 5.0, "soil and water conservation plan approval"),
    "pfc": ("project_filing_certificate", "DRB", 3.0, "enterprise investment project filing certificate"),
    "ppa": ("project_proposal_approval", "DRB", 5.0, "government investment project proposal approval"),
    "bud": ("budget_arrangement", "FIN", 5.0, "fiscal budget arrangement for a government project"),
    "hst": ("homestead_approval", "AGR", 5.0, "rural homestead approval"),
    "lcc": ("land_contract_certificate", "AGR", 1.0, "rural land contract management right certificate"),
    "rtl": ("road_transport_licence", "TRA", 3.0, "road transport operation licence"),
    "notc": ("notarial_certificate", "JUS", 3.0, "notarial certificate (e.g. of inheritance)"),
    "vet": ("veteran_certificate", "VET", 1.0, "discharge certificate of a veteran; kept at home"),
    "hcl": ("hazardous_chemicals_licence", "EMG", 3.0, "hazardous chemicals business licence"),
    "acad": ("academic_certificate", "EDU", 1.0, "school diploma or academic record; kept at home"),
    "schl": ("school_licence", "EDU", 3.0, "private school or training institution licence"),
    "pml": ("party_membership_letter", "ORG", 3.0, "party organisation transfer letter from the sending organisation"),
}

# ---------------------------------------------------------------------------
# Work-time conventions [A3] (minutes; the mean is what the caller gives)
# ---------------------------------------------------------------------------
# intake  (WindowClerk, in person): LogNormal(mean, cv 0.6) - form and document
#         check plus data entry; right-skewed because a few cases are messy.
# review  (Reviewer, back office): Exponential(mean) below an hour, LogNormal(mean,
#         cv 0.8) from an hour up - desk review against the rules.
# inspect (Inspector, site visit incl. travel): Triangular(0.5m, 0.8m, 1.7m), mean m.
# approve (Approver, leader sign-off): Triangular(0.4m, 0.8m, 1.8m), mean m.
# issue   (WindowClerk, in person: the applicant comes back to collect the
#         certificate): Uniform(0.5m, 1.5m), mean m.
# One-step services (即办件, done while the applicant waits) use LogNormal(mean, cv 0.5).
# All means are assumptions sized from the nature of the step; see README.md.

ROLE_OF = {"intake": "window_clerk", "review": "reviewer", "inspect": "inspector",
           "approve": "approver", "issue": "window_clerk"}


def fmt(x):
    """A float with a decimal point, no exponent, no thousands separator."""
    s = f"{x:.4f}".rstrip("0")
    return s + "0" if s.endswith(".") else s


def work_of(kind, m, single):
    """(work, mean, cv, min, mode, max) for a step of `kind` with mean `m` minutes."""
    if kind == "intake":
        return ("lognormal", m, 0.5 if single else 0.6, None, None, None)
    if kind == "review":
        return ("exponential", m, None, None, None, None) if m < 60 else ("lognormal", m, 0.8, None, None, None)
    if kind == "inspect":
        return ("triangular", None, None, 0.5 * m, 0.8 * m, 1.7 * m)
    if kind == "approve":
        return ("triangular", None, None, 0.4 * m, 0.8 * m, 1.8 * m)
    if kind == "issue":
        return ("uniform", None, None, 0.5 * m, None, 1.5 * m)
    raise ValueError(kind)


def mean_of(work):
    kind, mean, _cv, lo, mode, hi = work
    if kind in ("lognormal", "exponential", "constant"):
        return mean
    if kind == "triangular":
        return (lo + mode + hi) / 3.0
    if kind == "uniform":
        return (lo + hi) / 2.0
    raise ValueError(kind)


class Seg:
    """One department's part of a process: its window intake, back-office steps
    and, optionally, the in-person collection of its result."""

    def __init__(self, dept, function, i, r=0, x=0, a=0, s=0, docs="", sb=None, tag=None, why="", personal=""):
        self.dept, self.function = dept, function
        self.times = [("intake", i), ("review", r), ("inspect", x), ("approve", a), ("issue", s)]
        self.times = [(k, m) for k, m in self.times if m]
        self.docs = []
        for item in filter(None, docs.split(";")):
            alias, p = item.split(":")
            self.docs.append((alias, float(p)))
        # sb: probability that review sends the case back to intake, or
        # (from_kind, to_kind, probability).
        if isinstance(sb, float):
            sb = ("review", "intake", sb)
        self.sb = sb
        self.tag = tag
        self.why = why
        # [A18] window steps ("intake", "issue") that need the applicant themselves
        # (identity capture, an interview, a signature), not only their papers.
        self.personal = frozenset(filter(None, personal.split(";")))


class Svc:
    def __init__(self, name, profile, volume, limit, segs, note, patience=None):
        self.name, self.profile, self.volume, self.limit = name, profile, float(volume), limit
        self.segs = segs if isinstance(segs, list) else [segs]
        self.note = note
        self.patience = patience


G = Seg  # short alias for the catalogue below

# ---------------------------------------------------------------------------
# The service catalogue (事项)
# ---------------------------------------------------------------------------
# Svc(name, profile, volume_per_year, time_limit_working_days, segments, note)
# G(dept, function, i=intake, r=review, x=inspect, a=approve, s=issue (minutes),
#   docs="alias:probability;...", sb=send-back probability review -> intake,
#   personal="intake;issue": window steps that need the applicant themselves [A18])
#
# [A2] Volumes are assumptions sized to the county of [A1]: per-resident or
# per-firm rates stated in each note. Zhejiang counties listed 862 items on average
# (March 2017) and 732 (August 2017), at least 80% of items covering at least 80%
# of 2016's case volume (SOURCES: "Service catalogues"). This catalogue keeps the
# frequently used ones; the long tail of rarely used items is left out.
# [A15] Time limits (承诺时限) in working days: 1 for while-you-wait items (即办件),
# otherwise the typical county promise for that kind of item (assumption); legal
# limits are noted where they differ. Multi-department chains add up their parts.
# [A6] Missing-or-wrong probabilities per document: 5% for an ID card, 8-12% for
# booklets, certificates and records kept at home, 10-15% for medical papers,
# premises titles and health certificates (often expired or for the wrong
# address), 5% for a certificate just issued by the previous department of a
# chain. Send-backs (review finds a fault the intake missed, the applicant must
# come again): 5-8% on items with judgement in the review. Assumptions.

C, B = "citizen", "business"

CATALOGUE = [
    # --- Human Resources and Social Security ---
    Svc("Social insurance record and certificate printing", C, 60000, 1,
        G("HRS", "social_insurance", 6, docs="id:0.05"),
        "~11 per 100 residents a year: proof of contributions for loans, school places, permits, jobs"),
    Svc("Flexible-employment social insurance enrolment and change", C, 10000, 3,
        G("HRS", "social_insurance", 12, r=8, docs="id:0.05;hh:0.10"),
        "self-employed and informal workers enrolling, changing base or stopping: ~3 per 100 residents"),
    Svc("Pension eligibility certification", C, 10000, 1,
        G("HRS", "social_insurance", 5, docs="id:0.05", personal="intake"),
        "yearly proof of life of ~60000 pensioners; a sixth come to the window"),
    Svc("Social security card application and replacement", C, 10000, 10,
        G("HRS", "social_insurance", 8, s=4, docs="id:0.05"),
        "new, lost and moved-in cards; card collected in person"),
    Svc("Employer social insurance registration change", B, 6000, 3,
        G("HRS", "social_insurance", 15, r=15, docs="bl:0.08"),
        "~10% of ~60000 market entities change staff or base at the window a year"),
    Svc("Social insurance transfer between regions", C, 7000, 15,
        G("HRS", "social_insurance", 12, r=30, a=5, docs="id:0.05;sir:0.12"),
        "migrant workers moving in or out of the county"),
    Svc("Unemployment insurance benefit claim", C, 4500, 5,
        G("HRS", "social_insurance", 15, r=20, a=5, docs="id:0.05;hh:0.08", sb=0.05),
        "~1.5% of ~300000 insured employees claim a year"),
    Svc("Employment and unemployment registration", C, 6000, 1,
        G("HRS", "employment", 10, docs="id:0.05;hh:0.08"),
        "registration needed for employment services and subsidies"),
    Svc("Employment subsidy for hard-to-employ persons", C, 2500, 20,
        G("HRS", "employment", 15, r=30, a=10, docs="id:0.05;low:0.10", sb=0.06),
        "social-insurance and job subsidies for the hard-to-employ"),
    Svc("Vocational skills training subsidy", C, 4000, 20,
        G("HRS", "employment", 10, r=20, a=5, docs="id:0.05;acad:0.08"),
        "subsidised training courses completed"),
    Svc("Work-related injury determination", B, 900, 20,
        G("HRS", "social_insurance", 25, r=180, x=120, a=20, s=8, docs="id:0.05;bl:0.05;mrec:0.15", sb=0.08),
        "~3 per 1000 insured employees a year; legal limit 60 days, county promise 20 working days"),
    Svc("Labour ability appraisal", C, 700, 20,
        G("HRS", "social_insurance", 20, r=60, a=15, s=8, docs="id:0.05;mrec:0.15"),
        "follows most injury determinations"),
    Svc("Labour dispute arbitration application", C, 1500, 5,
        G("HRS", "labour_relations", 30, r=120, a=15, docs="id:0.05;bl:0.10", sb=0.05),
        "employee applications; acceptance decided within 5 days"),
    Svc("Labour inspection complaint", C, 2000, 20,
        G("HRS", "labour_relations", 20, r=60, x=120, a=10),
        "mostly unpaid wages; an inspector visits the employer"),
    Svc("Professional title evaluation application", C, 1500, 20,
        G("HRS", "personnel_and_titles", 15, r=45, a=10, docs="id:0.05;acad:0.08"),
        "junior and intermediate titles"),
    Svc("Personnel file deposit and transfer", C, 3000, 5,
        G("HRS", "personnel_and_titles", 15, r=15, docs="id:0.05"),
        "files of graduates and job changers at the talent centre"),
    # --- Medical Security ---
    Svc("Medical expense manual reimbursement", C, 45000, 20,
        G("MED", "medical_insurance", 12, r=20, a=2, docs="id:0.05;ssc:0.08;minv:0.12", sb=0.05),
        "out-of-area and non-networked bills: ~8 per 100 residents; approver signs in batches"),
    Svc("Resident medical insurance enrolment", C, 12000, 1,
        G("MED", "medical_insurance", 8, docs="hh:0.10;id:0.05"),
        "new enrolments and changes of ~300000 residents not insured via an employer; most renew via townships"),
    Svc("Out-of-area medical treatment filing", C, 8000, 1,
        G("MED", "medical_insurance", 8, docs="id:0.05;ssc:0.08;mrec:0.10"),
        "referrals to Hangzhou or Shanghai hospitals and migrants' home-region filings"),
    Svc("Outpatient special disease recognition", C, 6000, 15,
        G("MED", "medical_insurance", 12, r=25, a=5, docs="id:0.05;mrec:0.15"),
        "chronic-disease recognitions for lower outpatient co-payment"),
    Svc("Medical assistance for low-income households", C, 3000, 15,
        G("MED", "medical_insurance", 15, r=30, a=8, docs="low:0.10;minv:0.12"),
        "~8000 low-income residents; a third claim a year"),
    Svc("Employer medical insurance registration change", B, 4000, 3,
        G("MED", "medical_insurance", 12, r=10, docs="bl:0.08"),
        "employer account changes made at the window"),
    Svc("Maternity insurance benefit claim", C, 4500, 15,
        G("MED", "medical_insurance", 12, r=20, a=3, docs="id:0.05;bmc:0.10;minv:0.10"),
        "~80% of ~5500 births have an insured parent"),
    # --- Public Security ---
    Svc("Resident ID card application and renewal", C, 35000, 15,
        G("PSB", "identity_and_travel_documents", 10, r=3, s=4, docs="hh:0.10", personal="intake"),
        "10- and 20-year renewals, first cards at 16 and losses: ~6.5 per 100 residents; card collected in person"),
    Svc("Household registration transfer", C, 12000, 5,
        G("PSB", "household_registration", 15, r=15, a=5, docs="id:0.05;hh:0.10;re:0.12", personal="intake"),
        "moves into and out of the county by home purchase, marriage, work or study"),
    Svc("Household registration change and correction", C, 4000, 10,
        G("PSB", "household_registration", 15, r=20, a=5, docs="id:0.05;hh:0.10", sb=0.05, personal="intake"),
        "name, birth-date and other corrections"),
    Svc("Residence permit application", C, 10000, 15,
        G("PSB", "household_registration", 10, r=5, s=4, docs="id:0.05"),
        "~150000 migrants, one in fifteen apply a year; permit collected in person"),
    Svc("Temporary residence registration", C, 5000, 1,
        G("PSB", "household_registration", 6, docs="id:0.05"),
        "registrations made at the hall (most are made by community police)"),
    Svc("Passport and travel permit application", C, 12000, 7,
        G("PSB", "identity_and_travel_documents", 12, r=5, s=4, docs="id:0.05;hh:0.05", personal="intake"),
        "passports and Hong Kong/Macau/Taiwan permits: ~2 per 100 residents a year"),
    Svc("Travel permit endorsement renewal", C, 6000, 1,
        G("PSB", "identity_and_travel_documents", 6, docs="id:0.05"),
        "repeat endorsements made at the window"),
    Svc("New motor vehicle registration", C, 8000, 1,
        G("PSB", "vehicles_and_drivers", 15, x=10, s=6, docs="id:0.05;vpt:0.08"),
        "~15 new vehicles per 1000 residents; inspector checks the vehicle, plates issued at the window"),
    Svc("Motor vehicle transfer registration", C, 5000, 1,
        G("PSB", "vehicles_and_drivers", 15, x=10, s=6, docs="id:0.05;vrc:0.08"),
        "second-hand vehicle sales"),
    Svc("Motor vehicle mortgage registration", B, 4000, 1,
        G("PSB", "vehicles_and_drivers", 10, r=5, docs="vrc:0.08;id:0.05"),
        "car loans, filed by dealers and banks"),
    Svc("Driving licence renewal and replacement", C, 8000, 1,
        G("PSB", "vehicles_and_drivers", 8, docs="dl:0.05;mcc:0.10"),
        "6- and 10-year renewals and losses"),
    Svc("Driving test application", C, 6000, 20,
        G("PSB", "vehicles_and_drivers", 10, r=10, s=5, docs="id:0.05;mcc:0.10"),
        "learners not booked through driving schools; licence collected in person"),
    Svc("Traffic violation processing at the window", C, 8000, 1,
        G("PSB", "vehicles_and_drivers", 6, docs="dl:0.05"),
        "camera-recorded violations settled in person"),
    Svc("No-criminal-record certificate", C, 4000, 5,
        G("PSB", "public_order", 8, r=15, s=5, docs="id:0.05"),
        "for jobs, visas and licences"),
    Svc("Fireworks display permit", B, 50, 10,
        G("PSB", "public_order", 20, r=60, x=120, a=20, s=5, docs="bl:0.05;hcl:0.05"),
        "displays at festivals and openings"),
    # --- Taxation ---
    Svc("Tax declaration and payment at the window", B, 50000, 1,
        G("TAX", "tax_collection", 12, docs="bl:0.05"),
        "small taxpayers declaring in person monthly or quarterly: ~1 visit a year per market entity"),
    Svc("Invoice issued on behalf of a taxpayer", B, 20000, 1,
        G("TAX", "invoices", 10, docs="id:0.05"),
        "VAT invoices for individuals and small businesses without their own (代开发票)"),
    Svc("Invoice purchase and verification", B, 12000, 1,
        G("TAX", "invoices", 8, docs="bl:0.05"),
        "buying invoice stock in person"),
    Svc("Individual tax registration", C, 4000, 1,
        G("TAX", "tax_collection", 12, docs="id:0.05"),
        "individuals with taxable income outside employment"),
    Svc("Tax payment certificate issuing", C, 5000, 1,
        G("TAX", "tax_collection", 6, docs="id:0.05"),
        "for school places, car and home purchases"),
    Svc("Tax refund application", B, 2000, 20,
        G("TAX", "tax_collection", 15, r=40, a=10, docs="bl:0.05", sb=0.06),
        "overpaid taxes and policy refunds"),
    Svc("Tax reduction and exemption filing", B, 2500, 5,
        G("TAX", "tax_collection", 15, r=20, docs="bl:0.05"),
        "small-firm and policy reliefs filed on paper"),
    Svc("Vehicle purchase tax declaration", C, 8000, 1,
        G("TAX", "tax_collection", 8, docs="id:0.05"),
        "one per new vehicle registered"),
    Svc("Export tax rebate filing", B, 500, 10,
        G("TAX", "tax_collection", 15, r=60, a=10, docs="bl:0.05"),
        "exporters' paper filings"),
    # --- Market Supervision ---
    Svc("Individual business registration", B, 9000, 3,
        G("MSB", "business_registration", 20, r=15, a=5, s=5, docs="id:0.05;re:0.15", sb=0.05),
        "~20% yearly entry among ~45000 individual businesses"),
    Svc("Individual business change registration", B, 4000, 3,
        G("MSB", "business_registration", 15, r=10, s=5, docs="id:0.05;bl:0.08"),
        "address, operator and scope changes"),
    Svc("Individual business deregistration", B, 3000, 3,
        G("MSB", "business_registration", 10, r=10, docs="id:0.05;bl:0.08"),
        "exits; simplified procedure"),
    Svc("Enterprise change registration", B, 5000, 3,
        G("MSB", "business_registration", 20, r=20, a=5, s=5, docs="bl:0.08;id:0.05", sb=0.08),
        "~30% of ~15000 firms change address, capital, officers or scope a year"),
    Svc("Equity pledge registration", B, 200, 3,
        G("MSB", "business_registration", 15, r=20, s=5, docs="bl:0.05;id:0.05"),
        "pledges of shares in local firms"),
    Svc("Movable property mortgage registration", B, 300, 3,
        G("MSB", "business_registration", 15, r=15, s=5, docs="bl:0.05"),
        "equipment and stock mortgages"),
    Svc("Farmers' cooperative registration", B, 300, 3,
        G("MSB", "business_registration", 20, r=15, s=5, docs="id:0.05;lcc:0.10"),
        "new and changed farmers' specialised cooperatives"),
    Svc("Food business licence for retail shops", B, 2000, 10,
        G("MSB", "food_and_drug_safety", 20, r=20, x=60, a=10, s=5, docs="bl:0.08;id:0.05;hc:0.15"),
        "groceries and small shops that need no fire check"),
    Svc("Food business licence change and renewal", B, 1500, 5,
        G("MSB", "food_and_drug_safety", 15, r=15, a=5, s=5, docs="bl:0.08"),
        "5-year renewals and changes"),
    Svc("Food production licence", B, 60, 20,
        G("MSB", "food_and_drug_safety", 30, r=120, x=240, a=20, s=5, docs="bl:0.05;eia:0.10"),
        "new food factories and new product categories"),
    Svc("Small food workshop registration", B, 300, 10,
        G("MSB", "food_and_drug_safety", 20, r=30, x=90, a=10, s=5, docs="bl:0.08;hc:0.15"),
        "family workshops: noodles, tofu, cakes"),
    Svc("Medical device business filing", B, 300, 5,
        G("MSB", "food_and_drug_safety", 15, r=30, a=5, docs="bl:0.08"),
        "class II device retailers"),
    Svc("Drug business licence change", B, 200, 10,
        G("MSB", "food_and_drug_safety", 15, r=30, a=5, s=5, docs="bl:0.05;dbl:0.08"),
        "pharmacy changes of owner, address or manager"),
    Svc("Special equipment use registration", B, 2500, 5,
        G("MSB", "quality_and_special_equipment", 15, r=20, a=5, s=5, docs="bl:0.05"),
        "lifts, boilers, pressure vessels, forklifts"),
    Svc("Measuring instrument verification filing", B, 1500, 5,
        G("MSB", "quality_and_special_equipment", 10, r=10, docs="bl:0.05"),
        "trade scales and fuel dispensers"),
    Svc("Consumer complaint at the window", C, 3000, 7,
        G("MSB", "consumer_protection", 20, r=60, a=10),
        "12315 complaints lodged in person; a reviewer mediates"),
    # --- Natural Resources and Planning ---
    Svc("Real estate mortgage registration", B, 10000, 5,
        G("NRP", "real_estate_registration", 15, r=20, a=5, s=5, docs="re:0.05;id:0.05"),
        "home and business loans; bank staff file with the owners"),
    Svc("Real estate mortgage cancellation", C, 7000, 1,
        G("NRP", "real_estate_registration", 10, r=10, docs="re:0.05;id:0.05"),
        "repaid loans"),
    Svc("Real estate certificate replacement and correction", C, 2000, 10,
        G("NRP", "real_estate_registration", 15, r=30, a=10, s=5, docs="id:0.05;re:0.10"),
        "lost certificates and corrections"),
    Svc("Real estate record inquiry", C, 10000, 1,
        G("NRP", "real_estate_registration", 6, docs="id:0.05"),
        "proof of (no) home ownership for school places, loans, subsidies"),
    Svc("First registration of industrial land", B, 600, 10,
        G("NRP", "real_estate_registration", 20, r=60, a=10, s=5, docs="bl:0.05"),
        "new industrial land titles"),
    Svc("State land use right grant contract", B, 150, 20,
        G("NRP", "land_and_planning", 30, r=240, a=60, s=10, docs="bl:0.05", personal="issue"),
        "parcels sold by auction; contract signed in person"),
    Svc("Temporary land use approval", B, 100, 20,
        G("NRP", "land_and_planning", 20, r=120, x=120, a=30, s=5, docs="bl:0.05"),
        "site camps, storage, temporary roads"),
    # --- Housing and Urban-Rural Development ---
    Svc("Commercial housing pre-sale permit", B, 50, 10,
        G("HUD", "housing_market", 30, r=180, x=180, a=30, s=5, docs="bl:0.05;cp:0.05"),
        "building phases released for sale"),
    Svc("Public rental housing application", C, 1200, 20,
        G("HUD", "housing_market", 20, r=45, x=60, a=10, docs="hh:0.10;id:0.05;low:0.10", sb=0.06),
        "means test with a home visit"),
    Svc("Housing rental registration filing", C, 3000, 3,
        G("HUD", "housing_market", 10, r=5, docs="re:0.10;id:0.05"),
        "lease filings needed for residence permits and school places"),
    Svc("Construction enterprise qualification", B, 120, 20,
        G("HUD", "construction_administration", 20, r=120, a=20, s=5, docs="bl:0.05"),
        "grade-3 contractor qualifications"),
    Svc("Construction project bid filing", B, 800, 3,
        G("HUD", "construction_administration", 20, r=45, s=5, docs="bl:0.05"),
        "tender documents and results of public works"),
    Svc("Construction safety supervision registration", B, 400, 5,
        G("HUD", "construction_administration", 20, r=40, x=120, docs="bl:0.05"),
        "site safety registration before works start"),
    Svc("Wage guarantee deposit for construction projects", B, 300, 5,
        G("HUD", "construction_administration", 15, r=30, a=5, docs="bl:0.05"),
        "migrant-worker wage deposits"),
    # --- Transport ---
    Svc("Vehicle operating certificate issue and review", B, 6000, 3,
        G("TRA", "road_transport", 12, r=10, s=5, docs="vrc:0.08;rtl:0.05"),
        "trucks and buses of local operators"),
    Svc("Road transport driver qualification certificate", C, 2500, 5,
        G("TRA", "road_transport", 10, r=10, s=5, docs="dl:0.05;id:0.05"),
        "freight and passenger drivers"),
    Svc("Taxi and ride-hailing driver permit", C, 400, 5,
        G("TRA", "road_transport", 15, r=15, s=5, docs="dl:0.05;id:0.05"),
        "new taxi and ride-hailing drivers"),
    Svc("Motor vehicle repair business filing", B, 200, 5,
        G("TRA", "road_transport", 15, r=20, x=60, docs="bl:0.05"),
        "garages; an inspector checks the premises"),
    Svc("Over-limit vehicle transport permit", B, 800, 5,
        G("TRA", "highways", 15, r=30, a=10, docs="vrc:0.08"),
        "oversize loads on county highways"),
    Svc("Highway roadside sign approval", B, 80, 20,
        G("TRA", "highways", 15, r=60, x=60, a=15, s=5, docs="bl:0.05"),
        "billboards along highways"),
    # --- Water Resources ---
    Svc("Water extraction permit", B, 80, 20,
        G("WAT", "water_administration", 20, r=120, x=120, a=20, s=5, docs="bl:0.05"),
        "wells and river intakes of firms"),
    Svc("Soil and water conservation plan approval", B, 200, 20,
        G("WAT", "water_administration", 20, r=120, a=20, s=5, docs="bl:0.05"),
        "projects outside the investment chain below"),
    Svc("River-area construction approval", B, 100, 20,
        G("WAT", "water_administration", 20, r=120, x=120, a=20, s=5, docs="bl:0.05"),
        "bridges, pipes and works in river areas"),
    # --- Agriculture and Rural Affairs ---
    Svc("Agricultural machinery registration", C, 1500, 5,
        G("AGR", "agriculture", 12, x=20, s=5, docs="id:0.05"),
        "tractors and harvesters; an inspector checks the machine"),
    Svc("Farmland protection subsidy application", C, 4000, 20,
        G("AGR", "agriculture", 10, r=10, a=2, docs="id:0.05;lcc:0.10"),
        "farmers not enrolled through their villages"),
    Svc("Fishing licence", C, 200, 10,
        G("AGR", "agriculture", 15, r=20, s=5, docs="id:0.05"),
        "inland fishing boats"),
    Svc("Pesticide business licence", B, 60, 20,
        G("AGR", "agriculture", 20, r=60, x=120, a=15, s=5, docs="bl:0.05"),
        "farm-input shops"),
    Svc("Crop seed business licence", B, 30, 20,
        G("AGR", "agriculture", 20, r=60, x=90, a=15, s=5, docs="bl:0.05"),
        "seed dealers"),
    Svc("Land contract right certificate change", C, 1500, 20,
        G("AGR", "rural_land", 15, r=30, a=10, s=5, docs="id:0.05;hh:0.10;lcc:0.10"),
        "division, transfer and correction of contract rights"),
    Svc("Animal quarantine declaration", B, 8000, 1,
        G("AGR", "animal_health", 10, x=30, docs="id:0.05"),
        "pigs, poultry and cattle leaving farms; a vet inspects at the farm"),
    Svc("Veterinary drug business licence", B, 40, 20,
        G("AGR", "animal_health", 20, r=60, x=90, a=15, s=5, docs="bl:0.05"),
        "veterinary drug shops"),
    # --- Forestry ---
    Svc("Tree felling permit", C, 1500, 10,
        G("FOR", "forestry", 15, r=20, x=90, a=10, s=5, docs="id:0.05;lcc:0.10"),
        "timber harvest quotas of a hilly county"),
    Svc("Forest land use approval", B, 80, 20,
        G("FOR", "forestry", 20, r=120, x=180, a=30, s=5, docs="bl:0.05;lup:0.08"),
        "projects occupying forest land"),
    Svc("Plant quarantine certificate", B, 2500, 3,
        G("FOR", "forestry", 10, x=30, s=5, docs="bl:0.05"),
        "seedlings and timber shipped out of the county"),
    Svc("Wildlife domestication and trade permit", B, 40, 20,
        G("FOR", "forestry", 20, r=60, x=90, a=15, s=5, docs="bl:0.05"),
        "farms of protected species"),
    # --- Commerce ---
    Svc("Foreign trade operator registration", B, 600, 3,
        G("COM", "commerce_and_trade", 15, r=15, s=5, docs="bl:0.05"),
        "new exporters and importers"),
    Svc("Alcohol wholesale and retail filing", B, 800, 5,
        G("COM", "commerce_and_trade", 10, r=10, s=5, docs="bl:0.05"),
        "shops selling alcohol"),
    Svc("Single-purpose prepaid card filing", B, 60, 5,
        G("COM", "commerce_and_trade", 15, r=30, docs="bl:0.05"),
        "gyms, salons and shops selling prepaid cards"),
    Svc("Recycling business filing", B, 60, 5,
        G("COM", "commerce_and_trade", 15, r=20, docs="bl:0.05"),
        "scrap and recycling dealers"),
    Svc("Old vehicle scrappage subsidy", C, 1500, 20,
        G("COM", "commerce_and_trade", 15, r=15, a=3, docs="id:0.05;vrc:0.08"),
        "subsidies for scrapping old high-emission vehicles"),
    Svc("Commerce and e-commerce subsidy application", B, 400, 20,
        G("COM", "commerce_and_trade", 15, r=60, a=15, docs="bl:0.05"),
        "trade fairs, e-commerce and export credit subsidies"),
    # --- Culture and Tourism ---
    Svc("Commercial performance approval", B, 150, 3,
        G("CTS", "culture_market", 20, r=45, a=15, s=5, docs="bl:0.05"),
        "shows and concerts"),
    Svc("Construction in cultural relic protection zones", B, 40, 20,
        G("CTS", "culture_market", 20, r=120, x=120, a=20, s=5, docs="bl:0.05"),
        "works near protected sites"),
    Svc("Travel agency licence", B, 10, 20,
        G("CTS", "tourism_and_sports", 20, r=60, x=60, a=20, s=5, docs="bl:0.05"),
        "new domestic travel agencies"),
    Svc("High-risk sports venue licence", B, 40, 20,
        G("CTS", "tourism_and_sports", 20, r=60, x=90, a=15, s=5, docs="bl:0.05;fic:0.08"),
        "swimming pools, climbing walls"),
    # --- Health Commission ---
    Svc("Public place health licence", B, 1500, 15,
        G("HEA", "public_health", 15, r=20, x=60, a=10, s=5, docs="bl:0.08;hc:0.15"),
        "barbers, beauty salons, small hotels, baths"),
    Svc("Drinking water supply health licence", B, 30, 20,
        G("HEA", "public_health", 20, r=60, x=120, a=15, s=5, docs="bl:0.05"),
        "water works and bottled-water suppliers"),
    Svc("Physician practice registration", C, 700, 15,
        G("HEA", "medical_institutions", 15, r=20, a=5, s=5, docs="id:0.05;acad:0.05"),
        "new and moving doctors"),
    Svc("Nurse practice registration", C, 900, 15,
        G("HEA", "medical_institutions", 15, r=20, a=5, s=5, docs="id:0.05;acad:0.05"),
        "new and moving nurses"),
    Svc("Medical institution licence change and renewal", B, 200, 15,
        G("HEA", "medical_institutions", 20, r=45, x=60, a=15, s=5, docs="mil:0.05;bl:0.05"),
        "clinics and hospitals"),
    Svc("Radiological diagnosis and treatment licence", B, 30, 20,
        G("HEA", "medical_institutions", 20, r=60, x=120, a=15, s=5, docs="mil:0.05"),
        "X-ray equipment of clinics and hospitals"),
    Svc("Childbirth service registration", C, 5500, 1,
        G("HEA", "maternal_and_child_health", 10, docs="id:0.05;mar:0.10;hh:0.08"),
        "~10 births per 1000 residents, registered in pregnancy"),
    Svc("Birth medical certificate replacement", C, 800, 10,
        G("HEA", "maternal_and_child_health", 10, r=20, s=5, docs="id:0.05;hh:0.08"),
        "lost or wrong birth certificates"),
    Svc("One-child parent award application", C, 5000, 20,
        G("HEA", "maternal_and_child_health", 10, r=10, a=3, docs="id:0.05;hh:0.08"),
        "yearly awards and old-age support of one-child parents"),
    # --- Veterans Affairs ---
    Svc("Veteran benefits application", C, 3000, 20,
        G("VET", "veterans_affairs", 15, r=20, a=5, docs="vet:0.08;id:0.05"),
        "~20000 veterans and dependants in the county"),
    Svc("Veteran preferential treatment card", C, 2000, 15,
        G("VET", "veterans_affairs", 10, r=5, s=4, docs="vet:0.08;id:0.05"),
        "cards collected in person"),
    Svc("Veteran information registration", C, 4000, 1,
        G("VET", "veterans_affairs", 10, docs="vet:0.08;id:0.05"),
        "records of the new veterans' register"),
    # --- Emergency Management ---
    Svc("Hazardous chemicals business licence renewal", B, 80, 20,
        G("EMG", "hazardous_chemicals", 20, r=60, x=90, a=15, s=5, docs="bl:0.05;hcl:0.05"),
        "3-year renewals"),
    Svc("Fireworks retail licence", B, 200, 10,
        G("EMG", "hazardous_chemicals", 15, r=30, x=60, a=10, s=5, docs="bl:0.08"),
        "stalls licensed before the Spring Festival"),
    Svc("Work-safety emergency plan filing", B, 600, 5,
        G("EMG", "work_safety", 15, r=30, s=5, docs="bl:0.05"),
        "plans of factories and hazardous sites"),
    Svc("Work-safety manager training certificate", C, 1500, 10,
        G("EMG", "work_safety", 10, r=10, s=5, docs="id:0.05"),
        "managers of small firms"),
    Svc("Safety facility design review for hazardous projects", B, 40, 20,
        G("EMG", "work_safety", 20, r=180, a=30, s=5, docs="bl:0.05;pfc:0.05"),
        "chemical and mining projects"),
    # --- Fire and Rescue ---
    Svc("Pre-opening fire safety inspection for shops and venues", B, 400, 10,
        G("FIRE", "fire_safety", 20, r=20, x=90, a=10, s=5, docs="bl:0.08"),
        "public venues other than those in the chains below"),
    Svc("Fire protection design filing for small projects", B, 300, 5,
        G("FIRE", "fire_safety", 15, r=40, docs="bl:0.05;cpp:0.05"),
        "small projects filed instead of reviewed"),
    # --- Ecology and Environment ---
    Svc("EIA report form approval", B, 200, 20,
        G("ECO", "environmental_permits", 20, r=180, x=90, a=20, s=5, docs="bl:0.05;pfc:0.05"),
        "smaller projects outside the investment chain"),
    Svc("EIA registration form filing", B, 800, 1,
        G("ECO", "environmental_permits", 15, r=15, docs="bl:0.05"),
        "low-impact projects other than restaurants"),
    Svc("Pollutant discharge permit", B, 300, 20,
        G("ECO", "environmental_permits", 20, r=90, x=120, a=15, s=5, docs="bl:0.05;eia:0.05"),
        "factories entering the permit system"),
    Svc("Hazardous waste transfer plan filing", B, 600, 5,
        G("ECO", "environmental_permits", 15, r=30, s=5, docs="bl:0.05"),
        "yearly transfer plans"),
    Svc("Radiation safety licence", B, 30, 20,
        G("ECO", "environmental_permits", 20, r=120, x=120, a=20, s=5, docs="bl:0.05"),
        "industrial radiation sources"),
    Svc("Night-time construction noise permit", B, 500, 3,
        G("ECO", "environmental_enforcement", 15, r=20, a=5, docs="bl:0.05;cp:0.05"),
        "continuous pours and night works"),
    Svc("Environmental complaint at the window", C, 2000, 20,
        G("ECO", "environmental_enforcement", 15, r=30, x=90, a=10),
        "noise, smoke, odour and water complaints made in person"),
    # --- Development and Reform ---
    Svc("Enterprise investment project filing", B, 600, 3,
        G("DRB", "investment_projects", 20, r=30, a=10, s=5, docs="bl:0.05"),
        "projects without the full construction chain (equipment, upgrades)"),
    Svc("Enterprise investment project approval", B, 40, 20,
        G("DRB", "investment_projects", 20, r=240, a=30, s=5, docs="bl:0.05;ssl:0.08;eia:0.08"),
        "projects on the approval catalogue"),
    Svc("Tendering plan approval for government projects", B, 150, 5,
        G("DRB", "investment_projects", 15, r=60, a=15, s=5, docs="ppa:0.05"),
        "public works tendering scope and method"),
    Svc("Price certification for courts and police", B, 1500, 10,
        G("DRB", "energy_and_prices", 20, r=120, a=15, s=5),
        "value of seized, stolen or disputed goods certified for courts, police and disciplinary bodies (价格认定)"),
    Svc("Energy conservation review", B, 80, 15,
        G("DRB", "energy_and_prices", 20, r=180, a=30, s=5, docs="bl:0.05;pfc:0.05"),
        "projects above the energy threshold"),
    # --- Economy and Information Technology ---
    Svc("Technological upgrading project filing", B, 300, 5,
        G("EIT", "industry_and_information", 20, r=40, a=10, s=5, docs="bl:0.05"),
        "machine replacement and automation projects"),
    Svc("Enterprise cloud adoption subsidy", B, 800, 20,
        G("EIT", "industry_and_information", 15, r=30, a=5, docs="bl:0.05"),
        "Zhejiang's 2017 programme moving firms onto cloud services"),
    Svc("Industrial development subsidy application", B, 500, 20,
        G("EIT", "industry_and_information", 20, r=90, a=20, docs="bl:0.05;tpc:0.10"),
        "subsidies; tax records prove eligibility"),
    # --- Science and Technology ---
    Svc("Technology contract registration", B, 400, 5,
        G("SCI", "science_and_technology", 15, r=30, s=5, docs="bl:0.05"),
        "contracts that earn tax relief"),
    Svc("High-tech enterprise recommendation", B, 100, 20,
        G("SCI", "science_and_technology", 20, r=120, a=20, docs="bl:0.05;tpc:0.10"),
        "county pre-review before the provincial panel"),
    Svc("Science and technology project grant", B, 400, 20,
        G("SCI", "science_and_technology", 20, r=90, a=20, docs="bl:0.05"),
        "county research grants"),
    Svc("Innovation voucher redemption", B, 1000, 10,
        G("SCI", "science_and_technology", 15, r=30, a=5, docs="bl:0.05"),
        "vouchers small firms spend on testing and research services"),
    Svc("Technology-based SME registration", B, 200, 5,
        G("SCI", "science_and_technology", 15, r=30, docs="bl:0.05"),
        "registration for R&D deductions"),
    # --- Finance ---
    Svc("Government procurement contract filing", B, 2000, 3,
        G("FIN", "government_procurement", 15, r=20, s=5, docs="bl:0.05"),
        "filed by public units and suppliers"),
    Svc("Procurement supplier complaint", B, 20, 20,
        G("FIN", "government_procurement", 30, r=300, a=60, docs="bl:0.05"),
        "complaints about tenders"),
    Svc("Fiscal bill supply", B, 1500, 1,
        G("FIN", "public_finance", 10),
        "non-tax revenue bills for public units"),
    Svc("State asset disposal approval for public units", B, 300, 10,
        G("FIN", "public_finance", 20, r=60, a=15),
        "vehicles, equipment and premises of public units"),
    Svc("Fiscal subsidy payment application", B, 1000, 10,
        G("FIN", "public_finance", 15, r=30, a=10, docs="bl:0.05"),
        "subsidies approved by other bureaus, paid by Finance"),
    # --- Justice ---
    Svc("Notarisation", C, 7000, 15,
        G("JUS", "notary_and_legal_aid", 25, r=30, a=10, s=5, docs="id:0.05;hh:0.10;mar:0.10", sb=0.05, personal="intake"),
        "kinship, degree, contract and document notarisations"),
    Svc("Legal aid application", C, 1200, 7,
        G("JUS", "notary_and_legal_aid", 20, r=30, a=10, docs="id:0.05;low:0.10"),
        "means-tested legal aid"),
    Svc("People's mediation request", C, 1500, 20,
        G("JUS", "mediation_and_reconsideration", 20, r=90, a=10),
        "disputes brought to the county mediation centre"),
    Svc("Administrative reconsideration application", C, 150, 20,
        G("JUS", "mediation_and_reconsideration", 30, r=300, a=60, s=5, docs="id:0.05"),
        "legal limit 60 days, county promise 20 working days"),
    # --- Civil Affairs ---
    Svc("Marriage registration", C, 4500, 1,
        G("CIV", "marriage_registration", 20, s=5, docs="id:0.05;hh:0.10", personal="intake;issue"),
        "~8 marriages per 1000 residents; certificates issued the same day"),
    Svc("Divorce registration", C, 1400, 1,
        G("CIV", "marriage_registration", 30, s=5, docs="id:0.05;hh:0.08;mar:0.10", personal="intake;issue"),
        "divorces by agreement"),
    Svc("Marriage certificate replacement", C, 1000, 5,
        G("CIV", "marriage_registration", 15, r=15, s=5, docs="id:0.05;hh:0.08"),
        "lost certificates"),
    Svc("Marriage record certificate", C, 2500, 1,
        G("CIV", "marriage_registration", 8, docs="id:0.05"),
        "proof of marital status for loans and home purchases"),
    Svc("Adoption registration", C, 30, 20,
        G("CIV", "marriage_registration", 30, r=90, a=20, s=5, docs="id:0.05;hh:0.10", personal="intake"),
        "domestic adoptions"),
    Svc("Minimum living allowance application", C, 2500, 20,
        G("CIV", "social_assistance", 20, r=30, x=60, a=10, docs="id:0.05;hh:0.10", sb=0.06),
        "~1.5% of residents receive it; means test with a home visit"),
    Svc("Temporary assistance application", C, 1500, 10,
        G("CIV", "social_assistance", 15, r=20, a=5, docs="id:0.05;hh:0.08"),
        "emergencies: illness, fire, accidents"),
    Svc("Extreme poverty support application", C, 300, 20,
        G("CIV", "social_assistance", 20, r=45, x=60, a=10, docs="id:0.05;hh:0.10"),
        "persons with no income and no family support"),
    Svc("Elderly and home-care subsidy application", C, 3000, 15,
        G("CIV", "elderly_and_disability_services", 10, r=10, a=3, docs="id:0.05;hh:0.08"),
        "over-80 allowances and home-care vouchers"),
    Svc("Disability living and care subsidies", C, 2000, 15,
        G("CIV", "elderly_and_disability_services", 15, r=20, a=5, docs="id:0.05;hh:0.08"),
        "the two disability subsidies"),
    Svc("Social organisation registration", B, 100, 20,
        G("CIV", "social_organisations", 20, r=60, a=15, s=5, docs="id:0.05"),
        "associations and foundations"),
    # --- Education ---
    Svc("School enrolment for migrant children", C, 6000, 20,
        G("EDU", "education", 15, r=20, a=3, docs="hh:0.10;rp:0.12;re:0.15", sb=0.08),
        "points-based admission; spread over the year by the profile though it peaks in summer"),
    Svc("Student transfer between schools", C, 2500, 10,
        G("EDU", "education", 15, r=15, a=3, docs="hh:0.08;rp:0.10"),
        "moves during the school year"),
    Svc("Student financial aid application", C, 3000, 20,
        G("EDU", "education", 10, r=15, a=3, docs="id:0.05;low:0.10"),
        "aid for students of poor families"),
    Svc("Teacher qualification certification", C, 600, 20,
        G("EDU", "education", 15, r=30, a=5, s=5, docs="id:0.05;acad:0.08"),
        "kindergarten and primary teacher certificates"),
    Svc("Academic record certificate", C, 1500, 5,
        G("EDU", "education", 10, r=20, s=5, docs="id:0.05"),
        "records of local schools for lost diplomas"),
    # --- Party bodies and coordination ---
    Svc("Archive lookup and certified copy", C, 6000, 3,
        G("PCO", "archives", 10, r=25, s=5, docs="id:0.05"),
        "old land, marriage, school and employment records at the county archives"),
    Svc("Party membership transfer", C, 1500, 3,
        G("ORG", "party_organisation", 10, r=15, a=5, docs="id:0.05;pml:0.10"),
        "~30000 party members; ~5% move a year"),
    Svc("Civil servant registration and transfer", C, 200, 20,
        G("ORG", "cadre_management", 15, r=45, a=15),
        "new recruits and transfers"),
    Svc("Cadre personnel file inquiry and transfer", B, 600, 5,
        G("ORG", "cadre_management", 10, r=30, a=5),
        "requests from employing units"),
    Svc("Publication retail licence", B, 80, 20,
        G("PROP", "press_publication_and_film", 15, r=30, x=60, a=10, s=5, docs="bl:0.05"),
        "bookshops and kiosks"),
    Svc("Printing business licence", B, 40, 20,
        G("PROP", "press_publication_and_film", 20, r=60, x=90, a=15, s=5, docs="bl:0.05;fic:0.08"),
        "packaging and other printers"),
    Svc("Film screening unit licence", B, 10, 20,
        G("PROP", "press_publication_and_film", 20, r=60, x=90, a=15, s=5, docs="bl:0.05;fic:0.05"),
        "cinemas"),
    Svc("Returned overseas Chinese identity confirmation", C, 200, 20,
        G("UFW", "ethnic_and_overseas_chinese_affairs", 15, r=45, a=10, s=5, docs="id:0.05;hh:0.10"),
        "Zhejiang counties have many overseas Chinese families"),
    Svc("Ethnic minority status certification", C, 100, 10,
        G("UFW", "ethnic_and_overseas_chinese_affairs", 15, r=30, a=5, s=5, docs="hh:0.08"),
        "e.g. for exam bonus points"),
    Svc("Large religious event approval", B, 60, 20,
        G("UFW", "religious_affairs", 20, r=60, x=90, a=20, s=5),
        "temple fairs and large ceremonies"),
    Svc("Religious venue registration change", B, 20, 20,
        G("UFW", "religious_affairs", 20, r=90, x=120, a=20, s=5),
        "changes of registered venues"),
    Svc("Discipline complaint and report", C, 1200, 20,
        G("CDI", "discipline_and_supervision", 30, r=240, a=30),
        "reports made in person; preliminary verification in the back office"),
    Svc("Government information disclosure request", C, 400, 15,
        G("GOV", "information_disclosure", 15, r=180, a=30, s=5, docs="id:0.05"),
        "legal limit 15 working days (2008 Regulations on Open Government Information)"),
    Svc("Administrative service complaint", C, 2000, 5,
        G("GOV", "government_hotline", 15, r=45, a=5),
        "12345 cases escalated to an in-person visit"),
    Svc("Petition reception", C, 4000, 15,
        G("LV", "petitions", 30, r=60, a=15),
        "visits to the county petition hall; acceptance decided within 15 days"),
    Svc("Final accounts audit of government investment projects", B, 250, 30,
        G("AUD", "public_audit", 30, r=1200, a=60, s=10),
        "project owners submit final accounts; ~20 h of audit each; limit 30 working days"),
    Svc("Economic responsibility audit of village cadres", B, 300, 30,
        G("AUD", "public_audit", 20, r=480, a=30),
        "audits when village leaders leave office; limit 30 working days"),
    Svc("Statistical unit directory registration", B, 3000, 3,
        G("STA", "statistics", 10, r=15, docs="bl:0.05"),
        "new firms entering the statistical directory"),
    Svc("Statistical survey project approval", B, 30, 20,
        G("STA", "statistics", 20, r=120, a=20, s=5),
        "surveys run by other bureaus"),
    # --- Comprehensive Administrative Law Enforcement ---
    Svc("Outdoor advertising and shop sign permit", B, 2500, 5,
        G("LAW", "urban_management", 15, r=20, x=45, a=5, s=5, docs="bl:0.08"),
        "shop signs and billboards"),
    Svc("Temporary road occupation permit", B, 1500, 3,
        G("LAW", "urban_management", 15, r=15, x=30, a=5, docs="bl:0.05"),
        "stalls, scaffolding, events"),
    Svc("Urban tree felling and relocation permit", B, 150, 10,
        G("LAW", "urban_management", 15, r=30, x=60, a=10, s=5, docs="bl:0.05"),
        "trees on urban land"),
    Svc("Construction waste disposal permit", B, 400, 5,
        G("LAW", "urban_management", 15, r=30, x=45, a=10, s=5, docs="bl:0.05;cp:0.05"),
        "construction and renovation waste"),
    Svc("Urban management complaint", C, 3000, 10,
        G("LAW", "urban_management", 15, r=20, x=60, a=5),
        "noise, stalls, illegal building complaints made in person"),
    # --- Housing Provident Fund ---
    Svc("Provident fund withdrawal", C, 30000, 3,
        G("HPF", "housing_provident_fund", 12, r=8, a=2, docs="id:0.05;re:0.10;hsc:0.08"),
        "~120000 contributors; withdrawals for rent, purchase and repayment"),
    Svc("Provident fund loan application", C, 4000, 15,
        G("HPF", "housing_provident_fund", 30, r=60, a=15, s=10, docs="id:0.05;mar:0.10;hsc:0.08", sb=0.08, personal="issue"),
        "loan contract signed in person"),
    Svc("Employer provident fund account change", B, 5000, 3,
        G("HPF", "housing_provident_fund", 12, r=8, docs="bl:0.05"),
        "employers adding and removing staff"),
    Svc("Provident fund account transfer", C, 4000, 5,
        G("HPF", "housing_provident_fund", 10, r=10, docs="id:0.05"),
        "job changers"),
    Svc("Provident fund deposit certificate", C, 5000, 1,
        G("HPF", "housing_provident_fund", 5, docs="id:0.05"),
        "proof of deposits for loans"),
    Svc("Provident fund loan early repayment", C, 3000, 3,
        G("HPF", "housing_provident_fund", 12, r=8, docs="id:0.05"),
        "partial and full early repayments"),

    # ===================== Serial chains across departments =====================
    # The applicant visits each department's own window in turn (串联式), carrying
    # the previous department's result as a document.
    Svc("Enterprise establishment: licence then seal then tax then social insurance", B, 3000, 15, [
        G("MSB", "business_registration", 25, r=20, a=5, s=5, docs="id:0.05;re:0.15", sb=0.08),
        G("PSB", "public_order", 10, docs="bl:0.05;id:0.05"),
        G("TAX", "tax_collection", 20, r=15, s=5, docs="bl:0.05;id:0.05"),
        G("HRS", "social_insurance", 15, docs="bl:0.05"),
    ], "~20% entry among ~15000 firms; four halls in turn: licence, seal filing, tax and invoices, social insurance account"),
    Svc("Enterprise deregistration: tax clearance then social insurance then licence", B, 1200, 30, [
        G("TAX", "tax_collection", 15, r=60, a=10, s=5, docs="bl:0.05", sb=0.06),
        G("HRS", "social_insurance", 15, r=15, docs="bl:0.05"),
        G("MSB", "business_registration", 15, r=20, a=5, docs="bl:0.05;tcc:0.05"),
    ], "~8% of ~15000 firms exit a year; tax clearance first"),
    Svc("Restaurant opening: fire check then EIA filing then food business licence", B, 1200, 30, [
        G("FIRE", "fire_safety", 20, r=20, x=90, a=10, s=5, docs="bl:0.08"),
        G("ECO", "environmental_permits", 15, r=15, docs="bl:0.05"),
        G("MSB", "food_and_drug_safety", 20, r=20, x=60, a=10, s=5, docs="bl:0.05;fic:0.05;eiaf:0.05;hc:0.15", sb=0.06),
    ], "~2500 restaurants and canteens, half open or move a year"),
    Svc("Hotel opening: fire check then health licence then special trade licence", B, 60, 40, [
        G("FIRE", "fire_safety", 20, r=30, x=120, a=15, s=5, docs="bl:0.08"),
        G("HEA", "public_health", 15, r=20, x=60, a=10, s=5, docs="bl:0.05;fic:0.05;hc:0.15"),
        G("PSB", "public_order", 20, r=30, x=60, a=15, s=5, docs="bl:0.05;fic:0.05;phl:0.05"),
    ], "hotels and guesthouses"),
    Svc("Entertainment venue opening: fire check then culture licence", B, 30, 35, [
        G("FIRE", "fire_safety", 20, r=30, x=120, a=15, s=5, docs="bl:0.08"),
        G("CTS", "culture_market", 20, r=45, x=90, a=15, s=5, docs="bl:0.05;fic:0.05"),
    ], "karaoke and dance halls"),
    Svc("Internet cafe opening: fire check then culture licence", B, 10, 35, [
        G("FIRE", "fire_safety", 20, r=30, x=120, a=15, s=5, docs="bl:0.08"),
        G("CTS", "culture_market", 20, r=45, x=90, a=15, s=5, docs="bl:0.05;fic:0.05"),
    ], "internet cafes"),
    Svc("Second-hand home transfer: contract filing then taxes then registration", C, 8000, 15, [
        G("HUD", "housing_market", 20, r=10, s=5, docs="id:0.05;re:0.08;mar:0.12;hh:0.10"),
        G("TAX", "tax_collection", 25, r=15, s=5, docs="id:0.05;hsc:0.05"),
        G("NRP", "real_estate_registration", 20, r=30, a=10, s=5, docs="tpc:0.05;hsc:0.05;re:0.05", sb=0.05, personal="intake"),
    ], "~3.5% of ~220000 homes change hands a year"),
    Svc("New home transfer: deed tax then registration", C, 7000, 10, [
        G("TAX", "tax_collection", 20, r=10, s=5, docs="id:0.05;hsc:0.08"),
        G("NRP", "real_estate_registration", 20, r=30, a=10, s=5, docs="tpc:0.05;hsc:0.05;id:0.05", personal="intake"),
    ], "new homes sold by developers (contracts filed online by developers)"),
    Svc("Inheritance of real estate: notarisation then registration", C, 1500, 30, [
        G("JUS", "notary_and_legal_aid", 30, r=60, a=15, s=5, docs="id:0.05;hh:0.10;hdr:0.10;re:0.08", sb=0.06, personal="intake"),
        G("NRP", "real_estate_registration", 25, r=45, a=10, s=5, docs="notc:0.05;re:0.05;id:0.05", personal="intake"),
    ], "~4000 deaths a year; a third leave registered property"),
    Svc("Enterprise investment project: filing to construction permit", B, 150, 100, [
        G("DRB", "investment_projects", 20, r=30, a=10, s=5, docs="bl:0.05"),
        G("NRP", "land_and_planning", 20, r=120, a=30, s=5, docs="pfc:0.05", tag="nrp_land"),
        G("ECO", "environmental_permits", 20, r=240, x=120, a=30, s=5, docs="pfc:0.05;lup:0.05"),
        G("WAT", "water_administration", 20, r=120, a=20, s=5, docs="pfc:0.05"),
        G("NRP", "land_and_planning", 20, r=180, a=30, s=5, docs="lup:0.05;eia:0.05", tag="nrp_plan"),
        G("FIRE", "fire_safety", 20, r=180, a=20, s=5, docs="cpp:0.05"),
        G("HUD", "construction_administration", 25, r=90, a=20, s=5, docs="cpp:0.05;fda:0.05;swa:0.05", sb=0.06),
    ], "industrial projects; limit 100 working days (SOURCES: Zhejiang target of at most 100 days in 2018; >12 months for 20% of firms in 2014)"),
    Svc("Government investment project approval", B, 120, 60, [
        G("DRB", "investment_projects", 20, r=120, a=30, s=5, tag="drb_proposal"),
        G("NRP", "land_and_planning", 20, r=120, a=20, s=5, docs="ppa:0.05"),
        G("ECO", "environmental_permits", 20, r=240, x=120, a=30, s=5, docs="ppa:0.05;ssl:0.05"),
        G("FIN", "public_finance", 15, r=120, a=30, s=5, docs="ppa:0.05"),
        G("DRB", "investment_projects", 20, r=240, a=30, s=5, docs="ssl:0.05;eia:0.05;bud:0.05", tag="drb_feasibility", sb=0.06),
    ], "roads, schools and other public works: proposal, site, EIA, budget, feasibility study"),
    Svc("Construction permit for building projects", B, 250, 45, [
        G("NRP", "land_and_planning", 20, r=180, a=30, s=5, docs="bl:0.05;lup:0.05"),
        G("FIRE", "fire_safety", 20, r=180, a=20, s=5, docs="cpp:0.05"),
        G("HUD", "construction_administration", 25, r=90, a=20, s=5, docs="cpp:0.05;fda:0.05", sb=0.06),
    ], "housing and commercial buildings on land already held"),
    Svc("Completion acceptance and first registration", B, 300, 60, [
        G("FIRE", "fire_safety", 20, r=60, x=180, a=20, s=5, docs="cp:0.05"),
        G("NRP", "land_and_planning", 20, r=60, x=120, a=20, s=5, docs="cpp:0.05", tag="nrp_plan"),
        G("HUD", "construction_administration", 20, r=60, s=5, docs="fac:0.05;pvc:0.05"),
        G("NRP", "real_estate_registration", 20, r=60, a=15, s=5, docs="caf:0.05;pvc:0.05", tag="nrp_reg"),
    ], "completed buildings of both chains above"),
    Svc("Rural house construction: homestead then planning permit", C, 2000, 40, [
        G("AGR", "rural_land", 20, r=30, x=90, a=15, s=5, docs="hh:0.10;id:0.05"),
        G("NRP", "land_and_planning", 15, r=30, a=10, s=5, docs="hst:0.05"),
    ], "~1% of ~200000 rural households rebuild a year"),
    Svc("Livestock farm: EIA filing then epidemic prevention certificate", B, 100, 25, [
        G("ECO", "environmental_permits", 15, r=30, docs="bl:0.05"),
        G("AGR", "animal_health", 20, r=60, x=120, a=15, s=5, docs="bl:0.05;eiaf:0.05;lcc:0.10"),
    ], "new and expanded pig and poultry farms"),
    Svc("Retirement: pension then medical insurance then provident fund", C, 5000, 25, [
        G("HRS", "social_insurance", 25, r=45, a=10, s=5, docs="id:0.05;hh:0.10", sb=0.05),
        G("MED", "medical_insurance", 10, r=10, docs="ret:0.05;id:0.05"),
        G("HPF", "housing_provident_fund", 15, r=10, a=3, docs="ret:0.05;id:0.05"),
    ], "~1% of residents retire a year"),
    Svc("Death: deregistration then funeral subsidy then pension then medical insurance", C, 4000, 25, [
        G("PSB", "household_registration", 10, docs="dmc:0.08;hh:0.10;id:0.05"),
        G("CIV", "funeral_and_burial", 10, r=10, a=3, docs="hdr:0.05;crem:0.10"),
        G("HRS", "social_insurance", 15, r=20, a=5, docs="hdr:0.05;id:0.05"),
        G("MED", "medical_insurance", 10, docs="hdr:0.05"),
    ], "~7 deaths per 1000 residents; the family visits four halls"),
    Svc("Birth: registration then medical insurance then social security card", C, 5500, 20, [
        G("PSB", "household_registration", 15, r=10, docs="bmc:0.08;hh:0.10;mar:0.10;id:0.05"),
        G("MED", "medical_insurance", 8, docs="hh:0.05"),
        G("HRS", "social_insurance", 8, s=4, docs="hh:0.05"),
    ], "~10 births per 1000 residents"),
    Svc("Veteran resettlement then insurance continuation", C, 300, 30, [
        G("VET", "veterans_affairs", 30, r=60, a=20, s=5, docs="vet:0.08;id:0.05"),
        G("HRS", "social_insurance", 15, r=20, docs="vet:0.05"),
        G("MED", "medical_insurance", 10, docs="vet:0.05"),
    ], "discharged soldiers returning to the county"),
    Svc("Private training institution: licence then registration", B, 60, 40, [
        G("EDU", "education", 20, r=60, x=90, a=20, s=5, docs="id:0.05;re:0.15;fic:0.10"),
        G("CIV", "social_organisations", 20, r=45, a=10, s=5, docs="schl:0.05;id:0.05"),
    ], "tutoring schools and kindergartens (non-profit)"),
    Svc("Private clinic: licence then registration then medical insurance agreement", B, 40, 45, [
        G("HEA", "medical_institutions", 20, r=60, x=120, a=20, s=5, docs="id:0.05;re:0.15;acad:0.05"),
        G("MSB", "business_registration", 20, r=15, s=5, docs="mil:0.05;id:0.05"),
        G("MED", "medical_insurance", 15, r=60, x=90, a=15, docs="bl:0.05;mil:0.05"),
    ], "new clinics seeking medical-insurance designation"),
    Svc("Retail pharmacy: drug licence then medical insurance agreement", B, 60, 40, [
        G("MSB", "food_and_drug_safety", 20, r=30, x=90, a=15, s=5, docs="bl:0.05;re:0.10"),
        G("MED", "medical_insurance", 15, r=60, x=90, a=15, docs="bl:0.05;dbl:0.05"),
    ], "new pharmacies"),
    Svc("Road freight business: transport licence then scope change then vehicle certificates", B, 300, 25, [
        G("TRA", "road_transport", 20, r=45, x=60, a=15, s=5, docs="bl:0.05;id:0.05", tag="tra_licence"),
        G("MSB", "business_registration", 15, r=10, s=5, docs="bl:0.05;rtl:0.05"),
        G("TRA", "road_transport", 15, s=5, docs="rtl:0.05;vrc:0.08", tag="tra_vehicles"),
    ], "new freight operators"),
    Svc("Hazardous chemicals dealer: licence then business scope", B, 100, 30, [
        G("EMG", "hazardous_chemicals", 20, r=60, x=120, a=20, s=5, docs="bl:0.05"),
        G("MSB", "business_registration", 15, r=10, s=5, docs="bl:0.05;hcl:0.05"),
    ], "new chemical traders"),
    Svc("Foreign-invested enterprise establishment", B, 60, 8, [
        G("COM", "commerce_and_trade", 20, r=40, s=5),
        G("MSB", "business_registration", 25, r=20, a=5, s=5, docs="re:0.15"),
    ], "foreign-investment filing then registration"),
    Svc("Urban road excavation: urban management then traffic police", B, 300, 10, [
        G("LAW", "urban_management", 15, r=30, x=45, a=10, s=5, docs="bl:0.05;cp:0.05"),
        G("PSB", "vehicles_and_drivers", 15, r=20, a=5, s=5, docs="bl:0.05"),
    ], "pipes and cables under town roads"),
    Svc("Highway excavation and occupation: transport then traffic police", B, 150, 15, [
        G("TRA", "highways", 15, r=40, x=60, a=15, s=5, docs="bl:0.05"),
        G("PSB", "vehicles_and_drivers", 15, r=20, a=5, s=5, docs="bl:0.05"),
    ], "works on county highways"),
    Svc("Large public event: fire check then police permit", B, 40, 15, [
        G("FIRE", "fire_safety", 15, r=30, x=120, a=10, s=5, docs="bl:0.05"),
        G("PSB", "public_order", 30, r=120, x=180, a=30, s=5, docs="bl:0.05;fic:0.05"),
    ], "concerts and fairs over 1000 people"),
]

# ---------------------------------------------------------------------------
# Scenario-level settings written into small-department.ron
# ---------------------------------------------------------------------------

START_DATE = (2017, 1, 2)   # first Monday of 2017 (itself a holiday: New Year observed)
HORIZON_DAYS = 364  # 2017-01-02 to 2017-12-31: the calendar year 2017, no stray day of 2018
WARMUP_DAYS = 28

# Weekday public holidays inside the horizon (State Council notice on the 2017
# holidays, 国办发明电〔2016〕17号, www.gov.cn, and on 2018 New Year's Day), and the
# weekend make-up working days (调休上班) of the same notice.
HOLIDAYS = [
    ("2017-01-02", "New Year's Day (1 Jan fell on a Sunday)"),
    ("2017-01-27", "Spring Festival eve"),
    ("2017-01-30", "Spring Festival"),
    ("2017-01-31", "Spring Festival"),
    ("2017-02-01", "Spring Festival"),
    ("2017-02-02", "Spring Festival"),
    ("2017-04-03", "Qingming (make-up day Sat 1 Apr)"),
    ("2017-04-04", "Qingming"),
    ("2017-05-01", "Labour Day"),
    ("2017-05-29", "Dragon Boat Festival (make-up day Sat 27 May)"),
    ("2017-05-30", "Dragon Boat Festival"),
    ("2017-10-02", "National Day and Mid-Autumn (make-up day Sat 30 Sep)"),
    ("2017-10-03", "National Day"),
    ("2017-10-04", "National Day and Mid-Autumn"),
    ("2017-10-05", "National Day"),
    ("2017-10-06", "National Day"),
]
MAKE_UP_DAYS = [
    ("2017-01-22", "Sunday, for the Spring Festival"),
    ("2017-02-04", "Saturday, for the Spring Festival"),
    ("2017-04-01", "Saturday, for Qingming"),
    ("2017-05-27", "Saturday, for the Dragon Boat Festival"),
    ("2017-09-30", "Saturday, for National Day and Mid-Autumn"),
]

OPENING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]   # 7.5 h a day
OPEN_HOURS_PER_DAY = 7.5

# [A16] Arrival profiles: relative weights. The engine spreads a service's yearly
# volume over the hours of the year in proportion to hour x weekday x month weight
# (holidays weigh zero). Hour h covers h:00-h+1:00, so the 08 weight also brings
# people who queue before the doors open at 08:30 and the 13 weight people who wait
# for the 13:30 reopening; 12 and 17 onwards are zero, so nobody arrives during the
# lunch closure or in the last half hour, which drains the queues. Shapes are
# assumptions after the usual hall pattern: a morning peak at 09-11, a smaller
# afternoon one, Mondays busiest, a dip at the Spring Festival and Golden Week.
# Peak hour intensity is about 1.2x the open-hours mean; Monday 1.1x; January 1.1x.
PROFILES = OrderedDict([
    ("citizen", {
        "hour_of_day": [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.3, 1.3, 1.0, 0, 0.5, 1.1, 1.1, 0.9, 0, 0, 0, 0, 0, 0, 0],
        "day_of_week": [1.1, 1.0, 1.0, 1.0, 1.0, 0, 0],
        "month_of_year": [1.08, 0.85, 1.05, 1.0, 1.0, 1.0, 1.05, 1.05, 1.0, 0.92, 1.0, 1.0],
        "why": "residents: morning peak, Monday peak, busy before the Spring Festival and in the summer holidays",
    }),
    ("business", {
        "hour_of_day": [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.2, 1.4, 1.1, 0, 0.4, 1.2, 1.3, 1.0, 0, 0, 0, 0, 0, 0, 0],
        "day_of_week": [1.1, 1.05, 1.0, 1.0, 0.95, 0, 0],
        "month_of_year": [1.05, 0.8, 1.1, 1.0, 1.0, 1.05, 1.0, 0.95, 1.0, 0.9, 1.0, 1.08],
        "why": "firms and their agents: later morning start, spring start-up after the festival, year-end rush",
    }),
])

# [A17] Applicant burden (Standard Cost Model: price x time x quantity, SOURCES:
# "Applicant burden"). Value of time: Zhejiang average pay 2022, CNY 128,825 a
# year (SOURCES: "Staff and cost") over 2,000 working hours = CNY 64.4 an hour.
VALUE_OF_TIME_CNY_PER_HOUR = 128825.0 / 2000.0
TRAVEL_HOURS_PER_TRIP = 1.0        # assumption: round trip to the county hall by bus or car
DOCUMENT_HOURS_PER_MISSING = 3.0   # assumption: getting a missing certificate or copy

# [A14] Patience in in-person queues: exponential; mean 60 min for a quick
# while-you-wait citizen item, 90 min for other citizen items, 120 min for firms
# (an agent paid to get it done waits longer). Assumptions.
PATIENCE_QUICK, PATIENCE_CITIZEN, PATIENCE_BUSINESS = 60.0, 90.0, 120.0

# Online share is zero in the baseline: online service is a later reform lever.
ONLINE_SHARE = 0.0

KIND_WORDS = {
    "intake": "window intake and document check",
    "review": "back-office review",
    "inspect": "site inspection incl. travel",
    "approve": "leader sign-off",
    "issue": "result collected in person",
}


# ---------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------

class StepRec:
    def __init__(self, service, name, dept, function, kind, role, work, docs, sb_to, sb_p, note, personal=False):
        self.service, self.name, self.dept, self.function = service, name, dept, function
        self.kind, self.work, self.docs = kind, work, docs
        self.role = role
        self.in_person = self.role == "window_clerk"
        self.personal = personal
        # [A18] predecessors once a regulation revision allows parallel approval
        # (并联审批); None: the same as in the baseline (the previous row).
        self.after_revised = None
        self.sb_to, self.sb_p, self.note = sb_to, sb_p, note
        self.mean = mean_of(work)


def patience_of(svc, recs):
    if svc.patience is not None:
        return svc.patience
    if svc.profile == B:
        return PATIENCE_BUSINESS
    return PATIENCE_QUICK if len(recs) == 1 else PATIENCE_CITIZEN


def build_steps(svc, reviewer_inspects=frozenset(), dept_name=None):
    """Step records of a service. Departments in `reviewer_inspects` have too little
    site work for an inspection team [A7]: their reviewing officer makes the visit.
    `dept_name` maps the segments' department keys to names (default: this county's)."""
    dept_name = DEPT_NAME if dept_name is None else dept_name
    multi = len(svc.segs) > 1
    recs = []
    by_segment = []
    for seg in svc.segs:
        tag = seg.tag or seg.dept.lower()
        single = not multi and len(seg.times) == 1
        names = {kind: (f"{tag}_{kind}" if multi else kind) for kind, _m in seg.times}
        unknown = seg.personal - {kind for kind, _m in seg.times if ROLE_OF[kind] == "window_clerk"}
        if unknown:
            raise ValueError(f"{svc.name}: personal {sorted(unknown)} is not a window step of the segment")
        by_segment.append([])
        for kind, m in seg.times:
            work = work_of(kind, float(m), single)
            docs = [(DOCUMENTS[a][0], p) for a, p in seg.docs] if kind == "intake" else []
            sb_to, sb_p = None, None
            if seg.sb and seg.sb[0] == kind:
                sb_to, sb_p = names[seg.sb[1]], seg.sb[2]
            words = "done while the applicant waits" if single else KIND_WORDS[kind]
            role = ROLE_OF[kind]
            if kind == "inspect" and seg.dept in reviewer_inspects:
                role = "reviewer"
                words += " by the reviewing officer (no separate inspection team [A7])"
            note = f"{dept_name[seg.dept]}: {words}; {fmt(float(m))} min mean [A3]"
            if docs:
                note += "; missing-document rates [A6]"
            if sb_to:
                note += f"; {int(round(sb_p * 100))}% sent back to {sb_to} [A6]"
            personal = kind in seg.personal
            if personal:
                note += "; " + PERSONAL_WORDS[kind] + " [A18]"
            rec = StepRec(svc.name, names[kind], seg.dept, seg.function, kind, role, work, docs, sb_to, sb_p, note,
                          personal)
            recs.append(rec)
            by_segment[-1].append(rec)
    if multi:
        revise_for_parallel_approval(by_segment)
    return recs


# [A18] Words for the notes of steps that need the applicant themselves.
PERSONAL_WORDS = {
    "intake": "the applicant must appear in person for themselves (identity, interview or signature)",
    "issue": "the applicant signs or receives the result in person",
}


def revise_for_parallel_approval(segments):
    """[A18] Precedence of a serial chain once a regulation revision allows
    parallel approval (并联审批): every later department's intake can start as soon
    as the first department has taken the application in (the one-window reform
    routes the file internally), each department then works through its own steps
    in order, and the lead (last) department's sign-off - or its last step if it
    signs nothing - waits for the results of all the others. Each department keeps
    its own window intake, as in the baseline."""
    first_intake = segments[0][0].name
    lead = segments[-1]
    join = next((r for r in lead if r.kind == "approve"), lead[-1])
    others = [seg[-1].name for seg in segments[:-1]]
    for seg in segments[1:]:
        seg[0].after_revised = [first_intake]
        seg[0].note += f"; parallel once revised: starts after {first_intake} [A18]"
    i = lead.index(join)
    own = [lead[i - 1].name] if i > 0 else []
    join.after_revised = own + [o for o in others if o not in own]
    join.note = join.note.split("; parallel once revised")[0]
    join.note += "; parallel once revised: joins " + ", ".join(join.after_revised) + " [A18]"


def visits_of(recs):
    """Expected passes through each step per case: a missing document repeats the
    step (geometric, with the same probability each time: conservative), and a
    send-back repeats every step from its target to itself."""
    v = []
    for r in recs:
        f = 1.0
        for _d, p in r.docs:
            f /= (1.0 - p)
        v.append(f)
    index = {r.name: i for i, r in enumerate(recs)}
    for i, r in enumerate(recs):
        if r.sb_to:
            for k in range(index[r.sb_to], i + 1):
                v[k] /= (1.0 - r.sb_p)
    return v


def fetch_days_of(svc):
    days = [DOCUMENTS[a][2] for seg in svc.segs for a, _p in seg.docs]
    return max(days) if days else 1.0


def round_half_up(x):
    return int(math.floor(x + 0.5))


def overhead_premises(case_staff):
    for limit, amount in OVERHEAD_PREMISES_TIERS:
        if case_staff < limit:
            return amount
    raise AssertionError


def calendar_open_hours(start_date=None, horizon_days=None, holiday_list=None, make_up_list=None):
    """Open days and hours of the horizon (default: this county's 2017 calendar)."""
    import datetime
    start = datetime.date(*(START_DATE if start_date is None else start_date))
    holidays = {h for h, _w in (HOLIDAYS if holiday_list is None else holiday_list)}
    make_up = {m for m, _w in (MAKE_UP_DAYS if holiday_list is None else (make_up_list or []))}
    days = 0
    for d in range(HORIZON_DAYS if horizon_days is None else horizon_days):
        day = start + datetime.timedelta(days=d)
        if (day.weekday() < 5 and day.isoformat() not in holidays) or day.isoformat() in make_up:
            days += 1
    return days, days * OPEN_HOURS_PER_DAY


# [A7] A bureau keeps a separate inspection team only if it has at least 0.4 of a
# person's year of site work (0.4 x 1,875 h); otherwise the reviewing officer makes
# the site visits (common in small county bureaus). Assumption.
MIN_INSPECTION_HOURS = 0.4 * HOURS_PER_STAFF_YEAR


def build(catalogue=None, departments=None, dept_name=None):
    """Steps, hours and staff of a catalogue (default: this county's). Another
    scenario (data/shunde/generate.py) passes its own catalogue, departments
    (tuples whose first item is the key) and department names."""
    _services, first_hours, _s, _c, _r = build_pass(frozenset(), catalogue, departments, dept_name)
    reviewer_inspects = frozenset(d for (d, role), h in first_hours.items()
                                  if role == "inspector" and h < MIN_INSPECTION_HOURS)
    return build_pass(reviewer_inspects, catalogue, departments, dept_name) + (reviewer_inspects,)


def build_pass(reviewer_inspects, catalogue=None, departments=None, dept_name=None):
    catalogue = CATALOGUE if catalogue is None else catalogue
    departments = DEPARTMENTS if departments is None else departments
    services = []
    hours = defaultdict(float)           # (dept, role) -> yearly work hours
    step_count = defaultdict(int)        # (dept, role) -> number of step types
    rework_base = rework_full = 0.0
    for svc in catalogue:
        recs = build_steps(svc, reviewer_inspects, dept_name)
        visits = visits_of(recs)
        for i, r in enumerate(recs):
            key = (r.dept, r.role)
            base = svc.volume * r.mean / 60.0
            rework_base += base
            rework_full += base * visits[i]
            hours[key] += base * visits[i]
            step_count[key] += 1
            if i > 0:
                effort = HANDOFF_WITHIN[1] if recs[i - 1].dept == r.dept else HANDOFF_BETWEEN[1]
                hours[key] += svc.volume * visits[i] * effort / 60.0
        services.append((svc, recs, visits))

    capacity = HOURS_PER_STAFF_YEAR * TARGET_UTILISATION
    staff = OrderedDict()  # (dept, role) -> count
    window_depts = {d for (d, role) in hours if role == "window_clerk"}
    for key, _d in [((d[0], role), None) for d in departments for role in ROLE_ORDER]:
        if key not in hours:
            continue
        floor = MIN_WINDOW_CLERKS if key[1] == "window_clerk" else MIN_STAFF
        staff[key] = max(floor, math.ceil(hours[key] / capacity - 1e-9))
    assert window_depts <= {d for (d, role) in staff if role == "window_clerk"}
    return services, hours, staff, step_count, (rework_full / rework_base - 1.0)


ROLE_ORDER = ["window_clerk", "reviewer", "approver", "inspector"]


def department_facts(staff, departments=None):
    facts = OrderedDict()
    for key, *_rest in (DEPARTMENTS if departments is None else departments):
        case_staff = sum(c for (d, _r), c in staff.items() if d == key)
        windows = staff.get((key, "window_clerk"), 0)
        premises = overhead_premises(case_staff)
        facts[key] = {
            "case_staff": case_staff,
            "windows": windows,
            "premises": premises,
            "overhead": OVERHEAD_LEADERSHIP_CNY + premises,
            "rule_overhead": rule_overhead(case_staff, windows, posts_quota(1), 1),
        }
    return facts


def super_facts(facts):
    out = OrderedDict()
    for g, (name, zh) in SUPER.items():
        members = [d[0] for d in DEPARTMENTS if d[3] == g]
        premises = sum(facts[k]["premises"] for k in members)
        out[g] = {
            "members": members,
            "windows": sum(facts[k]["windows"] for k in members),
            "case_staff": sum(facts[k]["case_staff"] for k in members),
            "sum_overhead": sum(facts[k]["overhead"] for k in members),
            "overhead": SUPER_LEADERSHIP_CNY + SUPER_DIVISION_CNY * len(members) + SUPER_PREMISES_SHARE * premises,
            # [A19]: at the merger every post of the bodies is still held; once the
            # surplus has left, only the new department's quota (its bodies' divisions
            # move in unchanged).
            "sum_rule_overhead": sum(facts[k]["rule_overhead"] for k in members),
            "rule_overhead_at_merger": rule_overhead(
                sum(facts[k]["case_staff"] for k in members), sum(facts[k]["windows"] for k in members),
                posts_quota(1) * len(members), 1),
            "rule_overhead_regrouped": rule_overhead(
                sum(facts[k]["case_staff"] for k in members), sum(facts[k]["windows"] for k in members),
                posts_quota(len(members)), 1),
            "posts_at_merger": posts_quota(1) * len(members),
            "posts_quota": posts_quota(len(members)),
        }
    return out


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    return buf.getvalue()


def documents_csv(services, holder_of=None):
    """`holder_of(alias, county holder key)` gives (holder name, Chinese name);
    default: this county's departments."""
    used = {d for _svc, recs, _v in services for r in recs for d, _p in r.docs}
    rows = []
    for alias, (name, holder, days, note) in DOCUMENTS.items():
        if name in used:
            held, zh = (DEPT_NAME[holder], DEPT[holder][2]) if holder_of is None else holder_of(alias, holder)
            rows.append([name, held, f"{note}; held by {zh}; {fmt(days)} days to fetch if missing [A5]"])
    return csv_text(["name", "held_by", "note"], rows)


def staff_csv(staff, hours, dept_name=None):
    DEPT_NAME = globals()["DEPT_NAME"] if dept_name is None else dept_name
    rows = []
    for (dept, role), count in staff.items():
        util = hours[(dept, role)] / (count * HOURS_PER_STAFF_YEAR)
        basis = f"{hours[(dept, role)]:.0f} h/yr of case work, utilisation {util:.2f} [A7]"
        if role == "window_clerk":
            contract = min(count - 1, round_half_up(count * CONTRACT_SHARE_OF_WINDOW_CLERKS))
            established = count - contract
            rows.append([DEPT_NAME[dept], role, "established", established, fmt(COST_ESTABLISHED_CNY),
                         f"{basis}; {count} window clerks in all; pay: SOURCES Zhejiang public administration 2022"])
            if contract:
                rows.append([DEPT_NAME[dept], role, "contract", contract, fmt(COST_CONTRACT_CNY),
                             f"{contract} of {count} window clerks on contract [A9]; cost assumed [A8]"])
        else:
            rows.append([DEPT_NAME[dept], role, "established", count, fmt(COST_ESTABLISHED_CNY),
                         f"{basis}; pay: SOURCES Zhejiang public administration 2022"])
    return csv_text(["department", "role", "employment", "count", "annual_cost_cny", "note"], rows)


def services_csv(services, dept_name=None):
    DEPT_NAME = globals()["DEPT_NAME"] if dept_name is None else dept_name
    rows = []
    for svc, recs, _v in services:
        depts = []
        for r in recs:
            if DEPT_NAME[r.dept] not in depts:
                depts.append(DEPT_NAME[r.dept])
        chain = "; serial chain: " + " -> ".join(depts) if len(depts) > 1 else ""
        note = f"volume assumed [A2]: {svc.note}{chain}; time limit [A15]; patience [A14]; fetch days [A5]"
        rows.append([svc.name, fmt(svc.volume), svc.profile, svc.limit, fmt(patience_of(svc, recs)),
                     fmt(ONLINE_SHARE), fmt(fetch_days_of(svc)), note])
    return csv_text(["name", "volume_per_year", "profile", "time_limit_working_days", "patience_minutes",
                     "online_share", "document_fetch_days", "note"], rows)


def steps_csv(services):
    rows = []
    for svc, recs, _v in services:
        for i, r in enumerate(recs):
            kind, mean, cv, lo, mode, hi = r.work
            cell = lambda x: "" if x is None else fmt(round(x, 2))
            rows.append([
                svc.name, r.name, r.function, r.role, kind, cell(mean), cell(cv), cell(lo), cell(mode), cell(hi),
                "true" if r.in_person else "false",
                "start" if i == 0 else "",
                ";".join(f"{d}:{fmt(p)}" for d, p in r.docs),
                r.sb_to or "", fmt(r.sb_p) if r.sb_to else "",
                "true" if r.personal else "false",
                ";".join(r.after_revised) if r.after_revised is not None else "",
                r.note,
            ])
    return csv_text(["service", "step", "function", "role", "work", "mean_minutes", "cv", "min_minutes",
                     "mode_minutes", "max_minutes", "in_person", "after", "documents", "send_back_to",
                     "send_back_probability", "personal", "after_when_revised", "note"], rows)


def ron_floats(values):
    return "[" + ", ".join(fmt(float(v)) for v in values) + "]"


def small_department_ron(staff, facts, services, hours):
    open_days, open_hours = calendar_open_hours()
    total_volume = sum(svc.volume for svc, _r, _v in services)
    L = []
    a = L.append
    a("// reformsim scenario: a Zhejiang county in the small-department structure (小部制).")
    a("//")
    a("// GENERATED by data/county/generate.py: change the script, not this file, then run")
    a("//     python3 data/county/generate.py")
    a("// Numbers cite docs/sources.md (\"SOURCES: <section>\") or are assumptions")
    a("// [A1]..[A19], explained in data/county/README.md.")
    a("//")
    a(f"// {len(DEPARTMENTS)} departments, {len(services)} service types, {total_volume:,.0f} cases a year,")
    a(f"// {sum(staff.values())} case-working staff. Every department has its own windows and the")
    a("// applicant visits them in turn (serial, separated handling: 串联式, 分立式).")
    a("Scenario(")
    a('    name: "small-department",')
    a('    description: "A Zhejiang county of about 550,000 people in 2017: 36 narrow departments, each with its own windows; multi-department services visit them in turn.",')
    a("    extends: None,")
    a("    // 2017: the year Zhejiang's \"at most one trip\" reform began (SOURCES: Service catalogues).")
    a("    // Monday 2 January; itself a holiday, inside the warm-up.")
    a('    start_date: "2017-01-02",')
    a(f"    horizon_days: {HORIZON_DAYS}, // 2017-01-02 to 2017-12-31")
    a(f"    warmup_days: {WARMUP_DAYS}, // assumption: four weeks fill the back-office queues (limits run to 100 working days, but volume is in short items)")
    a("    calendar: Working(")
    a("        // Assumption: the usual opening hours of a Zhejiang county administrative service hall, 7.5 h a day.")
    a("        opening_hours: [" + ", ".join(f'(start: "{s}", end: "{e}")' for s, e in OPENING_HOURS) + "],")
    a("        working_days: [Mon, Tue, Wed, Thu, Fri],")
    a("        // Weekday public holidays and weekend make-up working days (调休上班) of the State Council")
    a("        // notice 国办发明电〔2016〕17号 (www.gov.cn), so the horizon has {open_days} open days".replace("{open_days}", str(open_days)))
    a(f"        // ({open_hours:.0f} open hours); as 2017 officially had.")
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
    a(f"        value_of_time_cny_per_hour: {fmt(round(VALUE_OF_TIME_CNY_PER_HOUR, 2))}, // Zhejiang average pay 2022, CNY 128,825 a year / 2,000 h (SOURCES: Staff and cost) [A17]")
    a(f"        travel_hours_per_trip: {fmt(TRAVEL_HOURS_PER_TRIP)}, // assumption: round trip to the county hall [A17]")
    a(f"        document_hours_per_missing: {fmt(DOCUMENT_HOURS_PER_MISSING)}, // assumption: obtaining a missing certificate or copy [A17]")
    a("    ),")
    a("    // Relative weights [A16]: hour h covers h:00-h+1:00 (the 08 and 13 weights include people")
    a("    // queueing before the doors open); zero at lunch, after 17:00, at night and at weekends.")
    a("    arrival_profiles: {")
    for name, p in PROFILES.items():
        a(f'        // {p["why"]} (assumption)')
        a(f'        "{name}": (')
        a(f'            hour_of_day: {ron_floats(p["hour_of_day"])},')
        a(f'            day_of_week: {ron_floats(p["day_of_week"])}, // Mon..Sun')
        a(f'            month_of_year: {ron_floats(p["month_of_year"])}, // Jan..Dec')
        a("        ),")
    a("    },")
    a("    // Each function is held by exactly one department (see `departments`).")
    a("    functions: [")
    for key, name, zh, group, functions in DEPARTMENTS:
        a(f"        // {name} ({zh})")
        for f, what in functions:
            a(f'        "{f}", // {what}')
    a("    ],")
    a("    // [A19] Overheads follow from these post rules (no department types one in): a head, three")
    a("    // deputies and a head per division (a bureau is one division), all at the average pay in public")
    a("    // administration, Zhejiang 2022 (SOURCES: Staff and cost); office space per member of staff or")
    a("    // post holder, hall space per window and IT per department are assumptions, as is the exit rate")
    a("    // of surplus posts after a merger (retirement of leaders aged 45-60 plus resignations).")
    a("    posts: (")
    a(f"        heads_per_department: {POST_HEADS_PER_DEPARTMENT},")
    a(f"        deputies_per_department: {POST_DEPUTIES_PER_DEPARTMENT},")
    a(f"        heads_per_division: {POST_HEADS_PER_DIVISION},")
    a(f"        head_annual_cost_cny: {fmt(POST_PAY_CNY)},")
    a(f"        deputy_annual_cost_cny: {fmt(POST_PAY_CNY)},")
    a(f"        division_head_annual_cost_cny: {fmt(POST_PAY_CNY)},")
    a(f"        office_cny_per_staff_per_year: {fmt(OFFICE_CNY_PER_STAFF)},")
    a(f"        office_cny_per_window_per_year: {fmt(OFFICE_CNY_PER_WINDOW)},")
    a(f"        it_cny_per_department_per_year: {fmt(IT_CNY_PER_DEPARTMENT)},")
    a(f"        surplus_exit_rate_per_year: Some({fmt(SURPLUS_EXIT_RATE)}),")
    a("    ),")
    a("    // windows: one per window clerk [A7]; clerks are sized by the staffing rule in generate.py.")
    a("    departments: [")
    for key, name, zh, group, functions in DEPARTMENTS:
        f = facts[key]
        fl = ", ".join(f'"{x}"' for x, _w in functions)
        a(f"        // {zh}: {f['case_staff']} case-working staff, {f['windows']} window clerks; "
          f"overhead CNY {f['rule_overhead'] / 1e6:.2f}M a year [A19]")
        a(f'        (name: "{name}", functions: [{fl}],')
        a(f"         windows: {f['windows']}),")
    a("    ],")
    a("    // Every department serves its own window steps at its own windows.")
    a("    front_office: PerDepartment,")
    a("    handoff: (")
    a(f"        // [A10] assumption: two working days in the next department's in-tray or until the applicant")
    a(f"        // gets there, and 20 minutes of the receiver re-checking what was already checked (部门扯皮).")
    a(f"        between_departments: (delay_hours: {fmt(HANDOFF_BETWEEN[0])}, effort_minutes: {fmt(HANDOFF_BETWEEN[1])}),")
    a(f"        // [A10] assumption: the file moves to the next desk the same morning; five minutes to pick it up.")
    a(f"        within_department: (delay_hours: {fmt(HANDOFF_WITHIN[0])}, effort_minutes: {fmt(HANDOFF_WITHIN[1])}),")
    a("    ),")
    a("    // Catalogue rows live in CSV files generated by data/county/generate.py; each row's")
    a("    // `note` column says where its numbers come from. steps.csv also marks the window steps")
    a("    // that need the applicant themselves (`personal`) and the parallel precedence a revised")
    a("    // regulation would allow in the serial chains (`after_when_revised`) [A18]; both act only")
    a("    // under reforms (OneWindow; RegulationRevision with IntegratedService).")
    a("    documents: [],")
    a('    documents_csv: Some("../data/county/documents.csv"),')
    a("    staff: [],")
    a('    staff_csv: Some("../data/county/staff.csv"),')
    a("    services: [],")
    a('    services_csv: Some((services: "../data/county/services.csv", steps: "../data/county/steps.csv")),')
    a(")")
    return "\n".join(L) + "\n"


def super_department_ron(facts, sfacts):
    L = []
    a = L.append
    a("// reformsim scenario: the same county in the super-department structure (大部制).")
    a("//")
    a("// GENERATED by data/county/generate.py: change the script, not this file, then run")
    a("//     python3 data/county/generate.py")
    a("//")
    a("// The seed text proposes five departments by the four functions of government (economic")
    a("// regulation, market supervision, social management, public services) plus party affairs")
    a("// and coordination: 经济工作部, 社会服务部, 市场治理部, 党务工作部, 综合协调部. Which bureau goes")
    a("// where is an assumption [A13]. Staff and windows move with their bureau: each new")
    a("// department's windows are the sum of its bureaus' windows, so staffing is unchanged and")
    a("// any difference in results comes from the structure (fewer between-department handoffs,")
    a("// less overhead), not from headcount. Everything else is inherited from the baseline.")
    a("//")
    a("// Overheads follow from the post rules of small-department.ron [A19]: each merger regroups")
    a("// posts (regroup_posts: true), so a new department is entitled to one head and three deputies,")
    a("// a head for each division its bodies bring (they move in unchanged) and one IT platform.")
    a("// The posts above that quota are held from day 0 and shrink by attrition (7% a year, not")
    a("// replaced), so the saving on posts arrives over years; the IT saving at once.")
    a("Scenario(")
    a('    name: "super-department",')
    a('    description: "The county merged into the five departments the seed proposes (大部制): its 36 bodies, with the same staff and windows.",')
    a('    extends: Some("small-department.ron"),')
    a("    merge_departments: [")
    total_before = sum(f["rule_overhead"] for f in facts.values())
    total_at_merger = total_after = 0.0
    for g, (name, zh) in SUPER.items():
        s = sfacts[g]
        total_at_merger += s["rule_overhead_at_merger"]
        total_after += s["rule_overhead_regrouped"]
        a(f"        // {zh}: {len(s['members'])} bodies, {s['case_staff']} case-working staff; {s['posts_at_merger']} leadership "
          f"posts held at the merger, {s['posts_quota']} once the surplus has left; overhead CNY "
          f"{s['sum_rule_overhead'] / 1e6:.1f}M as separate bodies, {s['rule_overhead_at_merger'] / 1e6:.1f}M at the merger, "
          f"{s['rule_overhead_regrouped'] / 1e6:.1f}M after")
        a(f'        (into: "{name}", from: [')
        for k in s["members"]:
            a(f'            "{DEPT_NAME[k]}", // {DEPT[k][2]}, {facts[k]["windows"]} windows')
        a("         ],")
        a(f"         windows: {s['windows']}, regroup_posts: true),")
    a("    ],")
    a(f"    // Overhead in all [A19]: CNY {total_before / 1e6:.1f}M a year as 36 bodies; as five, CNY {total_at_merger / 1e6:.1f}M")
    a(f"    // at the merger, falling to CNY {total_after / 1e6:.1f}M once the surplus posts have left.")
    a(")")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def check(services, hours, staff, step_count, facts, sfacts, steps_text, out):
    errors, notes = [], []
    err = errors.append

    # Structure.
    if not 30 <= len(DEPARTMENTS) <= 40:
        err(f"{len(DEPARTMENTS)} departments; expected 30-40")
    if len(services) < 150:
        err(f"{len(services)} services; expected at least 150")
    names = [d[1] for d in DEPARTMENTS]
    if len(set(names)) != len(names) or len({d[0] for d in DEPARTMENTS}) != len(names):
        err("department names or keys are not unique")
    for f, holders in FUNCTION_DEPT.items():
        if len(holders) != 1:
            err(f"function {f} is held by {holders}; each needs exactly one department")
    used_functions = {r.function for _s, recs, _v in services for r in recs}
    for f in sorted(used_functions - set(FUNCTION_DEPT)):
        err(f"function {f} is used by a step but held by no department")
    for _s, recs, _v in services:
        for r in recs:
            if r.function in FUNCTION_DEPT and FUNCTION_DEPT[r.function][0] != r.dept:
                err(f"{r.service}/{r.name}: function {r.function} belongs to {FUNCTION_DEPT[r.function][0]}, not {r.dept}")
    unused = sorted(set(FUNCTION_DEPT) - used_functions)
    if unused:
        notes.append("functions held but used by no service (policy work outside the catalogue): " + ", ".join(unused))
    svc_names = [s.name for s, _r, _v in services]
    if len(set(svc_names)) != len(svc_names):
        err("service names are not unique")
    for s in svc_names:
        if any(c in s for c in '",\n'):
            err(f"service name {s!r} contains a comma or quote")

    # Documents.
    for alias, (name, holder, _d, _n) in DOCUMENTS.items():
        if holder not in DEPT:
            err(f"document {name} is held by unknown department {holder}")
    declared = {DOCUMENTS[a][0] for a in DOCUMENTS}
    used_docs = set()
    for s, recs, _v in services:
        for r in recs:
            for d, p in r.docs:
                used_docs.add(d)
                if d not in declared:
                    err(f"{s.name}/{r.name}: document {d} not declared")
                if not MISSING_RANGE[0] <= p <= MISSING_RANGE[1]:
                    err(f"{s.name}/{r.name}: missing probability {p} of {d} outside {MISSING_RANGE}")
            if r.sb_to and not SEND_BACK_RANGE[0] <= r.sb_p <= SEND_BACK_RANGE[1]:
                err(f"{s.name}/{r.name}: send-back probability {r.sb_p} outside {SEND_BACK_RANGE}")
            if r.in_person != (r.role == "window_clerk"):
                err(f"{s.name}/{r.name}: only window steps are in person in the baseline")
        if not 1 <= s.limit <= 100:
            err(f"{s.name}: time limit {s.limit} outside 1-100 working days")
        if s.volume <= 0:
            err(f"{s.name}: volume must be positive")
    unused_docs = declared - used_docs
    if unused_docs:
        notes.append("declared documents no step asks for (left out of documents.csv): " + ", ".join(sorted(unused_docs)))

    # Step order, `after` and `send_back_to`, read back from the CSV as the loader will.
    rows = list(csv.DictReader(io.StringIO(steps_text)))
    chain_services = {s.name for s, recs_, _v in services if len({r.dept for r in recs_}) > 1}
    seen = defaultdict(list)
    previous_service = None
    for row in rows:
        s, step = row["service"], row["step"]
        if s != previous_service and s in seen:
            err(f"rows of service {s} are not consecutive")
        previous_service = s
        earlier = seen[s]
        if step in earlier or step == "start" or any(c in step for c in ";:, "):
            err(f"{s}: bad or repeated step name {step!r}")
        after = row["after"]
        if after == "start":
            if earlier:
                err(f"{s}/{step}: `start` on a step that is not the first")
        elif after == "":
            if not earlier:
                err(f"{s}/{step}: first step without `start`")
        else:
            for a_ in after.split(";"):
                if a_ not in earlier:
                    err(f"{s}/{step}: after {a_!r} is not an earlier step")
        sb = row["send_back_to"]
        if sb and sb not in earlier:
            err(f"{s}/{step}: send_back_to {sb!r} is not an earlier step")
        if bool(sb) != bool(row["send_back_probability"]):
            err(f"{s}/{step}: send_back_to and send_back_probability must be set together")
        for item in filter(None, row["documents"].split(";")):
            d, p = item.rsplit(":", 1)
            if d not in used_docs:
                err(f"{s}/{step}: document {d} not in documents.csv")
            float(p)
        # [A18] personal presence only at windows; revised precedence only in chains.
        if row["personal"] not in ("true", "false"):
            err(f"{s}/{step}: personal must be true or false")
        if row["personal"] == "true" and row["in_person"] != "true":
            err(f"{s}/{step}: personal on a step the applicant does not attend")
        revised = row["after_when_revised"]
        if revised:
            if s not in chain_services:
                err(f"{s}/{step}: after_when_revised on a single-department service")
            for a_ in revised.split(";"):
                if a_ not in earlier:
                    err(f"{s}/{step}: after_when_revised {a_!r} is not an earlier step")
        earlier.append(step)
    n_steps = len(rows)
    for s, recs_, _v in services:
        if s.name in chain_services and not any(r.after_revised for r in recs_[1:]):
            err(f"{s.name}: a serial chain without parallel precedence for a revised regulation [A18]")

    # Staffing and utilisation.
    open_days, open_hours = calendar_open_hours()
    table = []
    for key, count in staff.items():
        h = hours[key]
        u_rule = h / (count * HOURS_PER_STAFF_YEAR)
        u_cal = h / (count * open_hours)
        floor = MIN_WINDOW_CLERKS if key[1] == "window_clerk" else MIN_STAFF
        flag = ""
        if u_cal > UTILISATION_RANGE[1]:
            flag = "TOO HIGH"
            err(f"{key}: utilisation {u_cal:.2f} above {UTILISATION_RANGE[1]}")
        elif u_rule < UTILISATION_RANGE[0]:
            if count == floor:
                flag = "low: at the minimum headcount"
            else:
                flag = "low"
                if u_rule < 0.35:
                    err(f"{key}: utilisation {u_rule:.2f} with more than the minimum headcount")
        table.append((key, step_count[key], h, count, u_rule, u_cal, flag))
    for (d, role) in hours:
        if staff.get((d, role), 0) < 1:
            err(f"{d}/{role} has steps but no staff")
    for key, f in facts.items():
        has_window_steps = (key, "window_clerk") in hours
        if has_window_steps and f["windows"] < MIN_WINDOW_CLERKS:
            err(f"{key}: window steps but {f['windows']} windows")
        if f["windows"] != staff.get((key, "window_clerk"), 0):
            err(f"{key}: windows differ from window clerks")
        if not 1_500_000 <= f["overhead"] <= 4_000_000:
            err(f"{key}: overhead {f['overhead']} outside CNY 1.5-4M")
        if not 1_500_000 <= f["rule_overhead"] <= 4_000_000:
            err(f"{key}: overhead under the post rules {f['rule_overhead']:.0f} outside CNY 1.5-4M [A11]")

    # Mergers.
    grouped = [k for s in sfacts.values() for k in s["members"]]
    if sorted(grouped) != sorted(DEPT) or len(grouped) != len(set(grouped)):
        err("every department must join exactly one super-department")
    for g, s in sfacts.items():
        if not s["overhead"] < s["sum_overhead"]:
            err(f"{g}: merged overhead not below the sum of its parts")
        if not s["rule_overhead_regrouped"] < s["rule_overhead_at_merger"] <= s["sum_rule_overhead"]:
            err(f"{g}: overhead under the post rules does not fall after the merger")
    if sum(s["windows"] for s in sfacts.values()) != sum(f["windows"] for f in facts.values()):
        err("windows change in the merger")

    # Volume.
    volumes = sorted((s.volume for s, _r, _v in services), reverse=True)
    total = sum(volumes)
    if not TOTAL_VOLUME_RANGE[0] <= total <= TOTAL_VOLUME_RANGE[1]:
        err(f"total volume {total:.0f} outside {TOTAL_VOLUME_RANGE}")

    # Report.
    if out:
        p = lambda *x: print(*x, file=out)
        p(f"{'department':<52} {'role':<13} {'steps':>5} {'hours':>8} {'staff':>5} {'util':>5} {'u_cal':>5}  flag")
        for (d, role), n, h, count, u_rule, u_cal, flag in table:
            p(f"{DEPT_NAME[d]:<52} {role:<13} {n:>5} {h:>8.0f} {count:>5} {u_rule:>5.2f} {u_cal:>5.2f}  {flag}")
        p("")
        p("util: work hours / (staff x 1,875 h) [A7]; u_cal: / (staff x the calendar's "
          f"{open_hours:.0f} open hours in {open_days} days)")
        established = contract = 0
        for line in csv.DictReader(io.StringIO(staff_csv(staff, hours))):
            if line["employment"] == "established":
                established += int(line["count"])
            else:
                contract += int(line["count"])
        cost = established * COST_ESTABLISHED_CNY + contract * COST_CONTRACT_CNY
        overhead = sum(f["rule_overhead"] for f in facts.values())
        multi = sum(1 for s, recs, _v in services if len({r.dept for r in recs}) > 1)
        p(f"departments: {len(DEPARTMENTS)}   functions: {len(FUNCTION_DEPT)}   services: {len(services)} "
          f"({multi} serial chains across departments)   steps: {n_steps}   documents: {len(used_docs)}")
        p(f"total volume: {total:,.0f} cases a year; top 10 services {sum(volumes[:10]) / total:.0%}, "
          f"services under 500 a year: {sum(1 for v in volumes if v < 500)}")
        p(f"staff: {established + contract} ({established} established, {contract} contract); "
          f"windows: {sum(f['windows'] for f in facts.values())}")
        p(f"personnel CNY {cost / 1e6:.1f}M + overhead CNY {overhead / 1e6:.1f}M = CNY {(cost + overhead) / 1e6:.1f}M a year; "
          f"super-department overhead CNY {sum(s['rule_overhead_at_merger'] for s in sfacts.values()) / 1e6:.1f}M "
          f"at the merger, {sum(s['rule_overhead_regrouped'] for s in sfacts.values()) / 1e6:.1f}M once the surplus posts "
          f"have left [A19]")
        p(f"rework from missing documents and send-backs adds {REWORK[0]:.1%} to step work (the issue's rule of thumb: ~10%)")
        low = [t for t in table if t[6]]
        at_floor = [t for t in low if t[6].startswith("low: at")]
        p(f"(department, role) pairs below utilisation {UTILISATION_RANGE[0]}: {len(low)} of {len(table)}; "
          f"{len(at_floor)} held up by the minimum headcount, {len(low) - len(at_floor)} just under it "
          f"(min {min([t[4] for t in low if t not in at_floor] or [1.0]):.2f}) from rounding up to whole persons")
        median = sorted(volumes)[len(volumes) // 2]
        p(f"volume per service: largest {volumes[0]:,.0f}, median {median:,.0f}, smallest {volumes[-1]:,.0f}")
        for n in notes + NOTES:
            p("note: " + n)
    return errors


REWORK = [0.0]
NOTES = []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ from the generated ones")
    parser.add_argument("--quiet", action="store_true", help="do not print the check table")
    args = parser.parse_args()

    services, hours, staff, step_count, rework, reviewer_inspects = build()
    NOTES.append("bureaus whose reviewing officer makes the site visits (too little site work for an "
                 "inspection team [A7]): " + ", ".join(DEPT_NAME[d] for d in sorted(reviewer_inspects)))
    REWORK[0] = rework
    facts = department_facts(staff)
    sfacts = super_facts(facts)
    files = OrderedDict([
        (os.path.join(HERE, "documents.csv"), documents_csv(services)),
        (os.path.join(HERE, "staff.csv"), staff_csv(staff, hours)),
        (os.path.join(HERE, "services.csv"), services_csv(services)),
        (os.path.join(HERE, "steps.csv"), steps_csv(services)),
        (os.path.join(SCENARIOS, "small-department.ron"), small_department_ron(staff, facts, services, hours)),
        (os.path.join(SCENARIOS, "super-department.ron"), super_department_ron(facts, sfacts)),
    ])
    errors = check(services, hours, staff, step_count, facts, sfacts,
                   files[os.path.join(HERE, "steps.csv")], None if args.quiet else sys.stdout)
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
            print(f"stale: {os.path.relpath(path)} (run python3 data/county/generate.py)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
