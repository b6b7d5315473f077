//! The reform levers (DOMAIN.md §3), one module each, and the registry that the
//! scenario loader, the daily schedule, the dashboard and the docs read.
//!
//! A lever's module holds everything about it: its file form (a serde struct
//! written as `Name(field: …)` in a scenario's `reforms`), its validation against
//! the model ([`Check`]), its validated form, its daily effect ([`Today`]: the
//! strengths the case flow reads, the costs, the staff and structure orders the
//! engine carries out) and its doc.
//!
//! **Adding a lever**: write `src/levers/<name>.rs` with a `Raw` struct
//! (implementing [`RawForm`] and [`Build`]) and a `Valid` struct (implementing
//! [`Effect`]), then add one line to the [`registry!`] call below.
//!
//! This module sits below `scenario` and `engine`: it imports neither (they both
//! import it), so it talks to them through [`Check`], [`Today`] and [`Order`].

pub mod adoption;
pub mod contract_staff;
pub mod cross_training;
pub mod data_sharing;
pub mod due_date_priority;
pub mod error_tolerance;
pub mod headcount;
pub mod integrated_service;
pub mod merger;
pub mod one_window;
pub mod online;
pub mod online_listening;
pub mod recruitment;
pub mod redeployment;
pub mod regulation_revision;
pub mod remote_identity;
pub mod standardisation;
pub mod strengths;
pub mod supervision;

use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, MapAccess, VariantAccess, Visitor};

pub use strengths::{ServiceStrengths, Strengths};

use crate::domain::{DepartmentId, Employment, FunctionId, Minutes, Role};

/// What is wrong with `value` where a number above zero is needed: one that is
/// not finite (`inf`, `NaN`) is said to be that, not to be below zero.
pub fn positive_problem(what: &str, value: f64) -> Option<String> {
    if !value.is_finite() {
        Some(format!("{what} must be a finite number, found {value}"))
    } else if value <= 0.0 {
        Some(format!("{what} must be positive, found {value}"))
    } else {
        None
    }
}

/// What a lever's validation may ask of the model being built and how it reports
/// problems (implemented by the scenario validator).
pub trait Check {
    /// A problem at the first occurrence of `anchor` in the file.
    fn at(&mut self, anchor: &str, message: String);
    /// `value` must be a share in [0, 1].
    fn share(&mut self, anchor: &str, what: &str, value: f64);
    /// `value` must be finite and zero or more.
    fn non_negative(&mut self, anchor: &str, what: &str, value: f64);
    /// A problem with the reform's field `what`: at the field where the reform
    /// writes it, else at `anchor` in the reform.
    fn at_field(&mut self, anchor: &str, what: &str, message: String);
    /// `value` must be an amount of money: zero or more, within the scenario's
    /// limit of money in one field (`MAX_CNY`).
    fn money(&mut self, anchor: &str, what: &str, value: f64);
    /// `n` must be a headcount or a number of windows within the scenario's
    /// limit of one group's staff (`MAX_COUNT`).
    fn count(&mut self, anchor: &str, what: &str, n: u32);
    /// `minutes` must be a distribution of work as a step's is (positive means,
    /// ordered bounds, values in the list, within the limits).
    fn minutes(&mut self, anchor: &str, what: &str, minutes: &Minutes);
    /// `value`, zero or more, is a duration in units of `unit_minutes` minutes
    /// within the limit of one duration (`MAX_MINUTES`).
    fn duration(&mut self, anchor: &str, what: &str, value: f64, unit_minutes: f64);
    /// `factor` on work time must stay within the limit (`MAX_WORK_FACTOR`).
    fn work_factor(&mut self, anchor: &str, what: &str, factor: f64);
    /// The services named (empty: all), as a mask; unknown names are reported.
    fn services(&mut self, names: &[String]) -> Vec<bool>;
    /// The department named; an unknown name is reported.
    fn department(&mut self, name: &str) -> Option<DepartmentId>;
    /// The function named; an unknown name is reported.
    fn function(&mut self, name: &str) -> Option<FunctionId>;
    /// Departments so far.
    fn departments(&self) -> usize;
    /// Per service: who applies.
    fn service_groups(&self) -> Vec<crate::domain::ApplicantGroup>;
    /// Whether `department` holds the data of some document.
    fn holds_documents(&self, department: DepartmentId) -> bool;
    /// The workforce's cost of a contract hire, CNY per year (0: none set).
    fn contract_annual_cost_cny(&self) -> f64;
    /// Whether the scenario lets contract staff hold the approver role.
    fn contract_approvers_allowed(&self) -> bool;
    /// Makes sure the general hall of `department`'s jurisdiction has a station,
    /// and returns its place in the model's halls.
    fn open_hall(&mut self, department: DepartmentId) -> usize;
    /// Adds the departments and the structure of a merger starting on `start_day`;
    /// `ordinal` counts the `Merger` reforms written before it.
    fn merger(&mut self, merges: &[merger::RawMerge], start_day: u32, ordinal: usize) -> Option<merger::Structure>;
    /// Makes the cross-trained pools of `department`'s staff (see
    /// [`PoolRequest`]) with an extra error probability on secondary functions;
    /// unknown names and functions outside the department are reported.
    fn cross_training(&mut self, department: &str, request: PoolRequest, extra_error: f64) -> Option<Vec<usize>>;
}

