//! The procurement committee's offline tool, as a library its tests call: a tender's key split among
//! the members (`shares`), and the opening of the sealed bids (`opening`). The bid document is
//! `envelope::bid`, which the supplier's browser writes.
pub mod opening;
pub mod shares;
