//! `reformsim optimise`: the cheapest plan that meets service targets.

pub mod kn;
pub mod ocba;