/// Which staff of a department a cross-training reform trains, and in what.
#[derive(Clone, Copy, Debug)]
pub struct PoolRequest<'a> {
    /// Their divisions (empty: all of the department's).
    pub divisions: &'a [String],
    /// Their roles.
    pub roles: &'a [Role],
    /// The functions they learn (empty: those of the department's other divisions).
    pub functions: &'a [String],
    /// Work-time factor on a secondary function once learnt.
    pub slowdown: f64,
}

/// Where a reform stands on the day being prepared, and what it may change.
pub struct Today<'a> {
    /// The reform's index in the timeline.
    pub reform: usize,
    /// Day index.
    pub day: u32,
    /// The reform's first day.
    pub start_day: u32,
    /// Days until fully in force.
    pub ramp_days: u32,
    /// How far in force, in (0, 1].
    pub strength: f64,
    /// Whether today is its first day.
    pub starts_today: bool,
    /// Whether its one-off costs are booked today: on its first day, or on the
    /// first measured day for a reform that started during the warm-up.
    pub book_one_off: bool,
    /// Today's strengths, which the case flow reads.
    pub strengths: &'a mut Strengths,
    /// Orders for the engine, carried out in this order.
    pub orders: &'a mut Vec<Order>,
}

impl Today<'_> {
    /// Books a one-off cost if one-off costs are booked today.
    pub fn one_off(&mut self, cny: f64) {
        if self.book_one_off {
            self.orders.push(Order::OneOffCost { cny });
        }
    }

    /// Accrues a running cost today.
    pub fn running(&mut self, cny_per_year: f64) {
        self.orders.push(Order::RunningCost { cny_per_year });
    }

    /// Hires (or tops up) this reform's staff group to `count` times the strength.
    pub fn hire(
        &mut self,
        department: DepartmentId,
        role: Role,
        employment: Employment,
        count: u32,
        annual_cost_cny: f64,
        hall: bool,
    ) {
        let target = (f64::from(count) * self.strength).round() as u32;
        self.orders.push(Order::Hire(Hire {
            reform: self.reform,
            department,
            role,
            employment,
            target,
            annual_cost_cny,
            hall,
        }));
    }
}

/// A change to the world that a lever asks the engine to make today.
#[derive(Clone, Debug)]
pub enum Order {
    /// A one-off cost, CNY (booked in the measured period).
    OneOffCost {
        /// Amount.
        cny: f64,
    },
    /// A running cost in force today, CNY per year (a 365th accrues).
    RunningCost {
        /// Yearly amount.
        cny_per_year: f64,
    },
    /// Every window clerk of the jurisdiction of the general hall in this place
    /// (of the whole model without a tree) moves to that hall.
    WindowClerksToHall {
        /// The hall's place in the model's halls.
        hall: usize,
    },
    /// A reform's staff group is hired or topped up.
    Hire(Hire),
    /// Department structure `k` comes into force.
    SwitchStructure(usize),
    /// A headcount target comes into force (the first one stays).
    HeadcountTarget(headcount::HeadcountTarget),
    /// The recruitment policy changes.
    Recruitment(recruitment::Recruitment),
    /// Cross-trained pools are topped up.
    CrossTrain(CrossTrain),
    /// Staff are redeployed today by this rule.
    Redeploy(Redeploy),
}

