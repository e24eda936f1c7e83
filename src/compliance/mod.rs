//! (stage under construction)

pub mod restriction;
pub mod useful_life;
