#!/usr/bin/env python3
"""Generates reformsim's shipped county scenario data.

Writes, next to this script:
    documents.csv, staff.csv, services.csv, steps.csv
and, in ../../scenarios/:
    small-department.ron  (the county baseline, 小部制)
    super-department.ron  (the same county regrouped into five departments, 大部制)

Every number below carries its source (an entry of /work/shared/SOURCES.md, cited
as "SOURCES: ...") or says that it is an assumption; the assumption codes [A1]..[A13]
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
# them make-up weekend days the calendar format cannot express) = 1,875 h.
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
# 2.0M) and one shared hall and IT platform: 80% of the premises-and-IT parts of
# the bureaus it absorbs (sharing saves a fifth). Assumption.
SUPER_LEADERSHIP_CNY = 2_000_000.0
SUPER_PREMISES_SHARE = 0.8

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

    def __init__(self, dept, function, i, r=0, x=0, a=0, s=0, docs="", sb=None, tag=None, why=""):
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


class Svc:
    def __init__(self, name, profile, volume, limit, segs, note, patience=None):
        self.name, self.profile, self.volume, self.limit = name, profile, float(volume), limit
        self.segs = segs if isinstance(segs, list) else [segs]
        self.note = note
        self.patience = patience


G = Seg  # short alias for the catalogue below