/// The rule by which staff move between stations (see [`redeployment`]).
#[derive(Clone, Debug)]
pub struct Redeploy {
    /// Most members moved today.
    pub max_moves_per_day: u32,
    /// Steps waiting per server above which a station is over-loaded.
    pub overload_queue_per_server: f64,
    /// Highest utilisation a donor may have after giving up one member.
    pub donor_utilisation_after: f64,
    /// Roles that may move.
    pub roles: Vec<Role>,
    /// Whether contract staff may move to other departments.
    pub contract_across_departments: bool,
    /// The departments whose stations give and take staff, and those a merger
    /// forms from them (empty: all).
    pub departments: Vec<DepartmentId>,
}

/// Cross-trained pools topped up to a share of their divisions' staff.
#[derive(Clone, Debug)]
pub struct CrossTrain {
    /// The pools (indices into the model's pools).
    pub pools: Vec<usize>,
    /// Share of each pool's division-and-role staff trained by today.
    pub share: f64,
    /// Working days each newly trained person is off the job.
    pub training_days: u32,
    /// One-off cost per person trained, CNY.
    pub cost_cny_per_person: f64,
}

/// The staff group a reform hires.
#[derive(Clone, Debug)]
pub struct Hire {
    /// The hiring reform's index (one group per reform).
    pub reform: usize,
    /// Department (an id of the initial model; mapped through today's structure).
    pub department: DepartmentId,
    /// Role.
    pub role: Role,
    /// Employment type.
    pub employment: Employment,
    /// Headcount wanted today (the group only ever grows to it).
    pub target: u32,
    /// Cost per person and year, CNY.
    pub annual_cost_cny: f64,
    /// Generalist clerks of the general hall.
    pub hall: bool,
}

/// A station a lever's work needs in every structure.
#[derive(Clone, Debug)]
pub enum StationNeed {
    /// Staff of `role` in the department holding a function.
    Function(FunctionId, Role),
    /// Staff of `role` in each division holding an approval step of the services
    /// marked (by index).
    Approvers(Vec<bool>, Role),
    /// Staff of `role` in a department.
    Department(DepartmentId, Role),
}

/// How a lever's file form is read from its variant of `RawLever`.
pub trait RawForm: Sized {
    /// Reads the variant's content: `Name(field: …)` by default.
    fn read<'de, V: VariantAccess<'de>>(variant: V) -> Result<Self, V::Error>
    where
        Self: Deserialize<'de>,
    {
        variant.struct_variant(&[], Fields(PhantomData))
    }
}

/// Validation of a lever's file form into its validated form.
pub trait Build {
    /// The validated form.
    type Valid;
    /// Checks the lever against the model, reporting every problem to `check`;
    /// `None` when it cannot be built.
    fn build(self, check: &mut dyn Check, start_day: u32, ordinal: usize) -> Option<Self::Valid>;
}

/// A validated lever's daily effect.
pub trait Effect {
    /// Puts the lever in force for today at `today.strength`.
    fn today(&self, today: &mut Today);
    /// The station its work needs, if any.
    fn station_needed(&self) -> Option<StationNeed> {
        None
    }
}

/// Reads a struct variant's fields with the lever struct's own derived reader, so
/// that messages name the same fields as before.
struct Fields<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a reform lever's fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// A registry entry: what the docs and the dashboard say about a lever.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The variant name written in scenario files.
    pub name: &'static str,
    /// Its name in prose.
    pub label: &'static str,
    /// The module that holds it, under `src/levers/`.
    pub module: &'static str,
}

