//! Research tools over the experiment machinery: searching for the cheapest plan
//! that meets service targets ([`optimise`]).

pub mod optimise;
