//! The strength of every reform lever that acts on cases, as the case flow reads
//! it: defined with the levers (`src/levers/strengths.rs`), set once a day by the
//! morning systems.

pub(crate) use crate::levers::Strengths as Levers;