/// Declares the levers: the file-form enum, the validated enum, their dispatch
/// and the [`REGISTRY`] table, from one line per lever.
macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident => $module:ident, $label:literal; )*) => {
        /// The reform levers as written in a scenario file.
        #[derive(Clone, Debug)]
        pub enum RawLever {
            $( $(#[$doc])* $variant($module::Raw), )*
        }

        /// A validated reform lever (see docs/scenarios.md for each mechanism).
        #[derive(Clone, Debug)]
        pub enum Lever {
            $( $(#[$doc])* $variant($module::Valid), )*
        }

        /// Every lever, in the order of DOMAIN.md §3.
        pub const REGISTRY: &[Entry] = &[
            $( Entry { name: stringify!($variant), label: $label, module: stringify!($module) }, )*
        ];

        const VARIANTS: &[&str] = &[ $( stringify!($variant), )* ];

        impl RawLever {
            /// Validates the lever; `ordinal` counts the `Merger` reforms before it.
            pub fn build(self, check: &mut dyn Check, start_day: u32, ordinal: usize) -> Option<Lever> {
                match self {
                    $( RawLever::$variant(raw) => raw.build(check, start_day, ordinal).map(Lever::$variant), )*
                }
            }

            /// The variant name written in scenario files.
            pub fn name(&self) -> &'static str {
                match self {
                    $( RawLever::$variant(_) => stringify!($variant), )*
                }
            }
        }

        impl Lever {
            /// Puts the lever in force for today.
            pub fn today(&self, today: &mut Today) {
                match self {
                    $( Lever::$variant(lever) => lever.today(today), )*
                }
            }

            /// The station its work needs, if any.
            pub fn station_needed(&self) -> Option<StationNeed> {
                match self {
                    $( Lever::$variant(lever) => lever.station_needed(), )*
                }
            }
        }

        struct LeverVisitor;

        impl<'de> Visitor<'de> for LeverVisitor {
            type Value = RawLever;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("enum RawLever")
            }

            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<RawLever, A::Error> {
                let (VariantName(name), variant) = data.variant()?;
                match name {
                    $( stringify!($variant) => <$module::Raw as RawForm>::read(variant).map(RawLever::$variant), )*
                    _ => unreachable!("VariantName accepts the registry's names only"),
                }
            }
        }
    };
}

registry! {
    /// A general front desk accepts every service (一窗受理).
    OneWindow => one_window, "one window";
    /// Regulations of these services are revised to allow parallel handling.
    RegulationRevision => regulation_revision, "regulation revision";
    /// Integrated service, one-time completion (集成服务, 一次办结).
    IntegratedService => integrated_service, "integrated service";
    /// Internet + government services (互联网+政务服务).
    Online => online, "online service";
    /// Data sharing between departments (信息共享).
    DataSharing => data_sharing, "data sharing";
    /// Standardisation (标准化): less variance, fewer errors.
    Standardisation => standardisation, "standardisation";
    /// Department merger (大部制).
    Merger => merger, "merger";
    /// Error tolerance (容错纠错).
    ErrorTolerance => error_tolerance, "error tolerance";
    /// Reduce established staff to a share of today's.
    HeadcountReduction => headcount, "headcount reduction";
    /// Change the recruitment policy.
    RecruitmentPolicy => recruitment, "recruitment policy";
    /// Hire contract staff (编外人员).
    ContractStaff => contract_staff, "contract staff";
    /// Some approvals become notification plus a later inspection (事中事后监管).
    PostApprovalSupervision => supervision, "post-approval supervision";
    /// Performance assessment (政绩考核): queues give priority to cases closest to
    /// their promised time limit.
    DueDatePriority => due_date_priority, "due-date priority";
    /// Online listening (网络问政): dissatisfied applicants complain online.
    OnlineListening => online_listening, "online listening";
    /// Staff trained in other divisions' functions serve their queues when idle (复合型人才).
    CrossTraining => cross_training, "cross-training";
    /// Staff move from under-used to over-loaded stations they are skilled for (人员调剂).
    Redeployment => redeployment, "redeployment";
    /// Remote identity verification: online cases' `personal` steps need no visit.
    RemoteIdentity => remote_identity, "remote identity verification";
}

impl<'de> Deserialize<'de> for RawLever {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawLever, D::Error> {
        deserializer.deserialize_enum("RawLever", VARIANTS, LeverVisitor)
    }
}

/// A lever's variant name, read as an identifier and checked against the registry.
struct VariantName(&'static str);

impl<'de> Deserialize<'de> for VariantName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<VariantName, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = VariantName;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("variant identifier")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<VariantName, E> {
                VARIANTS
                    .iter()
                    .find(|n| **n == v)
                    .map(|n| VariantName(n))
                    .ok_or_else(|| E::unknown_variant(v, VARIANTS))
            }
        }
        deserializer.deserialize_identifier(Name)
    }
}
